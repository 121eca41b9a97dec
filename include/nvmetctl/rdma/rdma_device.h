#pragma once
// One RDMA device as nvmetctl cares about it: enough to tell whether an
// nvmet-rdma port's address is served, and by which soft link.
#include <cstdint>
#include <string>

namespace nvmetctl {

struct RdmaDevice {
  std::uint32_t index = 0;  // kernel ib device index, needed to delete a link
  std::string name;         // "rxe0", "mlx5_0"
  std::string protocol;     // "roce", "iw", "ib" ("opa", "usnic" exist too)
  std::string link_type;    // "rxe", "siw", or "" for hardware
  std::string netdev;       // port 1's netdev; "" if none in this netns
  int port_state = 0;       // port 1; 4 is ACTIVE

  bool active() const { return port_state == 4; }
  bool operator==(const RdmaDevice&) const = default;
};

}  // namespace nvmetctl
