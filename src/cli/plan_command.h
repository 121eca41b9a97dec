#pragma once
#include <nlohmann/json.hpp>

#include "cli_context.h"

namespace nvmetctl::cli {

// Plans the file against the live system and prints it; shared by `plan`
// and `apply --dry-run`. Sets ctx.exit_status.
void show_plan(CliContext& ctx, const Target& target, const PlanOptions& options, bool detailed_exitcode,
               nlohmann::json& doc);

}  // namespace nvmetctl::cli
