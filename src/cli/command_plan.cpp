#include <iostream>

#include "nvmetctl/util/phase_profile.h"
#include "cli_context.h"
#include "nvmetctl/exit_codes.h"
#include "plan_command.h"
#include "plan_printer.h"

namespace nvmetctl::cli {

void show_plan(CliContext& ctx, const Target& target, const PlanOptions& options, bool detailed_exitcode,
               nlohmann::json& doc) {
  RealSystem system(ctx.paths);
  warn_interrupted_run(ctx, doc);
  auto full = make_full_plan(target, system.engine, options, false);
  if (!full) {
    print_error(ctx, full.error().describe(), "run 'nvmetctl doctor'");
    ctx.exit_status = exit_code::kError;
    return;
  }
  ProfiledPhase profiled("report");
  report_diagnostics(ctx, full->plan.problems, ctx.json() ? &doc : nullptr);
  if (ctx.json()) {
    doc["plan"] = plan_to_json(full->plan, system.engine.layout());
    print_json(doc);
  } else {
    print_plan(std::cout, full->plan, system.engine.layout());
  }
  if (full->plan.blocked()) ctx.exit_status = exit_code::kInvalidInput;
  else if (detailed_exitcode && !full->plan.empty()) ctx.exit_status = exit_code::kChangesPending;
}

void register_plan(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("plan", "Show the steps apply would take, without changing anything");
  struct Args {
    std::string file;
    bool detailed = false;
    PlanOptions options;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("FILE", args->file, "Target file (YAML)")->required();
  cmd->add_flag("--detailed-exitcode", args->detailed, "Exit 0 when nothing changes, 2 when changes are pending");
  add_plan_options(cmd, args->options);
  cmd->callback([&ctx, args] {
    nlohmann::json doc = file_document(args->file);
    auto target = load_target_or_report(ctx, args->file, doc);
    if (!target) return;
    show_plan(ctx, *target, args->options, args->detailed, doc);
  });
}

}  // namespace nvmetctl::cli
