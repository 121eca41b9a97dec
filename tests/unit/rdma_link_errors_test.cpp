#include "nvmetctl/rdma/rdma_link_errors.h"

#include <gtest/gtest.h>

namespace nvmetctl {
namespace {

const LinkSpec kSpec{"rxe_eth0", "rxe", "eth0"};

TEST(RdmaLinkErrors, ValidSpecPasses) { EXPECT_TRUE(validate_link_spec(kSpec)); }

TEST(RdmaLinkErrors, ValidationMirrorsKernelEinvalCases) {
  for (const LinkSpec& bad : {LinkSpec{"", "rxe", "eth0"}, LinkSpec{"rxe%d", "rxe", "eth0"},
                              LinkSpec{std::string(64, 'a'), "rxe", "eth0"},
                              LinkSpec{"rxe0", "", "eth0"}, LinkSpec{"rxe0", "rxe", ""},
                              LinkSpec{"rxe0", "rxe", "a-very-long-ifname0"}}) {
    auto result = validate_link_spec(bad);
    ASSERT_FALSE(result) << bad.name << "/" << bad.type << "/" << bad.netdev;
    EXPECT_EQ(result.error().errnum, EINVAL);
    EXPECT_EQ(result.error().action, "add rdma link");
  }
  EXPECT_TRUE(validate_link_spec({std::string(63, 'a'), "rxe", "eth0"}));
  EXPECT_TRUE(validate_link_spec({"rxe0", "rxe", std::string(15, 'e')}));
}

TEST(RdmaLinkErrors, EpermIsCapabilityUnlessTheNetdevIsAVlan) {
  EXPECT_EQ(add_link_failure_reason(EPERM, kSpec, {}),
            "permission denied: creating RDMA links needs CAP_NET_ADMIN (run as root)");
  AddLinkFacts vlan;
  vlan.netdev_is_vlan = true;
  EXPECT_EQ(add_link_failure_reason(EPERM, kSpec, vlan),
            "eth0 is a VLAN interface; rxe links must be created on the underlying real device");
}

TEST(RdmaLinkErrors, EexistNamesTheExistingDeviceWhenKnown) {
  AddLinkFacts facts;
  EXPECT_EQ(add_link_failure_reason(EEXIST, kSpec, facts), "eth0 already has an rxe device");
  facts.existing_device = "rxe0";
  EXPECT_EQ(add_link_failure_reason(EEXIST, kSpec, facts), "eth0 already has an rxe device: rxe0");
}

TEST(RdmaLinkErrors, EinvalBlamesTheModuleOnlyWhenItIsMissing) {
  AddLinkFacts facts;
  facts.link_module_loaded = false;
  EXPECT_NE(add_link_failure_reason(EINVAL, kSpec, facts).find("module rdma_rxe is not loaded"),
            std::string::npos);
  EXPECT_EQ(add_link_failure_reason(EINVAL, {"x0", "bogus", "eth0"}, facts),
            "unknown link type bogus (the kernel has no rdma-link-bogus module; use rxe or siw)");
  facts.link_module_loaded = true;
  EXPECT_EQ(add_link_failure_reason(EINVAL, kSpec, facts).find("module"), std::string::npos);
}

TEST(RdmaLinkErrors, OtherTexts) {
  EXPECT_EQ(add_link_failure_reason(ENODEV, kSpec, {}),
            "network interface eth0 does not exist in this network namespace");
  EXPECT_EQ(add_link_failure_reason(ENFILE, kSpec, {}),
            "the name rxe_eth0 is already used by another RDMA device");
  EXPECT_EQ(remove_link_failure_reason(ENODEV, "rxe0", true), "no RDMA device named rxe0");
  EXPECT_NE(rdma_netlink_failure_reason(EPROTONOSUPPORT).find("ib_core"), std::string::npos);
}

}  // namespace
}  // namespace nvmetctl
