#pragma once
// Where a run spends its time, by phase (NVMETCTL_PROFILE=1): start-up,
// YAML load, reading the file, validation, lock, facts, configfs read,
// plan, writes, verify, kernel log, journal. Each phase counts only its own
// time (a read inside verify is "read", not "verify"); the report goes to
// stderr when the run ends. Off, a phase costs one branch.
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace nvmetctl {

class PhaseProfile {
 public:
  static PhaseProfile& instance();
  bool enabled() const { return enabled_; }
  void enable() { enabled_ = true; }

  void enter(const char* phase);
  void leave();
  // "phase  calls  seconds  share" lines, the largest first, and the total.
  std::string report() const;

 private:
  struct Open {
    const char* phase;
    std::chrono::steady_clock::time_point start;
    std::chrono::duration<double> nested{};
  };
  struct Total {
    int calls = 0;
    double seconds = 0;
  };
  bool enabled_ = false;
  std::vector<Open> open_;
  std::map<std::string, Total> totals_;
};

// One phase for the lifetime of the object.
class ProfiledPhase {
 public:
  explicit ProfiledPhase(const char* phase) : on_(PhaseProfile::instance().enabled()) {
    if (on_) PhaseProfile::instance().enter(phase);
  }
  ~ProfiledPhase() {
    if (on_) PhaseProfile::instance().leave();
  }
  ProfiledPhase(const ProfiledPhase&) = delete;
  ProfiledPhase& operator=(const ProfiledPhase&) = delete;

 private:
  bool on_;
};

}  // namespace nvmetctl
