#include "nvmetctl/model/port_listener.h"

#include "nvmetctl/net/ip_address.h"

namespace nvmetctl {

bool listeners_clash(const AttrMap& port, const AttrMap& other) {
  std::string trtype = attr_value(port, "addr_trtype");
  if ((trtype != "tcp" && trtype != "rdma") || attr_value(other, "addr_trtype") != trtype) return false;
  if (attr_value(port, "addr_trsvcid") != attr_value(other, "addr_trsvcid")) return false;
  auto a = parse_ip_address(attr_value(port, "addr_traddr"));
  auto b = parse_ip_address(attr_value(other, "addr_traddr"));
  if (!a || !b) return false;
  if (a->same_address(*b)) return true;
  auto covers = [](const IpAddress& wildcard, const IpAddress& address) {
    return wildcard.is_wildcard() && (wildcard.family == IpFamily::V6 || wildcard.family == address.family);
  };
  return covers(*a, *b) || covers(*b, *a);
}

std::string listen_address(const AttrMap& port) {
  return address_and_port(attr_value(port, "addr_traddr"), attr_value(port, "addr_trsvcid"));
}

}  // namespace nvmetctl
