#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "network_info_fake.h"
#include "nvmetctl/status/status_render.h"
#include "nvmetctl/status/status_sources.h"
#include "nvmetctl/status/target_status.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

namespace fs = std::filesystem;

using testing_support::TempDir;

// A live target as the configfs reader returns it: two subsystems, one rdma
// port and one tcp port.
Target live_target(const std::string& image) {
  Target t;
  Host host;
  host.nqn = "nqn.host-a";
  t.hosts.push_back(host);
  Subsystem disk;
  disk.nqn = "nqn.2024-01.io.example:disk1";
  disk.attrs["attr_allow_any_host"] = "0";
  disk.allowed_hosts = std::vector<std::string>{"nqn.host-a"};
  Namespace ns2;
  ns2.nsid = 2;
  ns2.attrs = {{"enable", "0"}, {"device_path", "/nonexistent/disk"}, {"ana_grpid", "2"}};
  Namespace ns1;
  ns1.nsid = 1;
  ns1.attrs = {{"enable", "1"}, {"device_path", image}, {"ana_grpid", "1"}};
  disk.namespaces = {ns2, ns1};
  Subsystem pt;
  pt.nqn = "nqn.2024-01.io.example:pt";
  pt.attrs["attr_allow_any_host"] = "1";
  Passthru passthru;
  passthru.attrs = {{"device_path", "/dev/nvme9"}, {"enable", "0"}};
  pt.passthru = passthru;
  t.subsystems = {disk, pt};

  Port rdma;
  rdma.id = 1;
  rdma.attrs = {{"addr_trtype", "rdma"}, {"addr_adrfam", "ipv4"}, {"addr_traddr", "10.111.0.1"}, {"addr_trsvcid", "4420"}};
  rdma.subsystems = std::vector<std::string>{"nqn.2024-01.io.example:disk1"};
  AnaGroup g1;
  g1.id = 1;
  g1.attrs["ana_state"] = "optimized";
  AnaGroup g2;
  g2.id = 2;
  g2.attrs["ana_state"] = "non-optimized";
  rdma.ana_groups = {g2, g1};
  Referral ref;
  ref.name = "peer";
  rdma.referrals = {ref};
  Port tcp;
  tcp.id = 2;
  tcp.attrs = {{"addr_trtype", "tcp"}, {"addr_adrfam", "ipv6"}, {"addr_traddr", "fd00::1"}, {"addr_trsvcid", "4420"}};
  tcp.subsystems = std::vector<std::string>{};
  t.ports = {tcp, rdma};
  return t;
}

std::vector<RdmaDevice> rxe_on(const std::string& netdev) {
  RdmaDevice d;
  d.name = "rxe0";
  d.protocol = "roce";
  d.link_type = "rxe";
  d.netdev = netdev;
  d.port_state = 4;
  return {d};
}

struct Fixture {
  TempDir root;
  SystemPaths paths;
  std::string image;
  Fixture() {
    paths.sysfs = root.path() + "/sys";
    paths.debugfs = root.path() + "/debug";
    image = root.path() + "/disk.img";
    std::ofstream(image) << std::string(3 * 1024, 'x');
  }
  void controller(const std::string& nqn, int cntlid, const std::string& port, const std::string& hostnqn,
                  const std::string& traddr, const std::string& state) const {
    std::string dir = "debug/nvmet/" + nqn + "/ctrl" + std::to_string(cntlid) + "/";
    root.write(dir + "port", port + "\n");
    root.write(dir + "hostnqn", hostnqn + "\n");
    if (!traddr.empty()) root.write(dir + "host_traddr", traddr + "\n");
    root.write(dir + "state", state + "\n");
    root.write(dir + "kato", "5\n");
  }
};

TEST(StatusLive, SubsystemsNamespacesAndSizes) {
  Fixture f;
  FakeNetworkInfo net;
  net.add_interface("nvmt0", {"10.111.0.1/24"});
  TargetStatus s = build_target_status(live_target(f.image), f.paths, &net, rxe_on("nvmt0"));
  ASSERT_EQ(s.subsystems.size(), 2u);
  const SubsystemStatus& disk = s.subsystems[0];
  EXPECT_FALSE(disk.allow_any_host);
  EXPECT_EQ(disk.allowed_hosts, std::vector<std::string>{"nqn.host-a"});
  ASSERT_EQ(disk.namespaces.size(), 2u);
  EXPECT_EQ(disk.namespaces[0].nsid, 1u);  // sorted
  EXPECT_TRUE(disk.namespaces[0].enabled);
  EXPECT_TRUE(disk.namespaces[0].device_present);
  ASSERT_TRUE(disk.namespaces[0].size_bytes.has_value());
  EXPECT_EQ(*disk.namespaces[0].size_bytes, 3u * 1024);
  EXPECT_FALSE(disk.namespaces[1].enabled);
  EXPECT_FALSE(disk.namespaces[1].device_present);
  EXPECT_FALSE(disk.namespaces[1].size_bytes.has_value());
  EXPECT_EQ(disk.namespaces[1].ana_grpid, 2u);
  EXPECT_EQ(disk.ports, std::vector<std::uint16_t>{1});
  const SubsystemStatus& pt = s.subsystems[1];
  EXPECT_TRUE(pt.allow_any_host);
  ASSERT_TRUE(pt.passthru_device.has_value());
  EXPECT_EQ(*pt.passthru_device, "/dev/nvme9");
  EXPECT_FALSE(pt.passthru_enabled);
  EXPECT_TRUE(pt.ports.empty());
}

TEST(StatusLive, PortsWithStateAddressAndRdmaDevice) {
  Fixture f;
  FakeNetworkInfo net;
  net.add_interface("nvmt0", {"10.111.0.1/24"});
  TargetStatus s = build_target_status(live_target(f.image), f.paths, &net, rxe_on("nvmt0"));
  ASSERT_EQ(s.ports.size(), 2u);
  const PortStatus& rdma = s.ports[0];  // sorted by id
  EXPECT_EQ(rdma.id, 1u);
  EXPECT_TRUE(rdma.enabled);
  EXPECT_EQ(rdma.trtype, "rdma");
  EXPECT_EQ(rdma.traddr, "10.111.0.1");
  EXPECT_EQ(rdma.rdma_device, "rxe0");
  EXPECT_TRUE(rdma.rdma_problem.empty());
  ASSERT_EQ(rdma.ana_groups.size(), 2u);
  EXPECT_EQ(rdma.ana_groups[0].first, 1u);
  EXPECT_EQ(rdma.ana_groups[1].second, "non-optimized");
  EXPECT_EQ(rdma.referrals, std::vector<std::string>{"peer"});
  const PortStatus& tcp = s.ports[1];
  EXPECT_FALSE(tcp.enabled);
  EXPECT_EQ(tcp.adrfam, "ipv6");
  EXPECT_TRUE(tcp.rdma_device.empty());
}

TEST(StatusLive, RdmaPortWithoutDeviceSaysWhy) {
  Fixture f;
  FakeNetworkInfo net;
  net.add_interface("nvmt0", {"10.111.0.1/24"});
  TargetStatus s = build_target_status(live_target(f.image), f.paths, &net, {});
  ASSERT_FALSE(s.ports.empty());
  ASSERT_EQ(s.ports[0].trtype, "rdma");
  EXPECT_TRUE(s.ports[0].rdma_device.empty());
  EXPECT_NE(s.ports[0].rdma_problem.find("nvmt0"), std::string::npos) << s.ports[0].rdma_problem;

  FakeNetworkInfo elsewhere;
  elsewhere.add_interface("eth0", {"192.0.2.1/24"});
  s = build_target_status(live_target(f.image), f.paths, &elsewhere, rxe_on("eth0"));
  ASSERT_FALSE(s.ports.empty());
  EXPECT_NE(s.ports[0].rdma_problem.find("not on any local interface"), std::string::npos) << s.ports[0].rdma_problem;
}

TEST(StatusLive, ConnectedHostsFromDebugfs) {
  Fixture f;
  f.controller("nqn.2024-01.io.example:disk1", 3, "1", "nqn.host-a", "10.111.0.2", "ready");
  f.controller("nqn.2024-01.io.example:disk1", 1, "1", "nqn.host-b", "", "ready|shutdown");
  f.root.write("debug/nvmet/nqn.2024-01.io.example:disk1/not-a-ctrl/port", "1\n");
  TargetStatus s = build_target_status(live_target(f.image), f.paths, nullptr, {});
  ASSERT_TRUE(s.debugfs_dir.has_value());
  const auto& ctrls = s.subsystems[0].controllers;
  ASSERT_EQ(ctrls.size(), 2u);
  EXPECT_EQ(ctrls[0].cntlid, 1u);
  EXPECT_EQ(ctrls[0].hostnqn, "nqn.host-b");
  EXPECT_EQ(ctrls[0].host_traddr, "");
  EXPECT_EQ(ctrls[0].state, "ready|shutdown");
  EXPECT_EQ(ctrls[1].cntlid, 3u);
  ASSERT_TRUE(ctrls[1].port.has_value());
  EXPECT_EQ(*ctrls[1].port, 1u);
  EXPECT_EQ(ctrls[1].host_traddr, "10.111.0.2");
  EXPECT_EQ(ctrls[1].kato, "5");
  EXPECT_TRUE(s.subsystems[1].controllers.empty());
}

TEST(StatusLive, NoDebugfsMeansConnectedHostsUnknown) {
  Fixture f;
  TargetStatus s = build_target_status(live_target(f.image), f.paths, nullptr, {});
  EXPECT_FALSE(s.debugfs_dir.has_value());
  nlohmann::json doc = status_to_json(s);
  EXPECT_EQ(doc["connected_hosts_known"], false);
  EXPECT_TRUE(doc["subsystems"][0]["connected_hosts"].is_null());
  std::ostringstream text;
  print_status_tree(text, s);
  EXPECT_NE(text.str().find("connected hosts: unknown"), std::string::npos) << text.str();
}

TEST(StatusLive, BlockDeviceSizeFromSysfs) {
  Fixture f;
  // A directory is neither a file nor a block device: no size.
  EXPECT_FALSE(backing_device_size(f.root.path(), f.paths).has_value());
  EXPECT_FALSE(backing_device_size("", f.paths).has_value());
  // A block device, when the machine has one: its size file in our sysfs.
  for (const char* candidate : {"/dev/loop0", "/dev/sda", "/dev/vda", "/dev/nvme0n1"}) {
    struct stat st {};
    if (::stat(candidate, &st) != 0 || !S_ISBLK(st.st_mode)) continue;
    f.root.write("sys/dev/block/" + std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev)) + "/size",
                 "2048\n");
    auto size = backing_device_size(candidate, f.paths);
    ASSERT_TRUE(size.has_value()) << candidate;
    EXPECT_EQ(*size, 2048u * 512);
    return;
  }
  GTEST_SKIP() << "no block device node to test with";
}

TEST(StatusLive, FilterBySubsystemAndPort) {
  Fixture f;
  StatusFilter by_subsystem;
  by_subsystem.subsystem = "nqn.2024-01.io.example:disk1";
  TargetStatus s = build_target_status(live_target(f.image), f.paths, nullptr, {}, by_subsystem);
  ASSERT_EQ(s.subsystems.size(), 1u);
  ASSERT_EQ(s.ports.size(), 1u);
  EXPECT_EQ(s.ports[0].id, 1u);

  StatusFilter by_port;
  by_port.port = 2;
  s = build_target_status(live_target(f.image), f.paths, nullptr, {}, by_port);
  EXPECT_TRUE(s.subsystems.empty());
  ASSERT_EQ(s.ports.size(), 1u);
  EXPECT_EQ(s.ports[0].id, 2u);
}

TEST(StatusLive, JsonShape) {
  Fixture f;
  f.controller("nqn.2024-01.io.example:disk1", 1, "1", "nqn.host-a", "10.111.0.2", "ready");
  FakeNetworkInfo net;
  net.add_interface("nvmt0", {"10.111.0.1/24"});
  nlohmann::json doc = status_to_json(build_target_status(live_target(f.image), f.paths, &net, rxe_on("nvmt0")));
  EXPECT_EQ(doc["connected_hosts_known"], true);
  EXPECT_EQ(doc["hosts"], nlohmann::json::array({"nqn.host-a"}));
  const auto& sub = doc["subsystems"][0];
  EXPECT_EQ(sub["nqn"], "nqn.2024-01.io.example:disk1");
  EXPECT_EQ(sub["namespaces"][0]["size_bytes"], 3 * 1024);
  EXPECT_EQ(sub["namespaces"][0]["enabled"], true);
  EXPECT_TRUE(sub["namespaces"][1]["size_bytes"].is_null());
  EXPECT_EQ(sub["connected_hosts"][0]["hostnqn"], "nqn.host-a");
  EXPECT_EQ(sub["connected_hosts"][0]["host_traddr"], "10.111.0.2");
  EXPECT_EQ(sub["connected_hosts"][0]["port"], 1);
  EXPECT_EQ(doc["subsystems"][1]["passthru"]["device"], "/dev/nvme9");
  const auto& port = doc["ports"][0];
  EXPECT_EQ(port["id"], 1);
  EXPECT_EQ(port["enabled"], true);
  EXPECT_EQ(port["rdma_device"], "rxe0");
  EXPECT_EQ(port["ana_groups"][1]["state"], "non-optimized");
  EXPECT_FALSE(doc["ports"][1].contains("rdma_device"));
}

TEST(StatusLive, TextTree) {
  Fixture f;
  f.controller("nqn.2024-01.io.example:disk1", 1, "1", "nqn.host-a", "10.111.0.2", "ready");
  FakeNetworkInfo net;
  net.add_interface("nvmt0", {"10.111.0.1/24"});
  std::ostringstream out;
  print_status_tree(out, build_target_status(live_target(f.image), f.paths, &net, rxe_on("nvmt0")));
  std::string text = out.str();
  for (const char* needle :
       {"subsystem nqn.2024-01.io.example:disk1  (1 allowed host)", "|-- namespace 1  enabled  ",
        "3.0 KiB", "namespace 2  disabled  /nonexistent/disk  (missing)  ana group 2",
        "host nqn.host-a  ctrl 1  port 1  from 10.111.0.2  ready", "subsystem nqn.2024-01.io.example:pt  (any host)",
        "passthru /dev/nvme9  disabled", "port 1  enabled  rdma  10.111.0.1:4420", "rdma device rxe0",
        "port 2  disabled  tcp  [fd00::1]:4420", "`-- referral peer"})
    EXPECT_NE(text.find(needle), std::string::npos) << "missing: " << needle << "\n" << text;
}

TEST(StatusLive, HumanSize) {
  EXPECT_EQ(human_size(512), "512 B");
  EXPECT_EQ(human_size(1536), "1.5 KiB");
  EXPECT_EQ(human_size(10ULL * 1024 * 1024 * 1024), "10.0 GiB");
}

}  // namespace
}  // namespace nvmetctl

namespace nvmetctl {
namespace {

// Two NVMe/TCP queues from 10.111.0.2 and one from fd00::2 to port 2 (fd00::1
// port 4420), one from 10.111.0.2 to another service, one listener.
const char* kProcTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000:1144 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 0 1\n"
    "   1: 01006F0A:1144 02006F0A:C350 01 00000000:00000000 00:00000000 00000000     0        0 0 1\n"
    "   2: 01006F0A:1144 02006F0A:C351 01 00000000:00000000 00:00000000 00000000     0        0 0 1\n"
    "   3: 01006F0A:0016 02006F0A:C352 01 00000000:00000000 00:00000000 00000000     0        0 0 1\n";
const char* kProcTcp6 =
    "  sl  local_address                         remote_address                        st tx_queue\n"
    "   0: 000000FD000000000000000001000000:1144 000000FD000000000000000002000000:D000 01 00000000:00000000\n";

TEST(StatusTcpPeers, ReadsEstablishedSockets) {
  TempDir root;
  root.write("proc/net/tcp", kProcTcp);
  root.write("proc/net/tcp6", kProcTcp6);
  auto connections = read_tcp_connections(root.path() + "/proc");
  ASSERT_EQ(connections.size(), 4u);
  EXPECT_EQ(connections[0].local_address, "10.111.0.1");
  EXPECT_EQ(connections[0].remote_address, "10.111.0.2");
  EXPECT_EQ(connections[0].local_port, 4420);
  EXPECT_EQ(connections[3].local_address, "fd00::1");
  EXPECT_EQ(connections[3].remote_address, "fd00::2");
}

TEST(StatusTcpPeers, GroupedByPeerOnTheEnabledTcpPort) {
  TempDir root;
  root.write("proc/net/tcp", kProcTcp);
  root.write("proc/net/tcp6", kProcTcp6);
  SystemPaths paths;
  paths.proc = root.path() + "/proc";
  paths.sysfs = root.path() + "/sys";
  paths.debugfs = root.path() + "/debug";
  Target t;
  Port v4;
  v4.id = 1;
  v4.attrs = {{"addr_trtype", "tcp"}, {"addr_adrfam", "ipv4"}, {"addr_traddr", "10.111.0.1"}, {"addr_trsvcid", "4420"}};
  v4.subsystems = std::vector<std::string>{"nqn.a"};
  Port v6 = v4;
  v6.id = 2;
  v6.attrs["addr_adrfam"] = "ipv6";
  v6.attrs["addr_traddr"] = "fd00::1";
  Port idle = v4;
  idle.id = 3;
  idle.subsystems = std::vector<std::string>{};
  t.ports = {v4, v6, idle};
  TargetStatus s = build_target_status(t, paths, nullptr, {});
  ASSERT_EQ(s.ports.size(), 3u);
  ASSERT_EQ(s.ports[0].tcp_peers.size(), 1u);
  EXPECT_EQ(s.ports[0].tcp_peers[0].first, "10.111.0.2");
  EXPECT_EQ(s.ports[0].tcp_peers[0].second, 2);
  ASSERT_EQ(s.ports[1].tcp_peers.size(), 1u);
  EXPECT_EQ(s.ports[1].tcp_peers[0].first, "fd00::2");
  EXPECT_TRUE(s.ports[2].tcp_peers.empty());  // not enabled: not listening
  std::ostringstream text;
  print_status_tree(text, s);
  EXPECT_NE(text.str().find("connected from 10.111.0.2  (2 connections)"), std::string::npos) << text.str();
  EXPECT_EQ(status_to_json(s)["ports"][0]["tcp_peers"][0]["connections"], 2);
}

}  // namespace
}  // namespace nvmetctl
