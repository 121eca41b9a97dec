#pragma once
// Runs a plan step by step and stops at the first failure or interrupt.
// Undoing what it did is the engine's rollback (engine/rollback.h).
#include <atomic>
#include <functional>
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

// Called after each step that succeeded, with its index, before the next
// step runs (the engine's crash journal marks it). An error stops the run
// there, as a failed step would: what is not recorded must not go on.
using StepDone = std::function<Expected<void>(std::size_t)>;

ExecutionResult execute_plan(const Plan& plan, Environment& env, const std::atomic<bool>* interrupted = nullptr,
                             const StepDone& step_done = {});

}  // namespace nvmetctl
