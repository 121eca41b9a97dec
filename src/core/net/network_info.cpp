#include "nvmetctl/net/network_info.h"

#include <cerrno>
#include <cstdlib>

namespace nvmetctl {
namespace {

bool is_numeric(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

Expected<std::optional<std::string>> NetworkInfo::find_interface_for_address(const std::string& ip) {
  auto wanted = parse_ip_address(ip);
  if (!wanted)
    return SysError{EINVAL, "find interface for address", ip,
                    "not a literal IPv4 or IPv6 address (host names are not resolved)"};
  auto all = interfaces();
  if (!all) return all.error();
  for (const auto& interface : *all) {
    // A numeric scope is an ifindex, which interfaces() does not carry; the
    // address alone decides then.
    if (!wanted->scope.empty() && !is_numeric(wanted->scope) && wanted->scope != interface.name)
      continue;
    for (const auto& assigned : interface.addresses)
      if (assigned.address.same_address(*wanted)) return std::optional<std::string>(interface.name);
  }
  return std::optional<std::string>();
}

}  // namespace nvmetctl
