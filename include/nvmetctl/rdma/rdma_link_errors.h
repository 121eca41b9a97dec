#pragma once
// What the kernel's RDMA link errors mean, in words a user can act on. The
// same errno means different things per request (EPERM is a missing
// capability or a VLAN; EINVAL on NEWLINK is usually a missing module), so
// the caller supplies the facts that decide between them.
#include <string>

#include "nvmetctl/expected.h"

namespace nvmetctl {

struct LinkSpec {
  std::string name;       // RDMA device name to create, e.g. "rxe_eth0"
  std::string type;       // "rxe" or "siw"
  std::string netdev;     // network interface it rides on
};

// Local checks that mirror the kernel's EINVAL cases, so the common mistakes
// get a precise message instead of a bare EINVAL.
Expected<void> validate_link_spec(const LinkSpec& spec);

struct AddLinkFacts {
  std::string existing_device;     // EEXIST: device already on the netdev, if known
  bool link_module_loaded = true;  // EINVAL: is rdma_rxe/siw in the kernel?
  bool netdev_is_vlan = false;     // EPERM: rxe refuses VLAN netdevs with EPERM
};

std::string add_link_failure_reason(int errnum, const LinkSpec& spec, const AddLinkFacts& facts);

// software_link: whether the device is rxe/siw (hardware cannot be deleted).
std::string remove_link_failure_reason(int errnum, const std::string& name, bool software_link);

// Opening the NETLINK_RDMA socket or querying devices.
std::string rdma_netlink_failure_reason(int errnum);

}  // namespace nvmetctl
