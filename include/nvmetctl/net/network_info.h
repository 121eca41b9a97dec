#pragma once
// Local network facts nvmetctl checks before enabling an RDMA or TCP port:
// the kernel only says -99 (address not local) or -19 (no RDMA device on
// that interface) once the port is linked, too late to say which interface.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nvmetctl/expected.h"
#include "nvmetctl/net/ip_address.h"
#include "nvmetctl/system_paths.h"

namespace nvmetctl {

struct InterfaceAddress {
  IpAddress address;
  unsigned prefix_length = 0;
};

struct NetworkInterface {
  std::string name;
  bool up = false;
  std::vector<InterfaceAddress> addresses;
  // Devices this one is stacked on (a VLAN's parent, a bond's ports), from
  // <sysfs>/class/net/<name>/lower_*. rxe refuses VLANs, so a VLAN address
  // is served by an rxe link on the parent, whose GID table includes it.
  std::vector<std::string> lower_devices;
};

// Abstract so checks can run against FakeNetworkInfo.
class NetworkInfo {
 public:
  virtual ~NetworkInfo() = default;
  virtual Expected<std::vector<NetworkInterface>> interfaces() = 0;
  virtual bool netdev_exists(const std::string& name) = 0;

  // The interface that owns ip; nullopt when the address is not local.
  // EINVAL when ip is not a literal address (the kernel resolves no names).
  // An IPv6 "%scope" naming an interface must match it.
  Expected<std::optional<std::string>> find_interface_for_address(const std::string& ip);
};

// getifaddrs for addresses, <sysfs>/class/net for existence and lower devices.
std::unique_ptr<NetworkInfo> make_system_network_info(const SystemPaths& paths);

}  // namespace nvmetctl
