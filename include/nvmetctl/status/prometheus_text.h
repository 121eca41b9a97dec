#pragma once
// The live target (and, from `watch`, the agent's own state) in Prometheus'
// text exposition format, for node_exporter's textfile collector
// (`watch --metrics-file`) and `status -o prometheus`.
#include <cstdint>
#include <optional>
#include <string>

#include "nvmetctl/status/target_status.h"

namespace nvmetctl {

struct AgentMetrics {
  bool applied_once = false;          // an apply has finished since the agent started
  bool last_apply_succeeded = false;
  double last_apply_seconds = 0;      // how long it took
  double last_apply_unix_time = 0;    // when it ended
  int last_apply_operations = 0;
  std::size_t pending_items = 0;
  std::size_t drift_items = 0;
  std::uint64_t refused_connects = 0;  // "not allowed" lines in the kernel log since the agent started
};

// Every sample of `status`, plus the agent's when given.
std::string prometheus_text(const TargetStatus& status, const std::optional<AgentMetrics>& agent = std::nullopt);

}  // namespace nvmetctl
