#pragma once
// The crash journal over one run of apply or clear (private to the engine).
#include <optional>
#include <string>

#include "nvmetctl/engine/engine.h"
#include "nvmetctl/engine/journal.h"

namespace nvmetctl::engine_internal {

class RunJournal {
 public:
  // No journal when ctx.crash_journal is off or `command` is null (rollback
  // keeps the interrupted run's journal as it is until it succeeded).
  RunJournal(const EngineContext& ctx, const char* command);

  // Before the first mutation. An interrupted run's journal is replaced, and
  // kept in memory to put back if this run undoes itself.
  Expected<void> begin(const Target& snapshot, const Plan& plan);
  StepDone marker();
  // Applied: the journal goes. Rolled back: the interrupted run's journal
  // comes back, or none. Rollback incomplete: this run's journal stays, for
  // `nvmetctl rollback`.
  Expected<void> end(ApplyStatus status);

 private:
  std::optional<CrashJournal> journal_;
  std::optional<JournalRecord> replaced_;
  std::string command_;
};

// After a run that left the target as the file wants without a journal of
// its own (nothing to do): an interrupted run's journal is history now.
Expected<void> forget_interrupted_run(const EngineContext& ctx);

}  // namespace nvmetctl::engine_internal
