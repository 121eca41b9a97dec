// The root discovery_nqn (6.9+): one write, where the kernel takes it. The
// kernel refuses the new value while a subsystem's name begins with it, and
// refuses a new subsystem named like the current value.
#include "nvmetctl/model/discovery_nqn_rule.h"
#include "nvmetctl/model/kernel_behaviour.h"
#include "planning.h"

namespace nvmetctl {
namespace {

// Live subsystems the plan leaves in place: kept by the file, or undeclared
// and not pruned.
std::vector<std::string> subsystems_kept(const Planning& p) {
  std::vector<std::string> kept;
  for (const Subsystem& live : p.outcome.live().subsystems)
    if (p.outcome.desired_subsystem(live.nqn) || !p.options().prune) kept.push_back(live.nqn);
  return kept;
}

}  // namespace

std::optional<std::string> discovery_nqn_change(const Planning& p) {
  const auto& wanted = p.outcome.desired().discovery_nqn;
  if (!wanted) return std::nullopt;
  const auto& now = p.outcome.live().discovery_nqn;
  if (now && *now == *wanted) return std::nullopt;
  return wanted;
}

void check_discovery_nqn(Planning& p) {
  auto wanted = discovery_nqn_change(p);
  if (!wanted) return;
  const Target& desired = p.outcome.desired();
  const LiveState& live = p.outcome.live_state();
  const KernelVersion kernel = p.kernel();
  const bool absent = live.nvmet_loaded ? !live.root_attrs.count("discovery_nqn")
                                        : kernel.known() && !kernel_has(KernelRule::DiscoveryNqnAttribute, kernel);
  if (absent) {
    p.problems.error(desired.discovery_nqn_where, "discovery_nqn",
                     "discovery_nqn needs Linux " + kernel_rule(KernelRule::DiscoveryNqnAttribute).since.str() +
                         " or newer; " + (kernel.known() ? "this kernel is " + kernel.str() : "this kernel lacks it"));
    return;
  }
  for (const std::string& nqn : subsystems_kept(p))
    if (subsystem_blocks_discovery_nqn(nqn, *wanted))
      p.problems.error(desired.discovery_nqn_where, "discovery_nqn",
                       "live subsystem '" + nqn + "' begins with it, and the kernel refuses a discovery NQN that a "
                       "subsystem's name begins with (remove the subsystem, or --prune it)");
}

bool discovery_nqn_goes_first(const Planning& p) {
  if (!discovery_nqn_change(p)) return false;
  const auto& now = p.outcome.live().discovery_nqn;
  if (!now) return false;
  for (const Subsystem& s : p.outcome.desired().subsystems)
    if (s.nqn == *now && !p.outcome.live_subsystem(s.nqn)) return true;
  return false;
}

void plan_discovery_nqn(Planning& p) {
  auto wanted = discovery_nqn_change(p);
  if (!wanted) return;
  const std::string path = p.layout.root() + "/discovery_nqn";
  const auto& now = p.outcome.live().discovery_nqn;
  std::vector<Operation> undo;
  if (now) undo.push_back({OpKind::Write, path, *now, {}});
  Step& step = p.steps.emit(ChangeKind::Update, {OpKind::Write, path, *wanted, {}}, "discovery_nqn", std::move(undo));
  step.old_value = now;
}

}  // namespace nvmetctl
