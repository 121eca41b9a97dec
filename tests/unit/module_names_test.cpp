#include "nvmetctl/kernel/module_names.h"

#include <gtest/gtest.h>

namespace nvmetctl {
namespace {

TEST(ModuleNames, TransportModules) {
  EXPECT_EQ(transport_module("rdma"), "nvmet-rdma");
  EXPECT_EQ(transport_module("tcp"), "nvmet-tcp");
  EXPECT_EQ(transport_module("fc"), "nvmet-fc");
  EXPECT_EQ(transport_module("loop"), "nvme-loop");
  EXPECT_FALSE(transport_module("ib"));
  EXPECT_FALSE(transport_module(""));
}

TEST(ModuleNames, TransportIdsMatchKernelNumbers) {
  EXPECT_EQ(transport_id("rdma"), 1);
  EXPECT_EQ(transport_id("fc"), 2);
  EXPECT_EQ(transport_id("tcp"), 3);
  EXPECT_EQ(transport_id("loop"), 254);
  EXPECT_FALSE(transport_id("RDMA"));
}

TEST(ModuleNames, TransportNameFromKernelLogNumber) {
  EXPECT_EQ(transport_name(1), "rdma");
  EXPECT_EQ(transport_name(254), "loop");
  EXPECT_FALSE(transport_name(7));
}

TEST(ModuleNames, LinkTypeModules) {
  EXPECT_EQ(link_type_module("rxe"), "rdma_rxe");
  EXPECT_EQ(link_type_module("siw"), "siw");
  EXPECT_FALSE(link_type_module("mlx5"));
}

TEST(ModuleNames, UsableAtCompileTime) {
  static_assert(transport_id("tcp") == 3);
  static_assert(*transport_module("rdma") == "nvmet-rdma");
  EXPECT_EQ(kTargetCoreModule, "nvmet");
}

}  // namespace
}  // namespace nvmetctl
