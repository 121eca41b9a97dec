// nvmetctl rollback: the target back to what it was before a run that was
// killed (SIGKILL, OOM) in the middle, from the crash journal it left.
#include <iostream>

#include "apply_report_printer.h"
#include "cli_context.h"
#include "nvmetctl/engine/rollback_interrupted.h"
#include "nvmetctl/exit_codes.h"
#include "plan_printer.h"

namespace nvmetctl::cli {
namespace {

const char* kSnapshot = "the snapshot of the interrupted run";

void describe_run(const CliContext& ctx, const JournalRecord& run, const NvmetLayout& layout, nlohmann::json& doc) {
  doc["interrupted_run"] = {{"pid", run.pid},         {"started", run.started},    {"command", run.command},
                            {"steps_done", run.done}, {"steps", run.steps.size()}};
  if (ctx.json()) return;
  std::cerr << "nvmetctl: " << describe_interrupted_run(run) << " ('" << run.command << "'):\n";
  for (std::size_t i = 0; i < run.done && i < run.steps.size(); ++i) {
    const JournalStep& step = run.steps[i];
    std::cerr << "  done: " << step.change << " " << step.operation << " " << layout.relative(step.path) << "\n";
  }
}

void show_dry_run(const CliContext& ctx, const ApplyReport& report, const NvmetLayout& layout, nlohmann::json& doc) {
  if (report.status == ApplyStatus::ReadFailed || report.status == ApplyStatus::JournalFailed) return;
  report_diagnostics(ctx, report.plan.problems, ctx.json() ? &doc : nullptr);
  if (ctx.json()) {
    doc["plan"] = plan_to_json(report.plan, layout);
    print_json(doc);
  } else {
    print_plan(std::cout, report.plan, layout);
  }
}

}  // namespace

void register_rollback(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "rollback", "Restore the target as it was before an interrupted (killed) apply or clear, from its crash journal");
  auto dry_run = std::make_shared<bool>(false);
  auto lock_timeout = std::make_shared<double>(10);
  cmd->add_flag("--dry-run", *dry_run, "Only show the steps that would restore it");
  cmd->add_option("--lock-timeout", *lock_timeout, "Seconds to wait for another nvmetctl run")
      ->check(lock_timeout_seconds())
      ->capture_default_str();
  cmd->callback([&ctx, dry_run, lock_timeout] {
    auto lock = take_run_lock(ctx, *lock_timeout);
    if (!lock) return;
    RealSystem system(ctx.paths);
    InterruptedRollback result = roll_back_interrupted_run(system.engine, *dry_run, &g_interrupted);
    nlohmann::json doc;
    if (!result.run && result.report.status != ApplyStatus::JournalFailed) {
      if (ctx.json()) print_json({{"status", "no-interrupted-run"}});
      else std::cout << "no interrupted run to roll back\n";
      return;
    }
    if (result.run) describe_run(ctx, *result.run, system.engine.layout(), doc);
    if (*dry_run && result.report.status != ApplyStatus::JournalFailed &&
        result.report.status != ApplyStatus::ReadFailed) {
      show_dry_run(ctx, result.report, system.engine.layout(), doc);
      ctx.exit_status = result.report.plan.blocked() ? exit_code::kInvalidInput : exit_code::kOk;
      return;
    }
    ctx.exit_status = print_apply_report(ctx, result.report, system.engine.layout(), doc, kSnapshot);
    bool restored = result.report.status == ApplyStatus::Applied || result.report.status == ApplyStatus::NoChanges;
    if (restored && !ctx.json()) std::cout << "Rolled back: the interrupted run's journal is removed.\n";
  });
}

}  // namespace nvmetctl::cli
