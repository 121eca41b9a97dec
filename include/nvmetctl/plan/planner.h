#pragma once
#include <map>
#include <string>

#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/model/kernel_version.h"
#include "nvmetctl/model/target.h"
#include "nvmetctl/plan/outcome.h"
#include "nvmetctl/plan/plan.h"
#include "nvmetctl/configfs/live_state.h"

namespace nvmetctl {

// Configfs steps only; module and RDMA link steps are planned separately and
// placed in front (see prerequisites_planner.h).
Plan plan_configfs(const Outcome& outcome, const NvmetLayout& layout);
Plan plan_configfs(const Target& desired, const LiveState& live, const NvmetLayout& layout,
                   const KernelFacts& kernel, const PlanOptions& options);

// Everything removed, in the safe order.
Plan plan_teardown(const LiveState& live, const NvmetLayout& layout);

}  // namespace nvmetctl
