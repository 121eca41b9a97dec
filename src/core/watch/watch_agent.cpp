// The agent's loop: apply what can be applied, wait for events, decide.
#include "nvmetctl/watch/watch_agent.h"

#include <algorithm>
#include <cstdio>

#include "nvmetctl/engine/snapshot_json.h"

namespace nvmetctl {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string fingerprint(const Target& target) { return snapshot_to_json(target).dump(); }

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2fs", seconds);
  return buffer;
}

const char* result_name(WatchApplyResult::Status status) {
  switch (status) {
    case WatchApplyResult::Status::Applied: return "applied";
    case WatchApplyResult::Status::NoChanges: return "no-changes";
    case WatchApplyResult::Status::Failed: return "failed";
    case WatchApplyResult::Status::LockBusy: return "lock-busy";
  }
  return "?";
}

bool has(const std::vector<WatchEvent>& events, WatchEvent event) {
  return std::find(events.begin(), events.end(), event) != events.end();
}

class Agent {
 public:
  Agent(WatchWorld& world, WatchEvents& events, const WatchSettings& settings)
      : world_(world), events_(events), settings_(settings) {}

  int run() {
    LoadedFile file = world_.load();
    if (!file.target) {
      log({"invalid-file", "start", "not-applied", 0, 0, {file.problems}});
      return 3;
    }
    good_ = std::move(*file.target);
    next_drift_ = world_.now() + settings_.drift_interval;
    for (;;) {
      if (world_.alive) world_.alive();
      if (need_apply_ && world_.now() >= next_attempt_) attempt();
      std::vector<WatchEvent> happened = events_.wait(sleep_time());
      if (!happened.empty()) settle(happened);
      if (has(happened, WatchEvent::Stop)) {
        log({"stop", "signal", "stopped", 0, 0, {}});
        return 0;
      }
      if (has(happened, WatchEvent::Reload)) reread_file("SIGHUP", true);
      else if (has(happened, WatchEvent::FileChanged)) reread_file("the file changed", false);
      if (has(happened, WatchEvent::Network) || has(happened, WatchEvent::RdmaDevice) ||
          has(happened, WatchEvent::Device)) {
        world_changed(has(happened, WatchEvent::Network)      ? "a network event"
                      : has(happened, WatchEvent::RdmaDevice) ? "an RDMA device event"
                                                              : "a block device event");
        // A uevent comes before devtmpfs (and udev) made the node: look
        // again shortly, once, when it brought nothing.
        if (has(happened, WatchEvent::Device) && !need_apply_) recheck_at_ = world_.now() + settings_.device_recheck;
      } else if (recheck_at_ && world_.now() >= *recheck_at_) {
        recheck_at_.reset();
        world_changed("a block device event");
      }
      if (!need_apply_ && (!happened.empty() || world_.now() >= next_drift_)) check_drift();
    }
  }

 private:
  void log(WatchLogEntry entry) {
    if (world_.log) world_.log(entry);
  }

  void publish() {
    if (world_.publish) world_.publish(state_);
  }

  std::optional<milliseconds> sleep_time() const {
    auto now = world_.now();
    auto until = next_drift_;
    if (need_apply_) until = std::min(until, next_attempt_);
    if (recheck_at_) until = std::min(until, *recheck_at_);
    auto left = std::chrono::duration_cast<milliseconds>(until - now);
    return std::clamp(left, milliseconds(0), std::min(settings_.drift_interval, settings_.longest_sleep));
  }

  // Events come in bursts (an interface up brings its addresses and routes):
  // collect them until the world is quiet for `settle`, within a bound.
  void settle(std::vector<WatchEvent>& happened) {
    for (int round = 0; round < 10 && !has(happened, WatchEvent::Stop); ++round) {
      std::vector<WatchEvent> more = events_.wait(settings_.settle);
      if (more.empty()) return;
      for (WatchEvent e : more)
        if (!has(happened, e)) happened.push_back(e);
    }
  }

  void log_pending(const std::vector<PendingItem>& now_pending, const std::string& reason) {
    if (now_pending == pending_) return;
    std::vector<std::string> devices;
    for (const PendingItem& item : now_pending)
      if (!item.device.empty()) devices.push_back(item.device);
    events_.watch_devices(devices);
    WatchLogEntry entry{"pending", reason, now_pending.empty() ? "none" : "waiting", 0, 0, {}};
    for (const PendingItem& item : now_pending) entry.details.push_back(item.describe());
    for (const PendingItem& item : pending_)
      if (std::find(now_pending.begin(), now_pending.end(), item) == now_pending.end())
        entry.details.push_back(item.object + ": " + item.waits_for + " is there now");
    pending_ = now_pending;
    log(std::move(entry));
  }

  void attempt() {
    auto start = world_.now();
    ApplicableTarget applicable = world_.split(good_);
    log_pending(applicable.pending, reason_);
    WatchApplyResult result = world_.apply(applicable.target);
    WatchLogEntry entry{"apply", reason_, result_name(result.status), result.operations, 0, result.lines};
    switch (result.status) {
      case WatchApplyResult::Status::Applied:
      case WatchApplyResult::Status::NoChanges:
        applied_ = fingerprint(applicable.target);
        need_apply_ = false;
        failures_ = 0;
        break;
      case WatchApplyResult::Status::LockBusy:
        // Another run (a manual apply) has the lock: never fight it, come back.
        next_attempt_ = world_.now() + settings_.first_retry;
        entry.details.push_back("another nvmetctl run holds the lock; trying again in " +
                                seconds_text(std::chrono::duration<double>(settings_.first_retry).count()));
        break;
      case WatchApplyResult::Status::Failed: {
        ++failures_;
        milliseconds delay = settings_.first_retry;
        for (int i = 1; i < failures_ && delay < settings_.longest_retry; ++i) delay *= 2;
        delay = std::min(delay, settings_.longest_retry);
        next_attempt_ = world_.now() + delay;
        entry.details.push_back("attempt " + std::to_string(failures_) + " failed; trying again in " +
                                seconds_text(std::chrono::duration<double>(delay).count()) + " or on the next event");
        break;
      }
    }
    entry.seconds = std::chrono::duration<double>(world_.now() - start).count();
    if (result.status != WatchApplyResult::Status::LockBusy) {
      ++state_.applies;
      state_.last_apply_succeeded = result.status != WatchApplyResult::Status::Failed;
      state_.last_apply_seconds = entry.seconds;
      state_.last_apply_operations = result.operations;
      if (state_.last_apply_succeeded) state_.drift = 0;
    }
    state_.pending = pending_.size();
    log(std::move(entry));
    publish();
    if (!ready_sent_ && result.status != WatchApplyResult::Status::LockBusy) {
      ready_sent_ = true;
      if (world_.ready) world_.ready();
    }
  }

  void want_apply(const std::string& reason) {
    // Events that come before a wanted apply is tried join it; the reason
    // stays the first one, which is what made the apply necessary.
    bool waiting_first_try = need_apply_ && failures_ == 0;
    if (!waiting_first_try) reason_ = reason;
    need_apply_ = true;
    failures_ = 0;
    next_attempt_ = world_.now();
  }

  void reread_file(const std::string& reason, bool always) {
    LoadedFile file = world_.load();
    if (!file.target) {
      log({"invalid-file", reason, "kept-last-good", 0, 0, {file.problems}});
      return;
    }
    bool changed = fingerprint(*file.target) != fingerprint(good_);
    good_ = std::move(*file.target);
    if (changed || always) want_apply(reason);
  }

  void world_changed(const std::string& event) {
    ApplicableTarget applicable = world_.split(good_);
    if (fingerprint(applicable.target) == applied_) {
      log_pending(applicable.pending, event);
      return;
    }
    want_apply(reason_for(applicable, event));
  }

  // Why what can be applied changed: the first item that no longer waits.
  std::string reason_for(const ApplicableTarget& applicable, const std::string& otherwise) const {
    for (const PendingItem& item : pending_)
      if (std::find(applicable.pending.begin(), applicable.pending.end(), item) == applicable.pending.end())
        return item.waits_for + " is there (" + item.object + ")";
    return otherwise;
  }

  void check_drift() {
    next_drift_ = world_.now() + settings_.drift_interval;
    ApplicableTarget applicable = world_.split(good_);
    if (fingerprint(applicable.target) != applied_) {
      want_apply(reason_for(applicable, "what can be applied changed"));
      return;
    }
    std::vector<std::string> lines = world_.drift(applicable.target);
    state_.drift = lines.size();
    state_.pending = applicable.pending.size();
    publish();
    if (lines.empty()) {
      drift_reported_.clear();
      return;
    }
    if (settings_.repair) {
      log({"drift", "configfs changed behind nvmetctl's back", "repairing", 0, 0, lines});
      want_apply("repair drift");
      return;
    }
    // Reported once per distinct drift, not at every turn.
    if (lines == drift_reported_) return;
    drift_reported_ = lines;
    log({"drift", "configfs changed behind nvmetctl's back", "reported (run with --repair to put it back)", 0, 0,
         lines});
  }

  WatchWorld& world_;
  WatchEvents& events_;
  const WatchSettings& settings_;
  Target good_;
  std::string applied_;  // fingerprint of what was last applied whole
  std::vector<PendingItem> pending_;
  std::vector<std::string> drift_reported_;
  WatchState state_;
  bool need_apply_ = true;
  std::string reason_ = "start";
  int failures_ = 0;
  bool ready_sent_ = false;
  Clock::time_point next_attempt_{};
  Clock::time_point next_drift_{};
  std::optional<Clock::time_point> recheck_at_;
};

}  // namespace

std::string to_string(WatchEvent event) {
  switch (event) {
    case WatchEvent::Network: return "network";
    case WatchEvent::Device: return "device";
    case WatchEvent::RdmaDevice: return "rdma-device";
    case WatchEvent::FileChanged: return "file-changed";
    case WatchEvent::Reload: return "reload";
    case WatchEvent::Stop: return "stop";
  }
  return "?";
}

nlohmann::json WatchLogEntry::to_json() const {
  return {{"event", event},           {"reason", reason},   {"result", result},
          {"operations", operations}, {"seconds", seconds}, {"details", details}};
}

std::string WatchLogEntry::to_text() const {
  std::string text = event + " (" + reason + "): " + result;
  if (event == "apply") text += ", " + std::to_string(operations) + " operations in " + seconds_text(seconds);
  for (const std::string& detail : details) text += "\n  " + detail;
  return text;
}

int run_watch(WatchWorld& world, WatchEvents& events, const WatchSettings& settings) {
  return Agent(world, events, settings).run();
}

}  // namespace nvmetctl
