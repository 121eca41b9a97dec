#include "apply_report_printer.h"

#include <iostream>

#include "nvmetctl/doctor/failure_explanation.h"
#include "nvmetctl/exit_codes.h"
#include "nvmetctl/util/phase_profile.h"
#include "plan_printer.h"

namespace nvmetctl::cli {
namespace {

const char* status_name(ApplyStatus status) {
  switch (status) {
    case ApplyStatus::NoChanges: return "no-changes";
    case ApplyStatus::Applied: return "applied";
    case ApplyStatus::Blocked: return "blocked";
    case ApplyStatus::ReadFailed: return "read-failed";
    case ApplyStatus::JournalFailed: return "journal-failed";
    case ApplyStatus::FailedRolledBack: return "rolled-back";
    case ApplyStatus::FailedRollbackIncomplete: return "rollback-incomplete";
  }
  return "?";
}

// What went wrong, once for both outputs: the JSON document and stderr.
struct FailureSummary {
  std::string what, hint;
  std::vector<std::string> log_lines;
};

FailureSummary summarize_failure(const CliContext& ctx, const ApplyReport& report, const NvmetLayout& layout,
                                 nlohmann::json& doc, const std::string& file) {
  FailureSummary summary;
  if (report.failure) {
    const SysError& e = report.failure->error;
    const Operation& op = report.plan.steps[report.failure->step_index].op;
    summary.what = e.action + " " +
                   (op.touches_configfs() ? layout.relative(e.path.empty() ? op.path : e.path) : e.path) + ": " +
                   e.reason;
    for (const auto& line : report.failure->kernel_log) summary.log_lines.push_back(line.stamped());
    FailureExplanation why = explain_failure(report.plan, report.failure->step_index, e, report.failure->kernel_log, ctx.paths);
    summary.hint = why.cause.empty() ? "" : why.cause + (why.fix.empty() ? "" : "; fix: " + why.fix);
    doc["failure"] = {{"step", report.failure->step_index}, {"error", summary.what}, {"errno", e.errnum},
                      {"kernel_log", summary.log_lines}, {"cause", why.cause}, {"fix", why.fix},
                      {"interrupted", report.failure->interrupted}};
  } else if (!report.verify_drift.empty()) {
    summary.what = "verify " + file + ": configfs does not match the file after apply";
    doc["failure"] = {{"verify_drift", report.verify_drift}};
  } else if (!report.confirm_failures.empty()) {
    summary.what = "check " + file + ": hosts are not served as the file promises after apply";
    summary.hint = "the change was rolled back; 'nvmetctl doctor --probe " + file + "' explains each failure";
    doc["failure"] = {{"check_failures", report.confirm_failures}};
  }
  return summary;
}

nlohmann::json rollback_json(const ApplyReport& report) {
  nlohmann::json rollback{{"undone_steps", report.rollback.undone}, {"drift", report.rollback_drift},
                          {"kept", report.rollback_kept},
                          {"complete", report.status == ApplyStatus::FailedRolledBack}};
  for (const auto& e : report.rollback.errors) rollback["errors"].push_back(e.describe());
  return rollback;
}

void print_rollback(const CliContext& ctx, const ApplyReport& report) {
  if (report.status == ApplyStatus::FailedRolledBack) {
    std::cerr << "rollback: undid " << report.rollback.undone << " steps; the target is "
              << (report.rollback_kept.empty() ? "exactly " : "") << "as it was before this run.\n";
    for (const auto& k : report.rollback_kept) std::cerr << "  kept: " << k << "\n";
  } else {
    std::cerr << "rollback: INCOMPLETE; the target differs from before this run:\n";
    for (const auto& e : report.rollback.errors) std::cerr << "  undo failed: " << e.describe() << "\n";
    for (const auto& d : report.rollback_drift) std::cerr << "  differs: " << d << "\n";
    std::cerr << "hint: inspect with 'nvmetctl export' and 'nvmetctl doctor'\n";
    std::cerr << "the crash journal in " << ctx.paths.run_dir
              << " is kept: 'nvmetctl rollback' retries restoring the target as it was before this run\n";
  }
}

void print_failure(const CliContext& ctx, const FailureSummary& summary, const ApplyReport& report) {
  std::cerr << "nvmetctl: error: " << summary.what << "\n";
  for (const auto& line : summary.log_lines) std::cerr << "  kernel: " << line << "\n";
  for (const auto& line : report.verify_drift) std::cerr << "  drift: " << line << "\n";
  for (const auto& line : report.confirm_failures) std::cerr << "  not served: " << line << "\n";
  if (!summary.hint.empty()) std::cerr << "hint: " << summary.hint << "\n";
  print_rollback(ctx, report);
}

// Nothing was changed: the journal must be on disk before the first step.
int report_journal_failed(const CliContext& ctx, const ApplyReport& report) {
  print_error(ctx, "crash journal: " + report.read_error->describe() + "; nothing was changed",
              "the journal directory (--run-dir, default /run/nvmetctl) must be writable by root; "
              "a journal nvmetctl cannot read may be removed by hand after checking the target with 'nvmetctl export'");
  return exit_code::for_apply_status(report.status);
}

}  // namespace

int print_apply_report(const CliContext& ctx, const ApplyReport& report, const NvmetLayout& layout,
                       nlohmann::json& doc, const std::string& file, const CheckReport* check) {
  ProfiledPhase profiled("report");
  if (report.status == ApplyStatus::ReadFailed) {
    print_error(ctx, report.read_error->describe(), "run 'nvmetctl doctor'");
    return exit_code::for_apply_status(report.status);
  }
  if (report.status == ApplyStatus::JournalFailed) return report_journal_failed(ctx, report);
  if (report.journal_error) doc["journal_error"] = report.journal_error->describe();
  if (report.sizes_error) doc["sizes_error"] = report.sizes_error->describe();
  report_diagnostics(ctx, report.plan.problems, ctx.json() ? &doc : nullptr);
  doc["status"] = status_name(report.status);
  // Only JSON prints it: the text report prints the plan itself, and a
  // cold apply's plan has thousands of steps.
  if (ctx.json()) doc["plan"] = plan_to_json(report.plan, layout);
  doc["completed_operations"] = report.completed;
  bool failed = report.status == ApplyStatus::FailedRolledBack || report.status == ApplyStatus::FailedRollbackIncomplete;
  FailureSummary failure = summarize_failure(ctx, report, layout, doc, file);
  if (failed) doc["rollback"] = rollback_json(report);
  if (check) doc["check"] = to_json(*check);
  if (ctx.json()) {
    print_json(doc);
    return exit_code::for_apply_status(report.status);
  }
  if (report.status == ApplyStatus::Blocked) {
    std::cerr << "nvmetctl: error: apply " << file << ": the plan has errors; nothing was changed\n";
    return exit_code::for_apply_status(report.status);
  }
  print_plan(std::cout, report.plan, layout);
  if (check) std::cout << render_text(*check);
  if (report.status == ApplyStatus::Applied)
    std::cout << "Applied " << report.completed << " operations; verified: the live target matches " << file
              << (check ? "; checked: hosts are served" : "") << ".\n";
  if (failed) print_failure(ctx, failure, report);
  if (report.journal_error)
    std::cerr << "nvmetctl: warning: crash journal: " << report.journal_error->describe() << "\n";
  if (report.sizes_error)
    std::cerr << "nvmetctl: warning: recording the namespace sizes the kernel serves: "
              << report.sizes_error->describe()
              << "\nhint: a device that grows is not revalidated until the next apply records them\n";
  return exit_code::for_apply_status(report.status);
}

}  // namespace nvmetctl::cli
