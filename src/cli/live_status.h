#pragma once
// The live target as `status` shows it, for status and watch --metrics-file.
#include "cli_context.h"
#include "nvmetctl/status/target_status.h"

namespace nvmetctl::cli {

TargetStatus live_status(RealSystem& system, const LiveState& live, const StatusFilter& filter = {});

}  // namespace nvmetctl::cli
