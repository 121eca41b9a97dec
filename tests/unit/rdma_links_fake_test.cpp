#include "rdma_links_fake.h"

#include <gtest/gtest.h>

namespace nvmetctl {
namespace {

TEST(FakeRdmaLinks, AddListRemove) {
  FakeRdmaLinks links;
  links.add_netdev("eth0");
  ASSERT_TRUE(links.add("rxe0", "rxe", "eth0"));
  auto devices = links.list();
  ASSERT_TRUE(devices);
  ASSERT_EQ(devices->size(), 1U);
  EXPECT_EQ((*devices)[0].name, "rxe0");
  EXPECT_EQ((*devices)[0].link_type, "rxe");
  EXPECT_EQ((*devices)[0].protocol, "roce");
  EXPECT_EQ((*devices)[0].netdev, "eth0");
  EXPECT_TRUE((*devices)[0].active());
  ASSERT_TRUE(links.remove("rxe0"));
  EXPECT_TRUE(links.devices().empty());
  EXPECT_EQ(links.calls(), (std::vector<std::string>{"add rxe0 rxe eth0", "list", "remove rxe0"}));
}

TEST(FakeRdmaLinks, OneRxePerNetdevNamesTheExistingOne) {
  FakeRdmaLinks links;
  links.add_netdev("eth0");
  ASSERT_TRUE(links.add("rxe0", "rxe", "eth0"));
  auto second = links.add("rxe1", "rxe", "eth0");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().errnum, EEXIST);
  EXPECT_EQ(second.error().describe(), "add rdma link rxe1: eth0 already has an rxe device: rxe0");
  EXPECT_TRUE(links.add("siw0", "siw", "eth0"));  // a different type may share the netdev
}

TEST(FakeRdmaLinks, UnknownNetdevIsEnodev) {
  FakeRdmaLinks links;
  auto result = links.add("rxe0", "rxe", "eth9");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().errnum, ENODEV);
  EXPECT_EQ(result.error().reason, "network interface eth9 does not exist in this network namespace");
}

TEST(FakeRdmaLinks, DuplicateNameIsEnfile) {
  FakeRdmaLinks links;
  links.add_netdev("eth0").add_netdev("eth1");
  ASSERT_TRUE(links.add("rdma0", "rxe", "eth0"));
  auto result = links.add("rdma0", "rxe", "eth1");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().errnum, ENFILE);
}

TEST(FakeRdmaLinks, MissingModuleIsEinvalWithExplanation) {
  FakeRdmaLinks links;
  links.add_netdev("eth0").make_type_unavailable("rxe");
  auto result = links.add("rxe0", "rxe", "eth0");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().errnum, EINVAL);
  EXPECT_EQ(result.error().reason,
            "link type rxe is not available: module rdma_rxe is not loaded and the kernel could not "
            "load it");
}

TEST(FakeRdmaLinks, InvalidNamesAreRejectedBeforeTheKernel) {
  FakeRdmaLinks links;
  links.add_netdev("eth0");
  auto result = links.add("rxe%d", "rxe", "eth0");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().errnum, EINVAL);
  EXPECT_NE(result.error().reason.find("'%'"), std::string::npos);
}

TEST(FakeRdmaLinks, HardwareCannotBeRemovedAndUnknownIsEnodev) {
  FakeRdmaLinks links;
  links.add_hardware_device("mlx5_0", "roce", "ens1f0");
  auto hardware = links.remove("mlx5_0");
  ASSERT_FALSE(hardware);
  EXPECT_EQ(hardware.error().errnum, EINVAL);
  EXPECT_EQ(hardware.error().reason,
            "mlx5_0 is not a software link (rxe/siw); hardware RDMA devices cannot be deleted");
  auto unknown = links.remove("rxe7");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().errnum, ENODEV);
  EXPECT_EQ(unknown.error().describe(), "delete rdma link rxe7: no RDMA device named rxe7");
}

TEST(FakeRdmaLinks, InjectedFailureHitsOnce) {
  FakeRdmaLinks links;
  links.add_netdev("eth0").fail_next("add", EPERM).fail_next("list", EPROTONOSUPPORT);
  auto denied = links.add("rxe0", "rxe", "eth0");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().reason,
            "permission denied: creating RDMA links needs CAP_NET_ADMIN (run as root)");
  EXPECT_TRUE(links.add("rxe0", "rxe", "eth0"));
  auto listed = links.list();
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().errnum, EPROTONOSUPPORT);
  EXPECT_TRUE(links.list());
}

}  // namespace
}  // namespace nvmetctl
