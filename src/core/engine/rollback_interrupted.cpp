#include "nvmetctl/engine/rollback_interrupted.h"

#include "engine_internal.h"

namespace nvmetctl {
namespace {

ApplyReport journal_failed(const SysError& error) {
  ApplyReport report;
  report.status = ApplyStatus::JournalFailed;
  report.read_error = error;
  return report;
}

// The snapshot as the desired target, exactly: what it lacks is removed and
// a subsystem whose identity the run changed is made again.
PlanOptions exact_options() {
  PlanOptions options;
  options.prune = true;
  options.allow_recreate = true;
  return options;
}

ApplyReport run_to_snapshot(const Target& snapshot, CrashJournal& journal, EngineContext& ctx, bool dry_run,
                            const std::atomic<bool>* interrupted) {
  auto full = make_full_plan(snapshot, ctx, exact_options(), true);
  if (!full) return engine_internal::read_failed(full.error());
  ApplyReport report;
  if (dry_run || full->plan.blocked() || full->plan.empty()) {
    report.plan = std::move(full->plan);
    report.status = report.plan.blocked() ? ApplyStatus::Blocked : ApplyStatus::NoChanges;
  } else {
    // Verify as the engine checks its own rollback: re-read everything and
    // compare with the snapshot.
    auto verify = [&] { return check_rolled_back(snapshot, ctx.fs, ctx.layout()).drift; };
    report = engine_internal::execute_with_rollback(std::move(full->plan), full->live.target, ctx, verify,
                                                    interrupted, nullptr);
  }
  bool restored = report.status == ApplyStatus::Applied || report.status == ApplyStatus::NoChanges;
  if (!dry_run && restored)
    if (auto removed = journal.remove(); !removed) report.journal_error = removed.error();
  return report;
}

}  // namespace

InterruptedRollback roll_back_interrupted_run(EngineContext& ctx, bool dry_run, const std::atomic<bool>* interrupted) {
  InterruptedRollback result;
  CrashJournal journal(ctx.paths.run_dir, ctx.paths.proc);
  auto found = journal.find_interrupted();
  if (!found) {
    result.report = journal_failed(found.error());
    return result;
  }
  result.run = std::move(*found);
  if (!result.run) return result;
  result.report = run_to_snapshot(result.run->snapshot, journal, ctx, dry_run, interrupted);
  return result;
}

}  // namespace nvmetctl
