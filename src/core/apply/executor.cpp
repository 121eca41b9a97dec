#include "nvmetctl/apply/executor.h"
#include "nvmetctl/util/phase_profile.h"

namespace nvmetctl {

ExecutionResult execute_plan(const Plan& plan, Environment& env, const std::atomic<bool>* interrupted,
                             const StepDone& step_done) {
  ProfiledPhase profiled("writes");
  ExecutionResult result;
  if (env.kernel_log) env.kernel_log->skip_to_end();
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    if (interrupted && interrupted->load()) {
      StepFailure failure;
      failure.step_index = i;
      failure.error = logic_error("apply", "", "interrupted by a signal");
      failure.interrupted = true;
      result.failure = failure;
      return result;
    }
    const Step& step = plan.steps[i];
    if (env.kernel_log) env.kernel_log->discard_pending();  // keep only this step's lines
    auto done = run_operation(env, step.op);
    if (!done) {
      StepFailure failure;
      failure.step_index = i;
      failure.error = done.error();
      if (env.kernel_log) failure.kernel_log = env.kernel_log->take_new();
      result.failure = failure;
      return result;
    }
    ++result.completed;
    if (!step_done) continue;
    if (auto recorded = step_done(i); !recorded) {
      StepFailure failure;
      failure.step_index = i;
      failure.error = recorded.error();
      result.failure = failure;
      return result;
    }
  }
  return result;
}

}  // namespace nvmetctl
