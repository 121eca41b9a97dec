#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "nvmetctl/net/network_info.h"
#include "network_info_fake.h"

namespace nvmetctl {
namespace {

namespace fs = std::filesystem;

TEST(FakeNetworkInfo, FindsTheInterfaceOwningAnAddress) {
  FakeNetworkInfo network;
  network.add_interface("lo", {"127.0.0.1/8", "::1/128"})
      .add_interface("eth0", {"10.0.0.5/24", "fe80::5/64"})
      .add_interface("eth1", {"fe80::5/64"});
  EXPECT_EQ(*network.find_interface_for_address("10.0.0.5"), std::optional<std::string>("eth0"));
  EXPECT_EQ(*network.find_interface_for_address("0::1"), std::optional<std::string>("lo"));
  EXPECT_EQ(*network.find_interface_for_address("10.0.0.6"), std::nullopt);
  // The same link-local address on two interfaces: the scope decides.
  EXPECT_EQ(*network.find_interface_for_address("fe80::5%eth1"), std::optional<std::string>("eth1"));
  EXPECT_EQ(*network.find_interface_for_address("fe80::5%eth9"), std::nullopt);
}

TEST(FakeNetworkInfo, NetdevExistsAndFailures) {
  FakeNetworkInfo network;
  network.add_interface("eth0");
  EXPECT_TRUE(network.netdev_exists("eth0"));
  EXPECT_FALSE(network.netdev_exists("eth1"));
  auto bad = network.find_interface_for_address("nvme-target.local");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().errnum, EINVAL);
  network.fail_with(EACCES);
  auto failed = network.find_interface_for_address("10.0.0.1");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().errnum, EACCES);
}

TEST(FakeNetworkInfo, KeepsPrefixesAndLowerDevices) {
  FakeNetworkInfo network;
  network.add_interface("eth0.7", {"10.7.0.1/16", "10.8.0.1"}, {"eth0"}, false);
  auto all = network.interfaces();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1U);
  const auto& vlan = all->front();
  EXPECT_FALSE(vlan.up);
  EXPECT_EQ(vlan.lower_devices, std::vector<std::string>{"eth0"});
  ASSERT_EQ(vlan.addresses.size(), 2U);
  EXPECT_EQ(vlan.addresses[0].prefix_length, 16U);
  EXPECT_EQ(vlan.addresses[1].prefix_length, 32U);
}

class SystemNetworkInfoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("nvmetctl-netclass-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "class/net/eth0");
    fs::create_directories(root_ / "class/net/eth0.5");
    fs::create_directory_symlink("../eth0", root_ / "class/net/eth0.5/lower_eth0");
    paths_.sysfs = root_.string();
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
  SystemPaths paths_;
};

TEST_F(SystemNetworkInfoTest, NetdevExistsReadsSysfsClassNet) {
  auto network = make_system_network_info(paths_);
  EXPECT_TRUE(network->netdev_exists("eth0"));
  EXPECT_FALSE(network->netdev_exists("eth1"));
  EXPECT_FALSE(network->netdev_exists(".."));
  EXPECT_FALSE(network->netdev_exists("eth0/../eth0"));
}

TEST_F(SystemNetworkInfoTest, ListsLoopbackWithItsAddress) {
  auto network = make_system_network_info(paths_);
  auto all = network->interfaces();
  ASSERT_TRUE(all) << all.error().describe();
  auto lo = std::find_if(all->begin(), all->end(), [](const auto& i) { return i.name == "lo"; });
  if (lo == all->end()) GTEST_SKIP() << "no loopback interface in this namespace";
  auto owner = network->find_interface_for_address("127.0.0.1");
  ASSERT_TRUE(owner);
  EXPECT_EQ(*owner, std::optional<std::string>("lo"));
}

}  // namespace
}  // namespace nvmetctl
