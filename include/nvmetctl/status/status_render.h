#pragma once
// The two faces of a TargetStatus: JSON for scripts (`status --json`) and the
// tree people read.
#include <cstdint>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "nvmetctl/status/target_status.h"

namespace nvmetctl {

nlohmann::json status_to_json(const TargetStatus& status);
void print_status_tree(std::ostream& out, const TargetStatus& status);
std::string human_size(std::uint64_t bytes);

}  // namespace nvmetctl
