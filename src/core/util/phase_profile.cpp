#include "nvmetctl/util/phase_profile.h"

#include <algorithm>
#include <cstdio>

namespace nvmetctl {

PhaseProfile& PhaseProfile::instance() {
  static PhaseProfile profile;
  return profile;
}

void PhaseProfile::enter(const char* phase) { open_.push_back({phase, std::chrono::steady_clock::now(), {}}); }

void PhaseProfile::leave() {
  if (open_.empty()) return;
  Open done = open_.back();
  open_.pop_back();
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - done.start;
  Total& total = totals_[done.phase];
  ++total.calls;
  total.seconds += (elapsed - done.nested).count();
  if (!open_.empty()) open_.back().nested += elapsed;
}

std::string PhaseProfile::report() const {
  std::vector<std::pair<std::string, Total>> rows(totals_.begin(), totals_.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
  double all = 0;
  for (const auto& row : rows) all += row.second.seconds;
  std::string out = "profile (NVMETCTL_PROFILE): phase, calls, seconds, share\n";
  char line[160];
  for (const auto& [phase, total] : rows) {
    std::snprintf(line, sizeof line, "  %-21s %6d %9.4f %5.1f%%\n", phase.c_str(), total.calls, total.seconds,
                  all > 0 ? 100 * total.seconds / all : 0.0);
    out += line;
  }
  std::snprintf(line, sizeof line, "  %-21s %6s %9.4f\n", "total", "", all);
  return out + line;
}

}  // namespace nvmetctl
