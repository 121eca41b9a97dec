// The configfs plan, phase by phase. Checks first (errors, no steps), then
// the steps in the order the kernel needs: unlink what must go quiet, remove
// what is recreated, hosts, ports, subsystems, link, prune.
#include "nvmetctl/plan/planner.h"
#include "nvmetctl/config/target_validator.h"
#include "planning.h"

namespace nvmetctl {

Plan plan_configfs(const Target& desired, const LiveState& live, const NvmetLayout& layout, const KernelFacts& kernel,
                   const PlanOptions& options) {
  Outcome outcome(desired, live, kernel, options);
  return plan_configfs(outcome, layout);
}

Plan plan_configfs(const Outcome& outcome, const NvmetLayout& layout) {
  Plan plan;
  StepEmitter steps(plan, outcome.kernel().version);
  Planning p{outcome, layout, steps, plan.problems, {}};
  check_capabilities(p);
  check_frozen_identity(p);
  warn_kernel_device_names(p);
  check_discovery_nqn(p);
  check_tls_keys(p);
  const bool discovery_nqn_first = discovery_nqn_goes_first(p);
  plan_tls_key_additions(p);
  detach_links(p);
  remove_recreated_subsystems(p);
  if (discovery_nqn_first) plan_discovery_nqn(p);
  for (const Host& host : outcome.desired().hosts) plan_host(p, host);
  // Ports (with their ANA groups) before subsystems: a namespace moved to
  // ANA group N must find N on the ports already, or hosts see that path
  // inaccessible until the group is made. Ports are linked only later.
  for (const Port& port : outcome.desired().ports) plan_port(p, port);
  for (const Subsystem& s : outcome.desired().subsystems) plan_subsystem(p, s);
  plan_extra_attributes(p);
  attach_links(p);
  if (outcome.options().prune) prune(p);
  else list_unmanaged(outcome, plan);
  if (!discovery_nqn_first) plan_discovery_nqn(p);
  plan_tls_key_removals(p);
  return plan;
}

Plan plan_teardown(const LiveState& live, const NvmetLayout& layout) {
  Target nothing;
  // Nothing includes the discovery NQN every kernel starts with.
  if (live.target.discovery_nqn) nothing.discovery_nqn = kDiscoveryNqn;
  PlanOptions prune_all;
  prune_all.prune = true;
  return plan_configfs(nothing, live, layout, KernelFacts{}, prune_all);
}

}  // namespace nvmetctl
