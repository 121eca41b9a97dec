#include "nvmetctl/rdma/rdma_address_coverage.h"

#include <algorithm>

#include "nvmetctl/net/ip_address.h"

namespace nvmetctl {
namespace {

std::string device_on(const std::vector<RdmaDevice>& devices, const std::string& netdev) {
  auto found = std::find_if(devices.begin(), devices.end(),
                            [&](const RdmaDevice& d) { return d.netdev == netdev; });
  return found != devices.end() ? found->name : "";
}

std::vector<std::string> lower_devices_of(NetworkInfo& network, const std::string& name) {
  auto all = network.interfaces();
  if (!all) return {};
  for (const auto& interface : *all)
    if (interface.name == name) return interface.lower_devices;
  return {};
}

}  // namespace

std::vector<RdmaDevice> devices_after_links(std::vector<RdmaDevice> present, const std::vector<RdmaLink>& links) {
  for (const RdmaLink& link : links) {
    bool exists = std::any_of(present.begin(), present.end(), [&](const RdmaDevice& d) { return d.name == link.name; });
    if (exists) continue;  // already there (a re-apply): keep the device as the kernel reports it
    RdmaDevice planned;
    planned.name = link.name;
    planned.link_type = link.type;
    planned.netdev = link.netdev;
    planned.port_state = 4;  // ACTIVE
    present.push_back(planned);
  }
  return present;
}

Expected<RdmaAddressCheck> check_rdma_address(const std::string& traddr, NetworkInfo& network,
                                              const std::vector<RdmaDevice>& devices) {
  RdmaAddressCheck check;
  // rdma_cm binds 127.0.0.0/8 without an RDMA device on lo, as it does a
  // wildcard (observed on 6.1 and 6.12): the port is enabled either way.
  auto address = parse_ip_address(traddr);
  if (address && (address->is_wildcard() || address->is_ipv4_loopback())) {
    check.coverage = RdmaAddressCoverage::Wildcard;
    return check;
  }
  auto owner = network.find_interface_for_address(traddr);
  if (!owner) return owner.error();
  if (!*owner) return check;  // NotLocal

  check.interface = **owner;
  check.device = device_on(devices, check.interface);
  for (const auto& lower : lower_devices_of(network, check.interface)) {
    if (!check.device.empty()) break;
    check.device = device_on(devices, lower);
  }
  check.coverage = check.device.empty() ? RdmaAddressCoverage::NoRdmaDevice
                                        : RdmaAddressCoverage::Covered;
  return check;
}

}  // namespace nvmetctl
