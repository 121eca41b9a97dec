#pragma once
// RDMA devices and the software links (rxe, siw) nvmetctl creates so that
// nvmet-rdma can listen on plain Ethernet: `rdma link` without iproute2.
#include <memory>
#include <string>
#include <vector>

#include "nvmetctl/expected.h"
#include "nvmetctl/rdma/rdma_device.h"
#include "nvmetctl/system_paths.h"

namespace nvmetctl {

// Abstract so the engine can run against FakeRdmaLinks. Errors carry action
// "list rdma devices" / "add rdma link" / "delete rdma link", the link name
// as path, the kernel's errno and a reason that says what to do.
class RdmaLinks {
 public:
  virtual ~RdmaLinks() = default;
  virtual Expected<std::vector<RdmaDevice>> list() = 0;
  // type "rxe" or "siw"; netdev must exist in this network namespace.
  virtual Expected<void> add(const std::string& name, const std::string& type,
                             const std::string& netdev) = 0;
  // Only software links can be removed; an unknown name is ENODEV.
  virtual Expected<void> remove(const std::string& name) = 0;
};

// RDMA netlink (NETLINK_RDMA, nldev), plus <sysfs>/class/infiniband to tell
// rxe and siw apart from hardware.
std::unique_ptr<RdmaLinks> make_netlink_rdma_links(const SystemPaths& paths);

}  // namespace nvmetctl
