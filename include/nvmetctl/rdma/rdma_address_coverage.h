#pragma once
// Will nvmet-rdma be able to listen on this traddr? The kernel answers only
// when the port is linked, as -99 (address not local) or -19 (no RDMA device
// covers the interface); this predicts both and names the interface.
#include <string>
#include <vector>

#include "nvmetctl/expected.h"
#include "nvmetctl/model/target.h"
#include "nvmetctl/net/network_info.h"
#include "nvmetctl/rdma/rdma_device.h"

namespace nvmetctl {

enum class RdmaAddressCoverage {
  Wildcard,      // 0.0.0.0 / :: (or 127.x): listens wherever RDMA devices are
  NotLocal,      // no interface has it: the kernel would fail with -99
  NoRdmaDevice,  // local, but no RDMA device on that interface: -19
  Covered,
};

struct RdmaAddressCheck {
  RdmaAddressCoverage coverage = RdmaAddressCoverage::NotLocal;
  std::string interface;  // owner of the address, when local
  std::string device;     // RDMA device serving it, when covered
};

// The devices present plus those the file's rdma_links will add (counted as
// ACTIVE): what a port's address will be checked against once applied.
std::vector<RdmaDevice> devices_after_links(std::vector<RdmaDevice> present, const std::vector<RdmaLink>& links);

// EINVAL when traddr is not a literal address.
Expected<RdmaAddressCheck> check_rdma_address(const std::string& traddr, NetworkInfo& network,
                                              const std::vector<RdmaDevice>& devices);

}  // namespace nvmetctl
