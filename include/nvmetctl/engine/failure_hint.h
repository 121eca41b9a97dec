#pragma once
// The cause and the fix for a refused configfs operation, from its errno and
// the kernel's log lines about it.
#include <string>
#include <vector>

#include "nvmetctl/expected.h"
#include "nvmetctl/kernel/kernel_log.h"
#include "nvmetctl/plan/operation.h"

namespace nvmetctl {

struct FailureExplanation {
  std::string cause;  // one sentence, "" when unknown
  std::string fix;    // a command or file change, "" when unknown
};

FailureExplanation explain_failure(const Operation& op, const SysError& error,
                                   const std::vector<KernelLogLine>& kernel_log);

}  // namespace nvmetctl
