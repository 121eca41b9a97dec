#include "nvmetctl/net/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>

namespace nvmetctl {

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  IpAddress address;
  std::string literal(text);
  if (auto percent = literal.find('%'); percent != std::string::npos) {
    address.scope = literal.substr(percent + 1);
    literal.resize(percent);
    if (address.scope.empty()) return std::nullopt;
  }
  if (inet_pton(AF_INET6, literal.c_str(), address.bytes.data()) == 1) {
    address.family = IpFamily::V6;
    return address;
  }
  if (!address.scope.empty()) return std::nullopt;  // only IPv6 has scopes
  if (inet_pton(AF_INET, literal.c_str(), address.bytes.data()) == 1) {
    address.family = IpFamily::V4;
    return address;
  }
  return std::nullopt;
}

bool IpAddress::is_wildcard() const {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

std::string IpAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == IpFamily::V6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
  return text;
}

std::string address_and_port(const std::string& address, const std::string& port) {
  auto parsed = parse_ip_address(address);
  std::string host = parsed && parsed->family == IpFamily::V6 ? "[" + address + "]" : address;
  return port.empty() ? host : host + ":" + port;
}

bool is_wildcard_address(std::string_view text) {
  auto address = parse_ip_address(text);
  return address && address->is_wildcard();
}

}  // namespace nvmetctl
