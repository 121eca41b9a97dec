#include <gtest/gtest.h>

#include <set>

#include "nvmetctl/config/target_parser.h"
#include "nvmetctl/engine/wait_for_resources.h"
#include "network_info_fake.h"

namespace nvmetctl {
namespace {

using namespace std::chrono_literals;

Target target_of(const std::string& yaml) {
  ParsedTarget parsed = parse_target_text(yaml, "t.yaml");
  EXPECT_TRUE(parsed.ok());
  return parsed.target;
}

const char* kTarget = R"(version: 1
subsystems:
  - nqn: nqn.2024-01.io.example:a
    allow_any_host: true
    namespaces:
      - nsid: 1
        device_path: /dev/vg0/lv1
        enable: true
      - nsid: 2
        device_path: /dev/vg0/not-enabled
        enable: false
ports:
  - id: 1
    trtype: tcp
    traddr: 10.111.0.1
    subsystems: [nqn.2024-01.io.example:a]
  - id: 2
    trtype: rdma
    traddr: 0.0.0.0
  - id: 3
    trtype: loop
  - id: 4
    trtype: tcp
    traddr: 10.111.0.1
    trsvcid: 4421
)";

// A fake clock that advances only when the waiter sleeps.
struct FakeClock {
  std::chrono::steady_clock::time_point t{};
  std::vector<std::function<void()>> at_sleep;  // run one per sleep
  int sleeps = 0;
  WaitHooks hooks(std::set<std::string>& paths) {
    WaitHooks h;
    h.path_exists = [&paths](const std::string& p) { return paths.count(p) > 0; };
    h.now = [this] { return t; };
    h.sleep = [this](std::chrono::milliseconds d) {
      t += d;
      if (sleeps < static_cast<int>(at_sleep.size())) at_sleep[static_cast<std::size_t>(sleeps)]();
      ++sleeps;
    };
    return h;
  }
};

TEST(WaitForResources, WhatATargetNeeds) {
  auto needed = resources_to_wait_for(target_of(kTarget));
  ASSERT_EQ(needed.size(), 2u);
  EXPECT_EQ(needed[0].kind, WaitedResource::Kind::Address);
  EXPECT_EQ(needed[0].name, "10.111.0.1");  // once, though two ports use it
  EXPECT_EQ(needed[0].user, "port 1");
  EXPECT_EQ(needed[1].kind, WaitedResource::Kind::Device);
  EXPECT_EQ(needed[1].name, "/dev/vg0/lv1");  // the disabled namespace needs nothing
  EXPECT_EQ(needed[1].describe(), "device /dev/vg0/lv1 (subsystem nqn.2024-01.io.example:a namespace 1)");
}

TEST(WaitForResources, ReadyAtOnce) {
  FakeNetworkInfo net;
  net.add_interface("nvmt0", {"10.111.0.1/24"});
  std::set<std::string> paths{"/dev/vg0/lv1"};
  FakeClock clock;
  WaitResult r = wait_for_resources(target_of(kTarget), net, 30, clock.hooks(paths));
  EXPECT_TRUE(r.ready);
  EXPECT_EQ(clock.sleeps, 0);
}

TEST(WaitForResources, WaitsForLateAddressAndDevice) {
  FakeNetworkInfo net;
  net.add_interface("nvmt0");
  std::set<std::string> paths;
  FakeClock clock;
  std::vector<std::string> messages;
  WaitHooks hooks = clock.hooks(paths);
  hooks.progress = [&](const std::string& m) { messages.push_back(m); };
  // The device appears after the 4th poll, the address after the 8th.
  for (int i = 0; i < 8; ++i) clock.at_sleep.push_back([] {});
  clock.at_sleep[3] = [&] { paths.insert("/dev/vg0/lv1"); };
  clock.at_sleep[7] = [&] { net.add_interface("nvmt1", {"10.111.0.1/24"}); };
  WaitResult r = wait_for_resources(target_of(kTarget), net, 30, hooks);
  EXPECT_TRUE(r.ready);
  EXPECT_EQ(clock.sleeps, 8);
  EXPECT_NEAR(r.waited_seconds, 2.0, 0.01);  // 8 polls of 250 ms
  ASSERT_GE(messages.size(), 3u);
  EXPECT_NE(messages[0].find("waiting up to 30s for address 10.111.0.1 (port 1), device /dev/vg0/lv1"),
            std::string::npos) << messages[0];
  EXPECT_NE(messages[1].find("device /dev/vg0/lv1"), std::string::npos);
  EXPECT_NE(messages[2].find("address 10.111.0.1"), std::string::npos);
}

TEST(WaitForResources, TimesOutNamingWhatIsMissing) {
  FakeNetworkInfo net;
  net.add_interface("nvmt0");
  std::set<std::string> paths{"/dev/vg0/lv1"};
  FakeClock clock;
  WaitResult r = wait_for_resources(target_of(kTarget), net, 3, clock.hooks(paths));
  EXPECT_FALSE(r.ready);
  EXPECT_FALSE(r.interrupted);
  EXPECT_NEAR(r.waited_seconds, 3.0, 0.01);
  ASSERT_EQ(r.missing.size(), 1u);
  EXPECT_EQ(r.describe_missing(), "address 10.111.0.1 (port 1)");
}

TEST(WaitForResources, ZeroTimeoutChecksOnce) {
  FakeNetworkInfo net;
  std::set<std::string> paths;
  FakeClock clock;
  WaitResult r = wait_for_resources(target_of(kTarget), net, 0, clock.hooks(paths));
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(clock.sleeps, 0);
  EXPECT_EQ(r.missing.size(), 2u);
}

TEST(WaitForResources, StopsWhenInterrupted) {
  FakeNetworkInfo net;
  std::set<std::string> paths;
  FakeClock clock;
  std::atomic<bool> interrupted{false};
  WaitHooks hooks = clock.hooks(paths);
  hooks.interrupted = &interrupted;
  clock.at_sleep = {[] {}, [&] { interrupted = true; }};
  WaitResult r = wait_for_resources(target_of(kTarget), net, 600, hooks);
  EXPECT_FALSE(r.ready);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(clock.sleeps, 2);
}

TEST(WaitForResources, PassthruDeviceAndIpv6) {
  Target t = target_of(R"(version: 1
subsystems:
  - nqn: nqn.2024-01.io.example:pt
    allow_any_host: true
    passthru:
      device_path: /dev/nvme1
      enable: true
ports:
  - id: 1
    trtype: tcp
    traddr: 'fd00::1'
  - id: 2
    trtype: tcp
    traddr: '::'
)");
  auto needed = resources_to_wait_for(t);
  ASSERT_EQ(needed.size(), 2u);
  EXPECT_EQ(needed[0].name, "fd00::1");
  EXPECT_EQ(needed[1].describe(), "device /dev/nvme1 (subsystem nqn.2024-01.io.example:pt passthru)");
  FakeNetworkInfo net;
  net.add_interface("eth0", {"fd00::1/64"});
  std::set<std::string> paths{"/dev/nvme1"};
  FakeClock clock;
  EXPECT_TRUE(wait_for_resources(t, net, 1, clock.hooks(paths)).ready);
}

}  // namespace
}  // namespace nvmetctl
