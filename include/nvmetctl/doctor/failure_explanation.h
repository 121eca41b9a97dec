#pragma once
// The cause and the fix for a refused operation of apply or clear, from its
// errno and the kernel's log lines about it: the doctor's diagnosis, in one
// sentence and one command.
#include <string>
#include <vector>

#include "nvmetctl/expected.h"
#include "nvmetctl/kernel/kernel_log.h"
#include "nvmetctl/plan/plan.h"
#include "nvmetctl/system_paths.h"

namespace nvmetctl {

struct FailureExplanation {
  std::string cause;  // one sentence, "" when unknown
  std::string fix;    // a command or file change, "" when unknown
};

// failed_step indexes plan.steps: the other steps say what the refused one
// depended on (a port link's refusal is about the address the plan wrote).
FailureExplanation explain_failure(const Plan& plan, std::size_t failed_step, const SysError& error,
                                   const std::vector<KernelLogLine>& kernel_log, const SystemPaths& paths);

}  // namespace nvmetctl
