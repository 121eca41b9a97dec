#pragma once
// `check` for a whole target: probes planned from the target with this
// node's facts (device sizes, which rdma addresses a local host can reach),
// then run through the host side.
#include <string>
#include <vector>

#include "nvmetctl/check/check_runner.h"
#include "nvmetctl/engine/engine.h"

namespace nvmetctl {

struct TargetCheckOptions {
  double settle_seconds = 5;
  // apply --check: only what these configfs paths touched (empty: everything).
  std::vector<std::string> changed_paths;
  bool only_changed = false;
  const std::atomic<bool>* interrupted = nullptr;
};

std::vector<Probe> plan_target_probes(const Target& target, EngineContext& ctx);
CheckReport check_target(const Target& target, EngineContext& ctx, FabricsHost& host, const TargetCheckOptions& options);

// Every configfs path a plan's operations name.
std::vector<std::string> paths_changed_by(const Plan& plan);

}  // namespace nvmetctl
