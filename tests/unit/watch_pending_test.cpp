#include "nvmetctl/watch/pending.h"

#include <gtest/gtest.h>

#include <set>

#include "network_info_fake.h"

namespace nvmetctl {
namespace {

Port tcp_port(std::uint16_t id, const std::string& traddr) {
  Port p;
  p.id = id;
  p.attrs["addr_trtype"] = "tcp";
  p.attrs["addr_adrfam"] = traddr.find(':') == std::string::npos ? "ipv4" : "ipv6";
  p.attrs["addr_traddr"] = traddr;
  p.attrs["addr_trsvcid"] = "4420";
  return p;
}

Namespace ns(std::uint32_t nsid, const std::string& device, bool enabled = true) {
  Namespace n;
  n.nsid = nsid;
  n.attrs["device_path"] = device;
  n.attrs["enable"] = enabled ? "1" : "0";
  return n;
}

std::vector<RdmaDevice> no_rdma_devices() { return {}; }

Port rdma_port(std::uint16_t id, const std::string& traddr) {
  Port p = tcp_port(id, traddr);
  p.attrs["addr_trtype"] = "rdma";
  return p;
}

TEST(WatchPending, WhatWaitsIsLeftOutAndListedInTheFilesOrder) {
  Target t;
  t.rdma_links.push_back({"rxe0", "rxe", "eth9", {}});
  t.rdma_links.push_back({"rxe1", "rxe", "eth0", {}});
  t.ports = {tcp_port(1, "10.0.0.1"), tcp_port(2, "10.0.0.2"), tcp_port(3, "0.0.0.0")};
  Subsystem s;
  s.nqn = "nqn.2024-01.io.example:a";
  s.namespaces = {ns(1, "/dev/present"), ns(2, "/dev/late"), ns(3, "/dev/late", false)};
  t.subsystems.push_back(s);
  FakeNetworkInfo network;
  network.add_interface("eth0", {"10.0.0.1/24"});
  std::set<std::string> devices{"/dev/present"};
  ApplicableTarget a = split_pending(
      t, network, [&](const std::string& p) { return devices.count(p) > 0; }, no_rdma_devices);

  ASSERT_EQ(a.target.rdma_links.size(), 1u);
  EXPECT_EQ(a.target.rdma_links[0].name, "rxe1");
  ASSERT_EQ(a.target.ports.size(), 2u);
  EXPECT_EQ(a.target.ports[0].id, 1);
  EXPECT_EQ(a.target.ports[1].id, 3);                       // a wildcard waits for nothing
  ASSERT_EQ(a.target.subsystems[0].namespaces.size(), 2u);  // the disabled one waits for nothing
  EXPECT_EQ(a.target.subsystems[0].namespaces[1].nsid, 3u);
  std::vector<std::string> described;
  for (const PendingItem& item : a.pending) described.push_back(item.describe());
  EXPECT_EQ(described,
            (std::vector<std::string>{"rdma link rxe0 waits for netdev eth9", "port 2 waits for address 10.0.0.2",
                                      "subsystem nqn.2024-01.io.example:a namespace 2 waits for device /dev/late"}));
}

TEST(WatchPending, NothingWaitsWhenEverythingIsThere) {
  Target t;
  t.ports = {tcp_port(1, "fe80::1%eth0")};
  FakeNetworkInfo network;
  network.add_interface("eth0", {"fe80::1/64"});
  ApplicableTarget a = split_pending(
      t, network, [](const std::string&) { return true; }, no_rdma_devices);
  EXPECT_TRUE(a.pending.empty());
  EXPECT_EQ(a.target.ports.size(), 1u);
}

// The kernel refuses an rdma port on an interface no RDMA device covers
// (-19): it waits for one, unless the file's own rdma_links will make it.
TEST(WatchPending, AnRdmaPortWaitsForAnRdmaDeviceOnItsInterface) {
  Target t;
  t.ports = {rdma_port(1, "10.0.0.1"), rdma_port(2, "10.1.0.1"), rdma_port(3, "10.2.0.1")};
  t.rdma_links.push_back({"rxe_eth2", "rxe", "eth2", {}});
  FakeNetworkInfo network;
  network.add_interface("eth0", {"10.0.0.1/24"});
  network.add_interface("eth1", {"10.1.0.1/24"});
  network.add_interface("eth2", {"10.2.0.1/24"});
  int asked = 0;
  auto devices = [&] {
    ++asked;
    RdmaDevice hardware;
    hardware.name = "mlx5_0";
    hardware.netdev = "eth0";
    hardware.port_state = 4;
    return std::vector<RdmaDevice>{hardware};
  };
  ApplicableTarget a = split_pending(
      t, network, [](const std::string&) { return true; }, devices);
  ASSERT_EQ(a.target.ports.size(), 2u);
  EXPECT_EQ(a.target.ports[0].id, 1);
  EXPECT_EQ(a.target.ports[1].id, 3);
  ASSERT_EQ(a.pending.size(), 1u);
  EXPECT_EQ(a.pending[0].describe(), "port 2 waits for an RDMA device on eth1");
  EXPECT_EQ(asked, 1);

  Target tcp_only;
  tcp_only.ports = {tcp_port(1, "10.0.0.1")};
  split_pending(
      tcp_only, network, [](const std::string&) { return true; }, devices);
  EXPECT_EQ(asked, 1) << "RDMA devices are listed only for rdma ports";
}

}  // namespace
}  // namespace nvmetctl
