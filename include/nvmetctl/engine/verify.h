#pragma once
// After a run: read configfs again and plan against what the run wanted. A
// non-empty plan is drift, described as "desired X, current Y".
#include <string>
#include <vector>

#include "nvmetctl/configfs/config_fs.h"
#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/plan/outcome.h"
#include "nvmetctl/plan/plan.h"

namespace nvmetctl {

// "subsystems/x/attr_model: desired 'A', current 'B'" for each step a plan
// still has after apply, or after rollback against the snapshot.
std::vector<std::string> describe_drift(const Plan& plan, const NvmetLayout& layout);

// apply: the declared attributes, read again, against the file.
std::vector<std::string> verify_applied(const Target& desired, const ConfigFs& fs, const NvmetLayout& layout,
                                        const KernelFacts& kernel, const PlanOptions& options);
// clear: the whole tree, read again, must be empty.
std::vector<std::string> verify_cleared(const ConfigFs& fs, const NvmetLayout& layout);

}  // namespace nvmetctl
