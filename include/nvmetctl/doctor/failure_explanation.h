#pragma once
// The cause and the fix for a refused operation of apply or clear, from its
// errno and the kernel's log lines about it: the doctor's diagnosis, in one
// sentence and one command.
#include <string>
#include <vector>

#include "nvmetctl/expected.h"
#include "nvmetctl/kernel/kernel_log.h"
#include "nvmetctl/plan/operation.h"
#include "nvmetctl/system_paths.h"

namespace nvmetctl {

struct FailureExplanation {
  std::string cause;  // one sentence, "" when unknown
  std::string fix;    // a command or file change, "" when unknown
};

FailureExplanation explain_failure(const Operation& op, const SysError& error,
                                   const std::vector<KernelLogLine>& kernel_log, const SystemPaths& paths);

}  // namespace nvmetctl
