// Hosts' TLS PSKs in the kernel's .nvme keyring. Not configfs, but a TLS
// port does not serve a host without its key: keys are added before the
// configfs steps (a host that connects as soon as its port listens finds
// its key) and removed after them (a host keeps its key while it has access).
#include <algorithm>

#include "nvmetctl/model/kernel_behaviour.h"
#include "nvmetctl/tls/live_tls_keys.h"
#include "planning.h"

namespace nvmetctl {
namespace {

bool declares_tls_keys(const Target& desired) {
  for (const Host& host : desired.hosts)
    if (host.tls_psk_file) return true;
  return false;
}

std::string key_object(const std::string& host, const std::string& subsystem) {
  return "TLS PSK of host " + host + " for " + subsystem;
}

// A live key the plan takes out: the file declares its host's key and its
// subsystem, but not this pair (or not with this hash); or --prune removes
// its host or subsystem. A key for a subsystem this target neither has nor
// declares is never touched: the node's own NVMe host side keeps its keys
// for remote subsystems in the same keyring.
bool removes(const Planning& p, const LiveTlsKey& key) {
  const Outcome& o = p.outcome;
  if (!o.live_subsystem(key.id.subsystem_nqn) && !o.desired_subsystem(key.id.subsystem_nqn)) return false;
  const Host* host = o.desired_host(key.id.host_nqn);
  if (host && host->tls_psk_file && o.desired_subsystem(key.id.subsystem_nqn)) return true;
  if (!p.options().prune) return false;
  bool subsystem_goes = o.live_subsystem(key.id.subsystem_nqn) && !o.desired_subsystem(key.id.subsystem_nqn);
  bool host_goes = o.live_host(key.id.host_nqn) && !host;
  return subsystem_goes || host_goes;
}

}  // namespace

void check_tls_keys(Planning& p) {
  const LiveState& live = p.outcome.live_state();
  if (!live.tls.error.empty()) {
    p.problems.error(SourceLocation{}, "TLS PSKs", live.tls.error);
    return;
  }
  if (!live.tls.read || live.tls.keyring || !declares_tls_keys(p.outcome.desired())) return;
  const KernelVersion kernel = p.kernel();
  const bool absent = live.nvmet_loaded || (kernel.known() && !kernel_has(KernelRule::NvmeTlsKeyring, kernel));
  if (!absent) return;  // nvmet's module brings the keyring with it
  std::string why = live.nvmet_loaded ? "the kernel has no .nvme keyring (nvme-keyring, with NVMe/TCP TLS built in)"
                                      : "TLS PSKs need the .nvme keyring of Linux " +
                                            kernel_rule(KernelRule::NvmeTlsKeyring).since.str() +
                                            " or newer; this kernel is " + kernel.str();
  for (const Host& host : p.outcome.desired().hosts)
    if (host.tls_psk_file) p.problems.error_once(host.tls_psk_where, "host " + host.nqn + " tls_psk_file", why);
}

void plan_tls_key_additions(Planning& p) {
  const LiveTlsKeys& live = p.outcome.live_state().tls;
  if (!live.read) return;
  std::vector<WantedTlsKey> keys = wanted_tls_keys(p.outcome.desired(), p.outcome.live());
  // A key no subsystem lets in is a file that says more than it does.
  for (const Host& host : p.outcome.desired().hosts)
    if (host.tls_psk && std::none_of(keys.begin(), keys.end(), [&](const WantedTlsKey& k) { return k.host == &host; }))
      p.problems.warning(host.tls_psk_where, "host " + host.nqn + " tls_psk_file",
                         "no subsystem of the file lets this host in, so no TLS PSK is added for it");
  for (const WantedTlsKey& wanted : keys) {
    const Host& host = *wanted.host;
    auto psk = derive_tls_psk(*host.tls_psk, host.nqn, wanted.subsystem_nqn);
    if (!psk) {
      p.problems.error(host.tls_psk_where, "host " + host.nqn + " tls_psk_file", psk.error().reason);
      continue;
    }
    const LiveTlsKey* now = live.find(wanted.identity);
    if (now && now->key && *now->key == psk->key) continue;
    Operation add{OpKind::AddTlsKey, wanted.identity, secret_to_hex(psk->key), now ? std::to_string(now->serial) : ""};
    std::vector<Operation> undo;
    if (now) undo.push_back({OpKind::RelinkTlsKey, wanted.identity, {}, std::to_string(now->serial)});
    else undo.push_back({OpKind::RemoveTlsKey, wanted.identity, {}, {}});
    Step& step = p.steps.emit(now ? ChangeKind::Update : ChangeKind::Create, add,
                              key_object(host.nqn, wanted.subsystem_nqn), undo);
    step.secret = true;
  }
}

void plan_tls_key_removals(Planning& p) {
  const LiveTlsKeys& live = p.outcome.live_state().tls;
  if (!live.read) return;
  std::set<std::string> wanted = wanted_tls_identities(p.outcome.desired(), p.outcome.live());
  for (const LiveTlsKey& key : live.keys) {
    if (wanted.count(key.identity) || !removes(p, key)) continue;
    std::string serial = std::to_string(key.serial);
    p.steps.emit(ChangeKind::Remove, {OpKind::RemoveTlsKey, key.identity, {}, serial},
                 key_object(key.id.host_nqn, key.id.subsystem_nqn), {{OpKind::RelinkTlsKey, key.identity, {}, serial}});
  }
}

}  // namespace nvmetctl
