#include <iostream>
#include <sstream>

#include "apply_report_printer.h"
#include "cli_context.h"
#include "nvmetctl/engine/wait_for_resources.h"
#include "nvmetctl/exit_codes.h"
#include "plan_command.h"

namespace nvmetctl::cli {

void register_apply(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("apply", "Make the live target match the file: plan, apply, verify, roll back on failure");
  struct Args {
    std::string file;
    bool dry_run = false;
    double lock_timeout = 10;
    double wait = 0;
    bool check = false;
    double check_timeout = 10;
    PlanOptions options;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("FILE", args->file, "Target file (YAML)")->required();
  add_plan_options(cmd, args->options);
  cmd->add_flag("--dry-run", args->dry_run, "Only show the plan (same as 'plan')");
  cmd->add_option("--lock-timeout", args->lock_timeout, "Seconds to wait for another nvmetctl run")
      ->check(lock_timeout_seconds())
      ->capture_default_str();
  cmd->add_flag("--check", args->check,
                "After verify, prove that hosts are served by what changed (as 'check' does); roll back if not");
  cmd->add_option("--check-timeout", args->check_timeout, "With --check: seconds a connect may take")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  cmd->add_option("--wait", args->wait, "Seconds to wait first for the port addresses and namespace devices the file needs")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&ctx, args] {
    nlohmann::json doc = file_document(args->file);
    auto target = load_target_or_report(ctx, args->file, doc);
    if (!target) return;
    if (args->dry_run) {
      show_plan(ctx, *target, args->options, false, doc);
      return;
    }
    if (args->wait > 0) {
      WaitHooks hooks;
      hooks.interrupted = &g_interrupted;
      if (!ctx.json()) hooks.progress = [](const std::string& m) { std::cerr << "nvmetctl: " << m << "\n"; };
      auto network = make_system_network_info(ctx.paths);
      WaitResult waited = wait_for_resources(*target, *network, args->wait, hooks);
      if (!waited.ready) {
        std::ostringstream seconds;
        seconds.precision(2);
        seconds << waited.waited_seconds;
        print_error(ctx, std::string(waited.interrupted ? "interrupted" : "timed out") + " after " + seconds.str() +
                             "s waiting for " +
                             waited.describe_missing() + "; nothing was changed",
                    "check the network configuration and the storage stack, or raise --wait");
        ctx.exit_status = exit_code::kError;
        return;
      }
    }
    auto lock = take_run_lock(ctx, args->lock_timeout);
    if (!lock) return;
    RealSystem system(ctx.paths);
    // Under the lock: the run that left a journal is surely gone.
    warn_interrupted_run(ctx, doc);
    std::optional<CheckReport> check;
    ApplyConfirm confirm;
    if (args->check) confirm = confirm_by_check(ctx.paths, system, *target, args->check_timeout, check);
    ApplyReport report = apply_target(*target, system.engine, args->options, &g_interrupted, confirm);
    ctx.exit_status = print_apply_report(ctx, report, system.engine.layout(), doc, args->file,
                                         check ? &*check : nullptr);
  });
}

}  // namespace nvmetctl::cli
