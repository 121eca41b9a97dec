#pragma once
// Runs a plan step by step; on the first failure (or an interrupt) undoes the
// completed steps in reverse.
#include <atomic>
#include <optional>
#include <vector>

#include "nvmetctl/apply/environment.h"
#include "nvmetctl/plan/plan.h"

namespace nvmetctl {

struct StepFailure {
  std::size_t step_index = 0;
  SysError error;
  std::vector<KernelLogLine> kernel_log;  // what the kernel said about it
  bool interrupted = false;
};

struct ExecutionResult {
  std::size_t completed = 0;  // steps that succeeded, from the start
  std::optional<StepFailure> failure;
};

ExecutionResult execute_plan(const Plan& plan, Environment& env,
                             const std::atomic<bool>* interrupted = nullptr);

struct RollbackResult {
  std::size_t undone = 0;
  std::vector<SysError> errors;  // undo operations that failed (rollback carries on)
};

// Undoes steps [0, completed) in reverse order.
RollbackResult roll_back(const Plan& plan, std::size_t completed, Environment& env);

}  // namespace nvmetctl
