// The file's target split into what can be applied now and what waits.
#include "nvmetctl/watch/pending.h"

#include <algorithm>
#include <optional>

#include "nvmetctl/engine/wait_for_resources.h"
#include "nvmetctl/rdma/rdma_address_coverage.h"

namespace nvmetctl {
namespace {

bool address_present(NetworkInfo& network, const std::string& traddr) {
  auto found = network.find_interface_for_address(traddr);
  return found && found->has_value();
}

}  // namespace

ApplicableTarget split_pending(const Target& desired, NetworkInfo& network,
                               const std::function<bool(const std::string&)>& path_exists,
                               const std::function<std::vector<RdmaDevice>()>& rdma_devices) {
  ApplicableTarget out;
  out.target = desired;
  Target& target = out.target;

  std::erase_if(target.rdma_links, [&](const RdmaLink& link) {
    if (network.netdev_exists(link.netdev)) return false;
    out.pending.push_back({"rdma link " + link.name, "netdev " + link.netdev, {}});
    return true;
  });
  std::erase_if(target.ports, [&](const Port& port) {
    std::string traddr = address_port_needs(port);
    if (traddr.empty() || address_present(network, traddr)) return false;
    out.pending.push_back({"port " + std::to_string(port.id), "address " + traddr, {}});
    return true;
  });
  std::optional<std::vector<RdmaDevice>> covering;  // read once, when an rdma port asks
  std::erase_if(target.ports, [&](const Port& port) {
    if (attr_value(port.attrs, "addr_trtype") != "rdma") return false;
    if (!covering) covering = devices_after_links(rdma_devices(), target.rdma_links);
    auto check = check_rdma_address(attr_value(port.attrs, "addr_traddr"), network, *covering);
    if (!check || check->coverage != RdmaAddressCoverage::NoRdmaDevice) return false;
    out.pending.push_back({"port " + std::to_string(port.id), "an RDMA device on " + check->interface, {}});
    return true;
  });
  for (Subsystem& subsystem : target.subsystems) {
    std::erase_if(subsystem.namespaces, [&](const Namespace& ns) {
      std::string device = attr_value(ns.attrs, "device_path");
      if (device.empty() || attr_value(ns.attrs, "enable") != "1" || path_exists(device)) return false;
      out.pending.push_back(
          {"subsystem " + subsystem.nqn + " namespace " + std::to_string(ns.nsid), "device " + device, device});
      return true;
    });
    if (subsystem.passthru && subsystem.passthru_enabled()) {
      std::string device = attr_value(subsystem.passthru->attrs, "device_path");
      if (!device.empty() && !path_exists(device)) {
        out.pending.push_back({"subsystem " + subsystem.nqn + " passthru", "device " + device, device});
        subsystem.passthru.reset();
      }
    }
  }
  return out;
}

}  // namespace nvmetctl
