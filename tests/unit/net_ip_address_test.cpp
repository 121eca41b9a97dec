#include "nvmetctl/net/ip_address.h"

#include <gtest/gtest.h>

namespace nvmetctl {
namespace {

TEST(IpAddress, ParsesLiteralsOnly) {
  auto v4 = parse_ip_address("192.168.7.1");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->family, IpFamily::V4);
  EXPECT_EQ(v4->to_string(), "192.168.7.1");
  auto v6 = parse_ip_address("FD00:0:0::1");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->family, IpFamily::V6);
  EXPECT_EQ(v6->to_string(), "fd00::1");
  EXPECT_FALSE(parse_ip_address("localhost"));
  EXPECT_FALSE(parse_ip_address("10.1"));
  EXPECT_FALSE(parse_ip_address("10.0.0.256"));
  EXPECT_FALSE(parse_ip_address(""));
}

TEST(IpAddress, Ipv6ScopeIsKeptApart) {
  auto scoped = parse_ip_address("fe80::1%eth0");
  ASSERT_TRUE(scoped);
  EXPECT_EQ(scoped->scope, "eth0");
  EXPECT_TRUE(scoped->same_address(*parse_ip_address("fe80::1")));
  EXPECT_FALSE(parse_ip_address("fe80::1%"));
  EXPECT_FALSE(parse_ip_address("10.0.0.1%eth0"));
}

TEST(IpAddress, SameAddressComparesValues) {
  EXPECT_TRUE(parse_ip_address("::1")->same_address(*parse_ip_address("0:0:0:0:0:0:0:1")));
  EXPECT_FALSE(parse_ip_address("::1")->same_address(*parse_ip_address("127.0.0.1")));
}

TEST(IpAddress, Wildcards) {
  EXPECT_TRUE(is_wildcard_address("0.0.0.0"));
  EXPECT_TRUE(is_wildcard_address("::"));
  EXPECT_TRUE(is_wildcard_address("0:0::0"));
  EXPECT_FALSE(is_wildcard_address("0.0.0.1"));
  EXPECT_FALSE(is_wildcard_address("any"));
}

TEST(IpAddress, AddressAndPortBracketsIpv6Only) {
  EXPECT_EQ(address_and_port("10.0.0.1", "4420"), "10.0.0.1:4420");
  EXPECT_EQ(address_and_port("fd00::1", "4420"), "[fd00::1]:4420");
  EXPECT_EQ(address_and_port("::", "4420"), "[::]:4420");
  EXPECT_EQ(address_and_port("nn-0x1000:pn-0x2000", ""), "nn-0x1000:pn-0x2000");  // fc: no brackets
}

}  // namespace
}  // namespace nvmetctl
