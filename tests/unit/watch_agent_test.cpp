#include "nvmetctl/watch/watch_agent.h"

#include <gtest/gtest.h>

#include <deque>

namespace nvmetctl {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Scripted wake-ups on a fake clock: each wait() takes the next batch; an
// empty batch is "nothing happened": the clock moves on by the timeout.
// When the script runs out the agent is stopped.
class ScriptedEvents final : public WatchEvents {
 public:
  explicit ScriptedEvents(Clock::time_point& now) : now_(now) {}
  ScriptedEvents& quiet() {
    script_.push_back({});
    return *this;
  }
  // A burst of events, then quiet (so the agent's settling ends).
  ScriptedEvents& then(std::vector<WatchEvent> events) {
    script_.push_back(std::move(events));
    script_.push_back({});
    return *this;
  }
  std::vector<WatchEvent> wait(std::optional<milliseconds> timeout) override {
    timeouts.push_back(timeout);
    if (script_.empty()) return {WatchEvent::Stop};
    auto next = script_.front();
    script_.pop_front();
    if (next.empty() && timeout) now_ += *timeout;
    return next;
  }
  void watch_devices(const std::vector<std::string>& paths) override { watched.push_back(paths); }
  std::vector<std::optional<milliseconds>> timeouts;
  std::vector<std::vector<std::string>> watched;

 private:
  Clock::time_point& now_;
  std::deque<std::vector<WatchEvent>> script_;
};

Target target_with_port(std::uint16_t id) {
  Target t;
  Port p;
  p.id = id;
  t.ports.push_back(p);
  return t;
}

struct Fixture {
  Clock::time_point now{};
  ScriptedEvents events{now};
  WatchSettings settings;
  WatchWorld world;
  std::vector<WatchLogEntry> logged;
  std::vector<Target> applied;
  std::deque<WatchApplyResult::Status> apply_results;  // default: applied
  std::optional<Target> file = target_with_port(1);
  std::vector<std::string> drift_lines;
  bool address_up = false;  // port 2 waits for it
  int ready = 0;

  Fixture() {
    world.load = [this] {
      LoadedFile f;
      if (file) f.target = file;
      else f.problems = "target.yaml:3:5: error: ports[0].id: must be between 0 and 65535";
      return f;
    };
    world.split = [this](const Target& t) {
      ApplicableTarget a;
      a.target = t;
      std::erase_if(a.target.ports, [&](const Port& p) {
        if (p.id != 2 || address_up) return false;
        a.pending.push_back({"port 2", "address 10.0.0.2", {}});
        return true;
      });
      return a;
    };
    world.apply = [this](const Target& t) {
      applied.push_back(t);
      WatchApplyResult r;
      r.status = WatchApplyResult::Status::Applied;
      if (!apply_results.empty()) {
        r.status = apply_results.front();
        apply_results.pop_front();
      }
      return r;
    };
    world.drift = [this](const Target&) { return drift_lines; };
    world.log = [this](const WatchLogEntry& e) { logged.push_back(e); };
    world.ready = [this] { ++ready; };
    world.now = [this] { return now; };
  }
  int run() { return run_watch(world, events, settings); }
  std::vector<std::string> logged_events() const {
    std::vector<std::string> out;
    for (const auto& e : logged) out.push_back(e.event + ":" + e.result);
    return out;
  }
  const WatchLogEntry* last(const std::string& event) const {
    for (auto it = logged.rbegin(); it != logged.rend(); ++it)
      if (it->event == event) return &*it;
    return nullptr;
  }
};

TEST(WatchAgent, AnInvalidFileAtStartAppliesNothingAndExits3) {
  Fixture f;
  f.file.reset();
  EXPECT_EQ(f.run(), 3);
  EXPECT_TRUE(f.applied.empty());
  ASSERT_NE(f.last("invalid-file"), nullptr);
  EXPECT_EQ(f.last("invalid-file")->details[0], "target.yaml:3:5: error: ports[0].id: must be between 0 and 65535");
  EXPECT_EQ(f.ready, 0);
}

TEST(WatchAgent, StartsByApplyingThenStopsWithExit0) {
  Fixture f;
  EXPECT_EQ(f.run(), 0);
  ASSERT_EQ(f.applied.size(), 1u);
  EXPECT_EQ(f.ready, 1);
  EXPECT_EQ(f.logged_events(), (std::vector<std::string>{"apply:applied", "stop:stopped"}));
  EXPECT_EQ(f.logged[0].reason, "start");
}

TEST(WatchAgent, APendingPortIsLeftOutUntilItsAddressAppears) {
  Fixture f;
  f.file->ports.push_back(target_with_port(2).ports[0]);
  f.events.quiet().then({WatchEvent::Network});
  // The address comes up between the first and the second wake-up.
  f.world.alive = [&f] {
    if (f.events.timeouts.size() >= 1) f.address_up = true;
  };
  EXPECT_EQ(f.run(), 0);
  ASSERT_EQ(f.applied.size(), 2u);
  EXPECT_EQ(f.applied[0].ports.size(), 1u);
  EXPECT_EQ(f.applied[1].ports.size(), 2u);
  const WatchLogEntry* second = &f.logged[3];
  EXPECT_EQ(second->event, "apply");
  EXPECT_EQ(second->reason, "address 10.0.0.2 is there (port 2)");
  EXPECT_EQ(f.logged[0].event, "pending");
  EXPECT_EQ(f.logged[0].details, (std::vector<std::string>{"port 2 waits for address 10.0.0.2"}));
}

TEST(WatchAgent, TheDirectoriesOfDevicesWaitedForAreWatched) {
  Fixture f;
  f.world.split = [](const Target& t) {
    ApplicableTarget a;
    a.target = t;
    a.pending.push_back({"subsystem s namespace 1", "device /dev/disk/by-id/wwn-1", "/dev/disk/by-id/wwn-1"});
    a.pending.push_back({"port 2", "address 10.0.0.2", {}});
    return a;
  };
  EXPECT_EQ(f.run(), 0);
  ASSERT_EQ(f.events.watched.size(), 1u);
  EXPECT_EQ(f.events.watched[0], (std::vector<std::string>{"/dev/disk/by-id/wwn-1"}));
}

TEST(WatchAgent, AnEventThatChangesNothingAppliesNothing) {
  Fixture f;
  f.events.then({WatchEvent::Network}).then({WatchEvent::Device});
  EXPECT_EQ(f.run(), 0);
  EXPECT_EQ(f.applied.size(), 1u);
}

TEST(WatchAgent, AValidEditIsAppliedAnInvalidOneIsReportedAndTheLastGoodStays) {
  Fixture f;
  f.events.then({WatchEvent::FileChanged}).then({WatchEvent::FileChanged}).then({WatchEvent::Reload});
  int wakeups = 0;
  f.world.alive = [&] {
    ++wakeups;
    if (wakeups == 1) f.file = target_with_port(7);  // a valid edit, before the first event
    if (wakeups == 2) f.file.reset();                // an invalid edit, before the second
  };
  EXPECT_EQ(f.run(), 0);
  // start, the valid edit; the invalid edit and SIGHUP with an invalid file apply nothing.
  ASSERT_EQ(f.applied.size(), 2u);
  EXPECT_EQ(f.applied[1].ports[0].id, 7);
  EXPECT_EQ(f.logged_events(),
            (std::vector<std::string>{"apply:applied", "apply:applied", "invalid-file:kept-last-good",
                                      "invalid-file:kept-last-good", "stop:stopped"}));
  EXPECT_EQ(f.logged[1].reason, "the file changed");
}

// An edit and an unrelated event in the same burst make one apply, and the
// reason it names is the edit that made it necessary, not the event after it.
TEST(WatchAgent, TheFirstReasonForAnApplyIsKeptWhenMoreEventsComeBeforeIt) {
  Fixture f;
  f.events.then({WatchEvent::FileChanged, WatchEvent::Device});
  int wakeups = 0;
  f.world.alive = [&] {
    if (++wakeups == 1) f.file = target_with_port(7);
  };
  EXPECT_EQ(f.run(), 0);
  ASSERT_EQ(f.applied.size(), 2u);
  EXPECT_EQ(f.last("apply")->reason, "the file changed");
}

TEST(WatchAgent, AnRdmaDeviceEventIsAReasonToLookAgain) {
  Fixture f;
  f.file->ports.push_back(target_with_port(2).ports[0]);
  f.events.quiet().then({WatchEvent::RdmaDevice});
  f.world.alive = [&f] {
    if (f.events.timeouts.size() >= 1) f.address_up = true;
  };
  EXPECT_EQ(f.run(), 0);
  ASSERT_EQ(f.applied.size(), 2u);
  EXPECT_EQ(f.applied[1].ports.size(), 2u);
  EXPECT_EQ(to_string(WatchEvent::RdmaDevice), "rdma-device");
}

TEST(WatchAgent, SighupAppliesEvenWhenTheFileIsTheSame) {
  Fixture f;
  f.events.then({WatchEvent::FileChanged}).then({WatchEvent::Reload});
  EXPECT_EQ(f.run(), 0);
  ASSERT_EQ(f.applied.size(), 2u);  // an unchanged file is no reason; SIGHUP is
  EXPECT_EQ(f.last("apply")->reason, "SIGHUP");
}

TEST(WatchAgent, ARefusedApplyIsRetriedWithDoublingBackOff) {
  Fixture f;
  f.settings.first_retry = milliseconds(1000);
  f.settings.longest_retry = milliseconds(3000);
  using S = WatchApplyResult::Status;
  f.apply_results = {S::Failed, S::Failed, S::Failed, S::Failed, S::Applied};
  f.events.quiet().quiet().quiet().quiet().quiet();
  EXPECT_EQ(f.run(), 0);
  ASSERT_EQ(f.applied.size(), 5u);
  // The agent slept until each retry: 1 s, 2 s, then at most 3 s.
  std::vector<std::optional<milliseconds>> expected{milliseconds(1000), milliseconds(2000), milliseconds(3000),
                                                    milliseconds(3000)};
  ASSERT_GE(f.events.timeouts.size(), 4u);
  EXPECT_EQ(std::vector<std::optional<milliseconds>>(f.events.timeouts.begin(), f.events.timeouts.begin() + 4),
            expected);
  EXPECT_EQ(f.ready, 1);  // ready after the first attempt, failed or not
  EXPECT_NE(f.logged[0].details.back().find("attempt 1 failed; trying again in 1.00s"), std::string::npos);
}

TEST(WatchAgent, ABusyLockIsWaitedForNeverFoughtAndNotReady) {
  Fixture f;
  using S = WatchApplyResult::Status;
  f.apply_results = {S::LockBusy, S::LockBusy, S::Applied};
  int readies_while_busy = 0;
  f.world.alive = [&] {
    if (f.applied.size() < 3) readies_while_busy += f.ready;
  };
  f.events.quiet().quiet();
  EXPECT_EQ(f.run(), 0);
  EXPECT_EQ(f.applied.size(), 3u);
  EXPECT_EQ(readies_while_busy, 0);
  EXPECT_EQ(f.ready, 1);
  EXPECT_EQ(f.events.timeouts[0], milliseconds(1000));
}

TEST(WatchAgent, DriftIsReportedOnceAndRepairedOnlyWithRepair) {
  Fixture f;
  f.settings.drift_interval = milliseconds(2000);
  f.drift_lines = {"~ subsystem x: write attr_allow_any_host: desired '1', current '0'"};
  f.events.quiet().quiet().quiet();
  EXPECT_EQ(f.run(), 0);
  EXPECT_EQ(f.applied.size(), 1u);
  int drift_logs = 0;
  for (const auto& e : f.logged) drift_logs += e.event == "drift";
  EXPECT_EQ(drift_logs, 1);
  EXPECT_EQ(f.last("drift")->details, f.drift_lines);

  Fixture r;
  r.settings.repair = true;
  r.settings.drift_interval = milliseconds(2000);
  r.drift_lines = {"~ port 1: write addr_trsvcid: desired '4420', current '4421'"};
  r.world.apply = [&r](const Target& t) {
    r.applied.push_back(t);
    if (r.applied.size() > 1) r.drift_lines.clear();  // the repair put it back
    return WatchApplyResult{WatchApplyResult::Status::Applied, 1, {}};
  };
  r.events.quiet().quiet();
  EXPECT_EQ(r.run(), 0);
  ASSERT_EQ(r.applied.size(), 2u);
  EXPECT_EQ(r.last("apply")->reason, "repair drift");
  EXPECT_EQ(r.last("drift")->result, "repairing");
}

TEST(WatchAgent, IdleItSleepsUntilTheNextDriftCheck) {
  Fixture f;
  f.settings.drift_interval = milliseconds(60000);
  f.events.quiet();
  EXPECT_EQ(f.run(), 0);
  ASSERT_FALSE(f.events.timeouts.empty());
  EXPECT_EQ(f.events.timeouts[0], milliseconds(60000));
}

TEST(WatchAgent, UnderAWatchdogItWakesToSayItIsAliveWithoutCheckingDrift) {
  Fixture f;
  f.settings.drift_interval = milliseconds(60000);
  f.settings.longest_sleep = milliseconds(500);
  int alive = 0, drift_checks = 0;
  f.world.alive = [&] { ++alive; };
  f.world.drift = [&](const Target&) {
    ++drift_checks;
    return std::vector<std::string>{};
  };
  f.events.quiet().quiet().quiet();
  EXPECT_EQ(f.run(), 0);
  EXPECT_EQ(f.events.timeouts[0], milliseconds(500));
  EXPECT_EQ(alive, 4);
  EXPECT_EQ(drift_checks, 0);
}

TEST(WatchAgent, LogLinesReadAsTextAndJson) {
  WatchLogEntry entry{"apply", "start", "applied", 3, 0.25, {"port 2 waits for address 10.0.0.2"}};
  EXPECT_EQ(entry.to_text(), "apply (start): applied, 3 operations in 0.25s\n  port 2 waits for address 10.0.0.2");
  auto json = entry.to_json();
  EXPECT_EQ(json["event"], "apply");
  EXPECT_EQ(json["operations"], 3);
  EXPECT_EQ(json["details"][0], "port 2 waits for address 10.0.0.2");
}

}  // namespace
}  // namespace nvmetctl
