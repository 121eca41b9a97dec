#pragma once
// What `watch` can apply now, and what waits for the world: a port whose
// address no interface has yet, a namespace or passthru controller whose
// device does not exist yet, an rdma link whose netdev is missing, an rdma
// port whose interface no RDMA device (present or made by the file's
// rdma_links) covers yet: the kernel would refuse it with -19. The
// waiting parts are left out of the target the agent applies (and so left
// alone in configfs) until an event brings what they wait for.
#include <functional>
#include <string>
#include <vector>

#include "nvmetctl/model/target.h"
#include "nvmetctl/net/network_info.h"
#include "nvmetctl/rdma/rdma_device.h"

namespace nvmetctl {

struct PendingItem {
  std::string object;     // "port 1", "subsystem nqn.x namespace 2", "rdma link rxe0"
  std::string waits_for;  // "address 10.0.0.1", "device /dev/disk/by-id/x", "netdev eth1"
  std::string device;     // the device path waited for, "" for an address or a netdev

  std::string describe() const { return object + " waits for " + waits_for; }
  bool operator==(const PendingItem&) const = default;
};

struct ApplicableTarget {
  Target target;                     // the file's target without what waits
  std::vector<PendingItem> pending;  // in the file's order
};

// `rdma_devices` is asked only when the target has an rdma port.
ApplicableTarget split_pending(const Target& desired, NetworkInfo& network,
                               const std::function<bool(const std::string&)>& path_exists,
                               const std::function<std::vector<RdmaDevice>()>& rdma_devices);

}  // namespace nvmetctl
