#include "nvmetctl/model/port_listener.h"

#include <gtest/gtest.h>

namespace nvmetctl {
namespace {

AttrMap listener(const std::string& trtype, const std::string& traddr, const std::string& trsvcid = "4420") {
  return {{"addr_trtype", trtype}, {"addr_traddr", traddr}, {"addr_trsvcid", trsvcid}};
}

TEST(PortListener, SameAddressInAnySpellingClashes) {
  EXPECT_TRUE(listeners_clash(listener("tcp", "10.0.0.1"), listener("tcp", "10.0.0.1")));
  EXPECT_TRUE(listeners_clash(listener("rdma", "fd00::1"), listener("rdma", "fd00:0::1")));
}

TEST(PortListener, WildcardsCoverTheirFamilyAndIpv6CoversBoth) {
  EXPECT_TRUE(listeners_clash(listener("tcp", "0.0.0.0"), listener("tcp", "10.0.0.1")));
  EXPECT_TRUE(listeners_clash(listener("tcp", "10.0.0.1"), listener("tcp", "::")));
  EXPECT_TRUE(listeners_clash(listener("tcp", "::"), listener("tcp", "fd00::1")));
  EXPECT_FALSE(listeners_clash(listener("tcp", "0.0.0.0"), listener("tcp", "fd00::1")));
}

TEST(PortListener, AnotherServiceAddressOrTransportIsFree) {
  EXPECT_FALSE(listeners_clash(listener("tcp", "10.0.0.1", "4420"), listener("tcp", "10.0.0.1", "4421")));
  EXPECT_FALSE(listeners_clash(listener("tcp", "10.0.0.1"), listener("tcp", "10.0.0.2")));
  EXPECT_FALSE(listeners_clash(listener("tcp", "10.0.0.1"), listener("rdma", "10.0.0.1")));
  EXPECT_FALSE(listeners_clash(listener("loop", ""), listener("loop", "")));
}

}  // namespace
}  // namespace nvmetctl
