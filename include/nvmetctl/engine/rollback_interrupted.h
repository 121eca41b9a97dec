#pragma once
// `nvmetctl rollback`: put the target back to the snapshot an interrupted
// run (SIGKILL, OOM kill) left in the crash journal. It plans from the live
// tree to the snapshot exactly (prune, recreate), runs that plan with the
// usual execute / verify / rollback, proves the tree equals the snapshot and
// removes the journal. Until then the journal stays: killed again, the next
// `rollback` still knows where to go.
#include <atomic>
#include <optional>

#include "nvmetctl/engine/engine.h"
#include "nvmetctl/engine/journal.h"

namespace nvmetctl {

struct InterruptedRollback {
  std::optional<JournalRecord> run;  // nullopt: no interrupted run
  ApplyReport report;                // status JournalFailed: the journal is unreadable
};

// dry_run: plan only (report.plan), nothing changed.
InterruptedRollback roll_back_interrupted_run(EngineContext& ctx, bool dry_run,
                                              const std::atomic<bool>* interrupted = nullptr);

}  // namespace nvmetctl
