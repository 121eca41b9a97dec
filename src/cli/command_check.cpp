#include <iostream>

#include "cli_context.h"
#include "nvmetctl/check/libnvme_host.h"
#include "nvmetctl/check/target_check.h"
#include "nvmetctl/exit_codes.h"

namespace nvmetctl::cli {

void register_check(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "check", "Prove that hosts are served: discover, connect as each allowed host, read every namespace, disconnect");
  struct Args {
    std::string file;
    double timeout = 10;
    double settle = 5;
    double lock_timeout = 10;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("FILE", args->file, "Target file (YAML); without it, what the live target promises");
  cmd->add_option("--timeout", args->timeout, "Seconds a connect or discovery may take before the port counts as unreachable")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  cmd->add_option("--settle", args->settle, "Seconds the host may take to show a namespace's block device")
      ->check(CLI::Range(0.0, 600.0))
      ->capture_default_str();
  cmd->add_option("--lock-timeout", args->lock_timeout, "Seconds to wait for another nvmetctl run")
      ->check(lock_timeout_seconds())
      ->capture_default_str();
  cmd->callback([&ctx, args] {
    nlohmann::json doc;
    std::optional<Target> target;
    RealSystem system(ctx.paths);
    if (!args->file.empty()) {
      doc = file_document(args->file);
      target = load_target_or_report(ctx, args->file, doc);
      if (!target) return;
    }
    // The check loads host modules and makes controllers: not while apply changes the target.
    auto lock = take_run_lock(ctx, args->lock_timeout);
    if (!lock) return;
    if (!target) {
      auto live = read_live_or_report(ctx, system);
      if (!live) return;
      target = std::move(live->target);
    }
    auto host = make_libnvme_host(ctx.paths, args->timeout);
    TargetCheckOptions options;
    options.settle_seconds = args->settle;
    options.interrupted = &g_interrupted;
    CheckReport report = check_target(*target, system.engine, *host, options);
    ctx.exit_status = report.passed() ? exit_code::kOk : exit_code::kNotServed;
    if (ctx.json()) {
      doc["check"] = to_json(report);
      doc["passed"] = report.passed();
      print_json(doc);
      return;
    }
    std::cout << render_text(report);
    if (!report.passed())
      print_error(ctx, "check " + (args->file.empty() ? std::string("the live target") : args->file) +
                           ": not everything it promises is served",
                  "the lines above name each failure and its cause; 'nvmetctl doctor --probe' adds the evidence");
  });
}

}  // namespace nvmetctl::cli
