#include <iostream>

#include "apply_report_printer.h"
#include "cli_context.h"
#include "nvmetctl/exit_codes.h"

namespace nvmetctl::cli {

void register_clear(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("clear", "Tear the whole target down in the safe order");
  auto options = std::make_shared<ClearOptions>();
  auto lock_timeout = std::make_shared<double>(10);
  cmd->add_flag("--rdma-links", options->rdma_links, "Also delete Soft-RoCE (rxe) and siw links");
  cmd->add_flag("--unload-modules", options->unload_modules, "Also unload the transport modules and nvmet (with --rdma-links: rdma_rxe and siw too)");
  cmd->add_option("--lock-timeout", *lock_timeout, "Seconds to wait for another nvmetctl run")
      ->check(lock_timeout_seconds())
      ->capture_default_str();
  cmd->callback([&ctx, options, lock_timeout] {
    RealSystem system(ctx.paths);
    auto lock = take_run_lock(ctx, *lock_timeout);
    if (!lock) return;
    nlohmann::json doc;
    warn_interrupted_run(ctx, doc);
    ApplyReport report = clear_target(system.engine, *options, &g_interrupted);
    ctx.exit_status = print_apply_report(ctx, report, system.engine.layout(), doc, "(clear)");
  });
}

}  // namespace nvmetctl::cli
