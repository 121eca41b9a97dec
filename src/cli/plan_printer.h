#pragma once
#include <nlohmann/json.hpp>
#include <ostream>

#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/plan/plan.h"

namespace nvmetctl::cli {

// terraform-style: one line per step, "old -> new" for writes, a marker on
// steps hosts will notice, and a summary line.
void print_plan(std::ostream& out, const Plan& plan, const NvmetLayout& layout);
nlohmann::json plan_to_json(const Plan& plan, const NvmetLayout& layout);
std::string summary_line(const Plan& plan);

}  // namespace nvmetctl::cli
