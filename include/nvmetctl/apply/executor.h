#pragma once
// Runs a plan step by step and stops at the first failure or interrupt.
// Undoing what it did is the engine's rollback (engine/rollback.h).
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

}  // namespace nvmetctl
