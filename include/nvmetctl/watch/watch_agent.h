#pragma once
// nvmetctl watch: keeps the target converged with the file as the world
// changes. It applies what can be applied, lists what waits (pending.h),
// applies again when an event may have brought what waited or the file
// changed (an invalid edit is reported and never applied: the last good
// file stays in force), retries a refused apply with back-off, and reports
// drift (configfs changed behind its back), repairing it with `repair`.
//
// The agent is pure logic over WatchWorld and WatchEvents, so tests drive it
// with fakes; command_watch.cpp wires the real ones.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nvmetctl/model/target.h"
#include "nvmetctl/watch/pending.h"
#include "nvmetctl/watch/watch_events.h"

namespace nvmetctl {

struct WatchSettings {
  bool repair = false;                              // put drift back
  std::chrono::milliseconds drift_interval{60000};  // drift is also checked this often
  std::chrono::milliseconds settle{200};            // events closer than this are one
  std::chrono::milliseconds first_retry{1000};      // back-off after a refused apply...
  std::chrono::milliseconds longest_retry{60000};   // ...doubling up to this
  std::chrono::milliseconds device_recheck{500};    // a block device event that brought nothing: look again once
  // The longest the agent sleeps: under systemd's watchdog, half its period,
  // so each turn of the loop can say it is alive.
  std::chrono::milliseconds longest_sleep{24LL * 3600 * 1000};
};

// What one apply did, as the agent needs it.
struct WatchApplyResult {
  enum class Status { Applied, NoChanges, Failed, LockBusy } status = Status::Failed;
  int operations = 0;              // configfs mutations done (and kept)
  std::vector<std::string> lines;  // the failure, each drift line
};

// One structured log line: what happened, why, and how long it took.
struct WatchLogEntry {
  std::string event;   // start, apply, pending, invalid-file, drift, stop, ...
  std::string reason;  // what caused it
  std::string result;  // applied, no-changes, rolled-back, lock-busy, ...
  int operations = 0;
  double seconds = 0;
  std::vector<std::string> details;  // pending items, drift lines, diagnostics

  nlohmann::json to_json() const;
  std::string to_text() const;
};

// The agent's state after each turn, for metrics.
struct WatchState {
  std::uint64_t applies = 0;  // finished apply attempts (not counting a busy lock)
  bool last_apply_succeeded = false;
  double last_apply_seconds = 0;
  int last_apply_operations = 0;
  std::size_t pending = 0;
  std::size_t drift = 0;
};

struct LoadedFile {
  std::optional<Target> target;  // nullopt when the file is invalid...
  std::string problems;          // ...and then why (file:line:column: ...)
};

// The world the agent acts on; each is a seam for tests.
struct WatchWorld {
  std::function<LoadedFile()> load;
  std::function<ApplicableTarget(const Target&)> split;
  std::function<WatchApplyResult(const Target&)> apply;          // under the run lock; rolled back on failure
  std::function<std::vector<std::string>(const Target&)> drift;  // what apply would change: "" none
  std::function<void(const WatchLogEntry&)> log;
  std::function<void()> ready;                     // the first apply is done (systemd READY=1)
  std::function<void()> alive;                     // each turn of the loop (systemd watchdog)
  std::function<void(const WatchState&)> publish;  // optional: after each apply and drift check
  std::function<std::chrono::steady_clock::time_point()> now;
};

// Runs until a Stop event. Returns the exit status: 0 after a stop, 3 when
// the file is invalid at start (nothing was applied).
int run_watch(WatchWorld& world, WatchEvents& events, const WatchSettings& settings);

}  // namespace nvmetctl
