#pragma once
#include <nlohmann/json.hpp>

#include "cli_context.h"
#include "nvmetctl/check/check_report.h"
#include "nvmetctl/engine/engine.h"

namespace nvmetctl::cli {

// Prints what apply (or clear) did, failed at and rolled back, and what
// apply --check found; returns the exit status.
int print_apply_report(const CliContext& ctx, const ApplyReport& report, const NvmetLayout& layout,
                       nlohmann::json& doc, const std::string& file, const CheckReport* check = nullptr);

}  // namespace nvmetctl::cli
