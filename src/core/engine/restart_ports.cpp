// Ports disabled and enabled again by unlinking and relinking every
// subsystem: the only way to make nvmet listen again on a port whose RDMA
// device went away and came back (KernelRule::RdmaListenerDiesWithItsDevice).
#include <algorithm>

#include "engine_internal.h"

namespace nvmetctl {

ApplyReport restart_ports(EngineContext& ctx, const std::vector<std::uint16_t>& ports) {
  auto live = read_live_state(ctx.fs, ctx.layout(), ReadScope{});
  if (!live) return engine_internal::read_failed(live.error());
  const NvmetLayout layout = ctx.layout();
  Plan plan;
  std::vector<Step> relinks;
  for (const Port& port : live->target.ports) {
    if (std::find(ports.begin(), ports.end(), port.id) == ports.end() || !port.enabled()) continue;
    const std::string object = "port " + std::to_string(port.id);
    for (const std::string& nqn : *port.subsystems) {
      const std::string link = layout.port_link(port.id, nqn), target = layout.subsystem(nqn);
      plan.steps.push_back({ChangeKind::Replace,
                            {OpKind::Unlink, link, {}, {}},
                            object,
                            std::nullopt,
                            false,
                            "the port restarts: its hosts reconnect",
                            {{OpKind::Symlink, link, target, {}}}});
      relinks.push_back(
          {ChangeKind::Replace, {OpKind::Symlink, link, target, {}}, object, std::nullopt, false, {}, {{OpKind::Unlink, link, {}, {}}}});
    }
  }
  for (Step& step : relinks) plan.steps.push_back(std::move(step));
  if (plan.empty()) {
    ApplyReport report;
    report.plan = std::move(plan);
    return report;
  }
  // Nothing in the tree changes: verify that it reads as before.
  const Target before = live->target;
  auto verify = [&] { return check_rolled_back(before, ctx.fs, layout).drift; };
  return engine_internal::execute_with_rollback(std::move(plan), before, ctx, verify, nullptr, "restart ports");
}

}  // namespace nvmetctl
