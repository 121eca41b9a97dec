#pragma once
// After a run: read configfs again and plan against what the run wanted. A
// non-empty plan is drift, described as "desired X, current Y".
#include <set>
#include <string>
#include <vector>

#include "nvmetctl/configfs/config_fs.h"
#include "nvmetctl/configfs/live_state.h"
#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/plan/outcome.h"
#include "nvmetctl/plan/plan.h"

namespace nvmetctl {

// "subsystems/x/attr_model: desired 'A', current 'B'" for each step a plan
// still has after apply, or after rollback against the snapshot.
std::vector<std::string> describe_drift(const Plan& plan, const NvmetLayout& layout);

// The objects a plan's steps touch, by directory: a host, a subsystem (its
// namespaces, passthru and allowed hosts included), a port (its links,
// referrals and ANA groups included).
std::set<std::string> touched_objects(const Plan& plan, const NvmetLayout& layout);

// apply: the declared attributes, read again, against the file. With the
// objects the run's steps touched and the state its plan was made from, only
// those objects are read again: a write's side effects stay in its own
// object (model/kernel_behaviour), so nothing else can have moved.
std::vector<std::string> verify_applied(const Target& desired, const ConfigFs& fs, const NvmetLayout& layout,
                                        const KernelFacts& kernel, const PlanOptions& options,
                                        const std::set<std::string>* touched = nullptr,
                                        const LiveState* before = nullptr);
// clear: the whole tree, read again, must be empty.
std::vector<std::string> verify_cleared(const ConfigFs& fs, const NvmetLayout& layout);

}  // namespace nvmetctl
