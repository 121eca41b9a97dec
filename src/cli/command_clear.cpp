#include <iostream>

#include "apply_report_printer.h"
#include "cli_context.h"
#include "plan_printer.h"
#include "nvmetctl/exit_codes.h"

namespace nvmetctl::cli {

namespace {

void show_clear_plan(CliContext& ctx, RealSystem& system, const ClearOptions& options) {
  auto plan = plan_clear(system.engine, options);
  if (!plan) {
    print_error(ctx, plan.error().describe(), "run 'nvmetctl doctor'");
    ctx.exit_status = exit_code::kError;
    return;
  }
  if (ctx.json()) print_json({{"plan", plan_to_json(*plan, system.engine.layout())}});
  else if (plan->empty()) std::cout << "Nothing to clear: configfs holds no nvmet objects.\n";
  else print_plan(std::cout, *plan, system.engine.layout());
}

}  // namespace

void register_clear(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("clear", "Tear the whole target down in the safe order");
  auto options = std::make_shared<ClearOptions>();
  auto lock_timeout = std::make_shared<double>(10);
  cmd->add_flag("--rdma-links", options->rdma_links, "Also delete Soft-RoCE (rxe) and siw links");
  cmd->add_flag("--unload-modules", options->unload_modules, "Also unload the transport modules and nvmet (with --rdma-links: rdma_rxe and siw too)");
  cmd->add_option("--lock-timeout", *lock_timeout, "Seconds to wait for another nvmetctl run")
      ->check(lock_timeout_seconds())
      ->capture_default_str();
  auto dry_run = std::make_shared<bool>(false);
  cmd->add_flag("--dry-run", *dry_run, "Only show the steps clear would take");
  cmd->callback([&ctx, options, lock_timeout, dry_run] {
    RealSystem system(ctx.paths);
    if (*dry_run) return show_clear_plan(ctx, system, *options);
    auto lock = take_run_lock(ctx, *lock_timeout);
    if (!lock) return;
    nlohmann::json doc;
    warn_interrupted_run(ctx, doc);
    ApplyReport report = clear_target(system.engine, *options, &g_interrupted);
    ctx.exit_status = print_apply_report(ctx, report, system.engine.layout(), doc, "(clear)");
  });
}

}  // namespace nvmetctl::cli
