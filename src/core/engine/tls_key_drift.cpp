// TLS PSKs are outside configfs: verify and the rollback check ask the
// keyring itself, and only when the plan touched a key.
#include <algorithm>

#include "nvmetctl/engine/rollback.h"

namespace nvmetctl {
namespace {

bool is_key_op(const Operation& op) {
  return op.kind == OpKind::AddTlsKey || op.kind == OpKind::RemoveTlsKey || op.kind == OpKind::RelinkTlsKey;
}

std::string serial_text(std::int32_t serial) { return std::to_string(serial); }

}  // namespace

std::vector<std::string> tls_key_drift_after_run(const Plan& plan, PskKeyring* keyring) {
  if (std::none_of(plan.steps.begin(), plan.steps.end(), [](const Step& s) { return is_key_op(s.op); })) return {};
  if (!keyring) return {"TLS PSKs: no keyring to check"};
  auto entries = keyring->list();
  if (!entries) return {"cannot list the TLS keyring: " + entries.error().describe()};
  std::vector<std::string> drift;
  for (const Step& step : plan.steps) {
    const Operation& op = step.op;
    const KeyringEntry* now = find_psk_entry(*entries, op.path);
    if (op.kind == OpKind::AddTlsKey) {
      if (!now) {
        drift.push_back("TLS PSK '" + op.path + "': missing from the keyring");
        continue;
      }
      auto key = keyring->read(now->serial);
      if (!key) drift.push_back("TLS PSK '" + op.path + "': cannot read it back: " + key.error().describe());
      else if (!(*key == secret_from_hex(op.value)))
        drift.push_back("TLS PSK '" + op.path + "': the keyring holds another key");
    }
    if (op.kind == OpKind::RemoveTlsKey && now)
      drift.push_back("TLS PSK '" + op.path + "': still in the keyring, but not wanted");
  }
  return drift;
}

std::vector<std::string> tls_key_drift_after_rollback(const Plan& plan, std::size_t completed, PskKeyring* keyring) {
  bool touched = false;
  for (std::size_t i = 0; i < completed; ++i) touched = touched || is_key_op(plan.steps[i].op);
  if (!touched) return {};
  if (!keyring) return {"TLS PSKs: no keyring to check"};
  auto entries = keyring->list();
  if (!entries) return {"cannot list the TLS keyring: " + entries.error().describe()};
  std::vector<std::string> drift;
  for (std::size_t i = 0; i < completed; ++i) {
    const Operation& op = plan.steps[i].op;
    const KeyringEntry* now = find_psk_entry(*entries, op.path);
    // The key that held the identity before the run, if any.
    std::string before = op.kind == OpKind::RemoveTlsKey || op.kind == OpKind::AddTlsKey ? op.detail : "";
    if (!is_key_op(op) || op.kind == OpKind::RelinkTlsKey) continue;
    if (before.empty() && now) drift.push_back("TLS PSK '" + op.path + "': present, but not wanted");
    if (!before.empty() && (!now || serial_text(now->serial) != before))
      drift.push_back("TLS PSK '" + op.path + "': the key it held before is not back");
  }
  return drift;
}

}  // namespace nvmetctl
