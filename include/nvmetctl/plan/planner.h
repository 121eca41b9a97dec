#pragma once
#include <map>
#include <string>

#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/model/kernel_version.h"
#include "nvmetctl/model/target.h"
#include "nvmetctl/plan/plan.h"
#include "nvmetctl/state/live_state.h"

namespace nvmetctl {

struct PlanOptions {
  bool prune = false;           // remove live objects the file does not declare
  bool allow_recreate = false;  // allow -/+ of subsystems whose identity is frozen
};

// What the planner must know about the kernel beyond configfs itself.
struct KernelFacts {
  KernelVersion version;                    // 0.0 when unknown
  std::map<std::string, bool> config;       // CONFIG_X -> built (y/m); absent: unknown
};

// Configfs steps only; module and RDMA link steps are planned separately and
// placed in front (see prerequisites_planner.h).
Plan plan_configfs(const Target& desired, const LiveState& live, const NvmetLayout& layout,
                   const KernelFacts& kernel, const PlanOptions& options);

// Everything removed, in the safe order.
Plan plan_teardown(const LiveState& live, const NvmetLayout& layout);

}  // namespace nvmetctl
