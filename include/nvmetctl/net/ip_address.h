#pragma once
// Literal IP addresses as nvmet parses traddr: no host names, IPv6 may carry
// a %scope. Compared by value, so "::1" and "0:0::1" are the same address.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nvmetctl {

enum class IpFamily { V4, V6 };

struct IpAddress {
  IpFamily family = IpFamily::V4;
  std::array<std::uint8_t, 16> bytes{};  // first 4 used for IPv4
  std::string scope;                     // IPv6 "%eth0" or "%2", without '%'

  bool same_address(const IpAddress& other) const {
    return family == other.family && bytes == other.bytes;
  }
  bool is_wildcard() const;
  bool is_ipv4_loopback() const { return family == IpFamily::V4 && bytes[0] == 127; }
  std::string to_string() const;  // canonical form, without scope
};

std::optional<IpAddress> parse_ip_address(std::string_view text);

// "10.0.0.1:4420", "[fd00::1]:4420" (IPv6 literals in brackets); without a
// port, the address alone.
std::string address_and_port(const std::string& address, const std::string& port);

// 0.0.0.0 or :: in any spelling: nvmet listens on every local address.
bool is_wildcard_address(std::string_view text);

}  // namespace nvmetctl
