// What the system has of what the file needs, gathered once before planning
// so that what the kernel would refuse half-way becomes a plan error.
#include "nvmetctl/engine/engine.h"
#include "nvmetctl/util/phase_profile.h"
#include "nvmetctl/kernel/kernel_facts_reader.h"
#include "nvmetctl/kernel/module_failure.h"

namespace nvmetctl {
namespace {

bool uses_rdma(const Target& t) {
  if (!t.rdma_links.empty()) return true;
  for (const Port& p : t.ports)
    if (attr_value(p.attrs, "addr_trtype") == "rdma") return true;
  return false;
}

void gather_module_facts(const Target& desired, EngineContext& ctx, SystemFacts& facts) {
  if (!ctx.modules) {
    // Without a loader (tests on a fake tree) everything counts as present.
    for (const RequiredModule& module : required_modules(desired)) facts.modules[module.name] = ModuleState::BuiltIn;
    return;
  }
  for (const RequiredModule& module : required_modules(desired)) {
    auto state = ctx.modules->state(module.name);
    if (!state) {
      facts.module_problems[module.name] = state.error().describe();
      continue;
    }
    facts.modules[module.name] = *state;
    if (*state == ModuleState::Unavailable) {
      facts.module_problems[module.name] =
          "module " + module.name + " is not available for kernel " + facts.kernel_release;
      facts.module_hints[module.name] = module_failure_hint(module.name, ENOENT, facts.kernel_release, ctx.paths);
    }
  }
}

}  // namespace

SystemFacts gather_system_facts(const Target& desired, EngineContext& ctx, const LiveState& live) {
  ProfiledPhase profiled("facts");
  SystemFacts facts;
  facts.kernel_release = ctx.modules ? ctx.modules->kernel_release() : read_kernel_release(ctx.paths).value_or("");
  facts.configfs_mounted = live.nvmet_loaded || configfs_mounted_at(ctx.paths, ctx.paths.configfs);
  {
    ProfiledPhase modules("facts: modules");
    gather_module_facts(desired, ctx, facts);
  }
  if (ctx.rdma && uses_rdma(desired)) {
    ProfiledPhase rdma("facts: rdma");
    auto devices = ctx.rdma->list();
    if (devices) facts.rdma_devices = *devices;
    else facts.rdma_problem = devices.error().describe();
  }
  if (ctx.network && !desired.rdma_links.empty()) {
    ProfiledPhase netdevs("facts: netdevs");
    for (const RdmaLink& link : desired.rdma_links)
      if (!ctx.network->netdev_exists(link.netdev)) facts.missing_netdevs.insert(link.netdev);
  }
  return facts;
}

}  // namespace nvmetctl
