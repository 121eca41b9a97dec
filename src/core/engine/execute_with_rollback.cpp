// The run itself: journal, execute, verify, and on any failure roll back and
// check the tree against the snapshot.
#include "engine_internal.h"
#include "run_journal.h"

namespace nvmetctl::engine_internal {
namespace {

void roll_back_and_check(ApplyReport& report, const Target& snapshot, EngineContext& ctx, Environment& env) {
  report.rollback = roll_back(report.plan, report.completed, env);
  RollbackCheck check = check_rolled_back(snapshot, ctx.fs, ctx.layout());
  report.rollback_drift = std::move(check.drift);
  for (std::string& line : rdma_link_drift(report.plan, report.completed, ctx.rdma))
    report.rollback_drift.push_back(std::move(line));
  for (std::string& line : tls_key_drift_after_rollback(report.plan, report.completed, ctx.keyring))
    report.rollback_drift.push_back(std::move(line));
  report.rollback_kept = std::move(check.kept);
  report.status = report.rollback.errors.empty() && report.rollback_drift.empty()
                      ? ApplyStatus::FailedRolledBack
                      : ApplyStatus::FailedRollbackIncomplete;
}

}  // namespace

ApplyReport read_failed(const SysError& error) {
  ApplyReport report;
  report.status = ApplyStatus::ReadFailed;
  report.read_error = error;
  return report;
}

ApplyReport execute_with_rollback(Plan plan, const Target& snapshot, EngineContext& ctx,
                                  const std::function<std::vector<std::string>()>& verify,
                                  const std::atomic<bool>* interrupted, const char* journal_command,
                                  const ApplyConfirm& confirm) {
  ApplyReport report;
  report.plan = std::move(plan);
  RunJournal journal(ctx, journal_command);
  if (auto begun = journal.begin(snapshot, report.plan); !begun) {
    report.status = ApplyStatus::JournalFailed;
    report.read_error = begun.error();
    return report;
  }
  Environment env = ctx.environment();
  ExecutionResult run;
  {
    KeptWrittenFiles kept(ctx.fs);  // the verify reads back through them (config_fs.h)
    run = execute_plan(report.plan, env, interrupted, journal.marker());
    report.completed = run.completed;
    report.failure = run.failure;
    if (!run.failure) report.verify_drift = verify();
  }
  if (!run.failure)
    for (std::string& line : tls_key_drift_after_run(report.plan, ctx.keyring))
      report.verify_drift.push_back(std::move(line));
  // Still inside the journal: a crash during the confirmation is rolled back
  // by the next run like one during a step.
  if (!run.failure && report.verify_drift.empty() && confirm) {
    report.confirm_failures = confirm(report.plan);
    if (interrupted && interrupted->load()) report.confirm_failures.push_back("interrupted by a signal during the check");
  }
  if (!run.failure && report.verify_drift.empty() && report.confirm_failures.empty()) report.status = ApplyStatus::Applied;
  else roll_back_and_check(report, snapshot, ctx, env);
  if (auto ended = journal.end(report.status); !ended) report.journal_error = ended.error();
  return report;
}

}  // namespace nvmetctl::engine_internal
