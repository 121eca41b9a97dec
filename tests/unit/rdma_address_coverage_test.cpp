#include "nvmetctl/rdma/rdma_address_coverage.h"

#include <gtest/gtest.h>

#include "network_info_fake.h"

namespace nvmetctl {
namespace {

RdmaDevice rxe_on(const std::string& netdev) { return {1, "rxe_" + netdev, "roce", "rxe", netdev, 4}; }

class RdmaAddressCoverageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    network_.add_interface("lo", {"127.0.0.1/8", "::1/128"})
        .add_interface("eth0", {"10.111.0.1/24", "fd00::1/64"})
        .add_interface("eth1", {"10.112.0.1/24"})
        .add_interface("eth0.100", {"10.113.0.1/24"}, {"eth0"});
  }
  FakeNetworkInfo network_;
};

TEST_F(RdmaAddressCoverageTest, WildcardNeedsNoInterface) {
  auto check = check_rdma_address("0.0.0.0", network_, {});
  ASSERT_TRUE(check);
  EXPECT_EQ(check->coverage, RdmaAddressCoverage::Wildcard);
  EXPECT_EQ(check_rdma_address("::", network_, {})->coverage, RdmaAddressCoverage::Wildcard);
}

// rdma_cm binds an IPv4 loopback address with no RDMA device on lo, as it
// does a wildcard: the kernel enables the port, so there is nothing to warn.
TEST_F(RdmaAddressCoverageTest, Ipv4LoopbackIsBoundLikeAWildcard) {
  EXPECT_EQ(check_rdma_address("127.0.0.1", network_, {})->coverage, RdmaAddressCoverage::Wildcard);
  EXPECT_EQ(check_rdma_address("127.0.0.2", network_, {})->coverage, RdmaAddressCoverage::Wildcard);
}

TEST_F(RdmaAddressCoverageTest, AddressNotOnAnyInterface) {
  auto check = check_rdma_address("10.200.0.1", network_, {rxe_on("eth0")});
  ASSERT_TRUE(check);
  EXPECT_EQ(check->coverage, RdmaAddressCoverage::NotLocal);
}

TEST_F(RdmaAddressCoverageTest, LocalAddressWithoutRdmaDevice) {
  auto check = check_rdma_address("10.112.0.1", network_, {rxe_on("eth0")});
  ASSERT_TRUE(check);
  EXPECT_EQ(check->coverage, RdmaAddressCoverage::NoRdmaDevice);
  EXPECT_EQ(check->interface, "eth1");
}

TEST_F(RdmaAddressCoverageTest, CoveredDirectlyAndThroughVlanParent) {
  auto direct = check_rdma_address("fd00:0:0::1", network_, {rxe_on("eth0")});
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->coverage, RdmaAddressCoverage::Covered);
  EXPECT_EQ(direct->interface, "eth0");
  EXPECT_EQ(direct->device, "rxe_eth0");
  auto vlan = check_rdma_address("10.113.0.1", network_, {rxe_on("eth0")});
  ASSERT_TRUE(vlan);
  EXPECT_EQ(vlan->coverage, RdmaAddressCoverage::Covered);
  EXPECT_EQ(vlan->interface, "eth0.100");
  EXPECT_EQ(vlan->device, "rxe_eth0");
}

TEST_F(RdmaAddressCoverageTest, HostNameIsAnError) {
  auto check = check_rdma_address("storage.example", network_, {});
  ASSERT_FALSE(check);
  EXPECT_EQ(check.error().errnum, EINVAL);
}

TEST_F(RdmaAddressCoverageTest, AFileRdmaLinkCoversItsNetdevBeforeItExists) {
  RdmaLink link;
  link.name = "rxe_eth0";
  link.type = "rxe";
  link.netdev = "eth0";
  auto before = check_rdma_address("fd00::1", network_, devices_after_links({}, {}));
  ASSERT_TRUE(before);
  EXPECT_EQ(before->coverage, RdmaAddressCoverage::NoRdmaDevice);
  std::vector<RdmaDevice> planned = devices_after_links({}, {link});
  ASSERT_EQ(planned.size(), 1u);
  EXPECT_EQ(planned[0].port_state, 4) << "counted as ACTIVE";
  auto after = check_rdma_address("fd00::1", network_, planned);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->coverage, RdmaAddressCoverage::Covered);
  EXPECT_EQ(after->device, "rxe_eth0");
}

TEST(DevicesAfterLinks, AFileLinkThatExistsAlreadyIsListedOnce) {
  std::vector<RdmaDevice> present{rxe_on("eth0")};
  auto after = devices_after_links(present, {RdmaLink{"rxe_eth0", "rxe", "eth0", {}}, RdmaLink{"rxe_eth1", "rxe", "eth1", {}}});
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0], present[0]);
  EXPECT_EQ(after[1].name, "rxe_eth1");
}

}  // namespace
}  // namespace nvmetctl
