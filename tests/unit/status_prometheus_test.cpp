#include "nvmetctl/status/prometheus_text.h"

#include <gtest/gtest.h>

namespace nvmetctl {
namespace {

TargetStatus sample() {
  TargetStatus status;
  status.debugfs_dir = "/sys/kernel/debug/nvmet";
  SubsystemStatus s;
  s.nqn = "nqn.2024-01.io.example:\"odd\\name\"";
  s.allowed_hosts = {"nqn.h1", "nqn.h2"};
  s.ports = {1, 2};
  s.namespaces.push_back({1, true, "/dev/nvme0n1", true, 1048576, 1});
  s.namespaces.push_back({2, false, "", false, std::nullopt, 1});
  ConnectedController c;
  c.subsystem = s.nqn;
  c.port = 1;
  s.controllers = {c, c};
  status.subsystems.push_back(s);
  PortStatus p;
  p.id = 1;
  p.enabled = true;
  p.trtype = "tcp";
  p.traddr = "127.0.0.1";
  p.trsvcid = "4420";
  p.subsystems = {s.nqn};
  p.tcp_peers = {{"127.0.0.1", 3}, {"10.0.0.2", 2}};
  status.ports.push_back(p);
  return status;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(StatusPrometheus, EveryFamilyHasHelpAndTypeAndItsSamples) {
  std::string text = prometheus_text(sample());
  EXPECT_TRUE(has_line(text, "# TYPE nvmetctl_namespace_enabled gauge")) << text;
  EXPECT_TRUE(has_line(text, "nvmetctl_nvmet_loaded 1"));
  EXPECT_TRUE(has_line(text, "nvmetctl_subsystems 1"));
  EXPECT_TRUE(has_line(text, "nvmetctl_namespace_size_bytes{subsystem=\"nqn.2024-01.io.example:\\\"odd\\\\name\\\"\",nsid=\"1\"} 1048576"))
      << text;
  // A namespace without a known size has no size sample.
  EXPECT_EQ(text.find("nsid=\"2\"} 1048576"), std::string::npos);
  EXPECT_TRUE(has_line(text, "nvmetctl_port_enabled{port=\"1\",trtype=\"tcp\",traddr=\"127.0.0.1\",trsvcid=\"4420\"} 1"));
  EXPECT_TRUE(has_line(text, "nvmetctl_port_tcp_connections{port=\"1\"} 5"));
  EXPECT_TRUE(has_line(text, "nvmetctl_connected_hosts_known 1"));
  // Two controllers on port 1, none on port 2: both samples.
  EXPECT_NE(text.find("nvmetctl_connected_controllers{subsystem=\"nqn.2024-01.io.example:\\\"odd\\\\name\\\"\",port=\"1\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("port=\"2\"} 0"), std::string::npos);
  EXPECT_EQ(text.find("nvmetctl_watch_"), std::string::npos) << "no agent: no agent metrics";
}

TEST(StatusPrometheus, UnknownConnectedHostsAreNotReportedAsZero) {
  TargetStatus status = sample();
  status.debugfs_dir.reset();
  std::string text = prometheus_text(status);
  EXPECT_TRUE(has_line(text, "nvmetctl_connected_hosts_known 0"));
  EXPECT_EQ(text.find("nvmetctl_connected_controllers"), std::string::npos);
}

TEST(StatusPrometheus, TheAgentsStateFollowsTheTarget) {
  AgentMetrics agent;
  agent.applied_once = true;
  agent.last_apply_succeeded = true;
  agent.last_apply_seconds = 0.25;
  agent.last_apply_unix_time = 1764921600.5;
  agent.last_apply_operations = 12;
  agent.pending_items = 2;
  agent.drift_items = 1;
  agent.refused_connects = 3;
  std::string text = prometheus_text(sample(), agent);
  EXPECT_TRUE(has_line(text, "nvmetctl_watch_last_apply_success 1"));
  EXPECT_TRUE(has_line(text, "nvmetctl_watch_last_apply_timestamp_seconds 1764921600.5")) << text;
  EXPECT_TRUE(has_line(text, "nvmetctl_watch_last_apply_duration_seconds 0.25"));
  EXPECT_TRUE(has_line(text, "nvmetctl_watch_last_apply_operations 12"));
  EXPECT_TRUE(has_line(text, "nvmetctl_watch_pending_items 2"));
  EXPECT_TRUE(has_line(text, "nvmetctl_watch_drift_items 1"));
  EXPECT_TRUE(has_line(text, "# TYPE nvmetctl_kernel_refused_connects_total counter"));
  EXPECT_TRUE(has_line(text, "nvmetctl_kernel_refused_connects_total 3"));

  AgentMetrics never;
  std::string before = prometheus_text(sample(), never);
  EXPECT_TRUE(has_line(before, "nvmetctl_watch_last_apply_success 0"));
  EXPECT_EQ(before.find("nvmetctl_watch_last_apply_timestamp_seconds"), std::string::npos);
}

}  // namespace
}  // namespace nvmetctl
