#include "run_journal.h"
#include "nvmetctl/util/phase_profile.h"

namespace nvmetctl::engine_internal {

RunJournal::RunJournal(const EngineContext& ctx, const char* command) {
  if (!ctx.crash_journal || !command) return;
  journal_.emplace(ctx.paths.run_dir, ctx.paths.proc);
  command_ = command;
}

Expected<void> RunJournal::begin(const Target& snapshot, const Plan& plan) {
  ProfiledPhase profiled("journal");
  if (!journal_) return {};
  auto earlier = journal_->find_interrupted();
  if (!earlier) return earlier.error();
  replaced_ = std::move(*earlier);
  return journal_->begin(command_, snapshot, plan);
}

StepDone RunJournal::marker() {
  if (!journal_) return {};
  return [this](std::size_t index) { return journal_->mark(index); };
}

Expected<void> RunJournal::end(ApplyStatus status) {
  ProfiledPhase profiled("journal");
  if (!journal_) return {};
  switch (status) {
    case ApplyStatus::Applied:
    case ApplyStatus::NoChanges:
      return journal_->remove();
    case ApplyStatus::FailedRolledBack:
      return replaced_ ? journal_->restore(*replaced_) : journal_->remove();
    default:
      return {};  // incomplete: the snapshot is what `nvmetctl rollback` needs
  }
}

Expected<void> forget_interrupted_run(const EngineContext& ctx) {
  if (!ctx.crash_journal) return {};
  CrashJournal journal(ctx.paths.run_dir, ctx.paths.proc);
  auto earlier = journal.find_interrupted();
  if (!earlier || !*earlier) return {};  // an unreadable journal is left for rollback to report
  return journal.remove();
}

}  // namespace nvmetctl::engine_internal
