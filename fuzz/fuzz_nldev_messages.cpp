// libFuzzer target: the RDMA netlink reply decoders (rdma/nldev_messages),
// fed datagrams the way rdma_links_netlink.cpp feeds them from the socket:
// a dump of devices, each device's port query, an ACK.
//
// Input: one byte of sequence number, then datagrams, each as
//   [decoder: devices | ports | ack (byte mod 3)] [length: u16 LE] [bytes]
// Each datagram is copied into a buffer of exactly its length, so a read
// past its end is a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nvmetctl/rdma/nldev_messages.h"
#include "nvmetctl/rdma/rdma_device.h"
#include "nvmetctl/rdma/rdma_link_type.h"
#include "nvmetctl/system_paths.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nvmetctl;
  if (size < 1) return 0;
  const std::uint32_t seq = data[0];
  std::vector<nldev::DeviceAttributes> devices;
  std::vector<nldev::PortAttributes> ports;
  std::size_t pos = 1;
  while (pos + 3 <= size) {
    const unsigned decoder = data[pos] % 3u;
    std::size_t length = data[pos + 1] | (static_cast<std::size_t>(data[pos + 2]) << 8);
    pos += 3;
    if (length > size - pos) length = size - pos;
    const std::vector<std::uint8_t> datagram(data + pos, data + pos + length);
    pos += length;
    switch (decoder) {
      case 0: (void)nldev::decode_devices(datagram, seq, devices); break;
      case 1: (void)nldev::decode_ports(datagram, seq, ports); break;
      default: (void)nldev::decode_ack(datagram, seq); break;
    }
  }
  // What list() makes of them: the link type from sysfs (none here) and
  // port 1's netdev and state.
  SystemPaths paths;
  paths.sysfs = "/nonexistent/nvmetctl-fuzz";
  std::vector<RdmaDevice> result;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const auto& found = devices[i];
    RdmaDevice device{found.index, found.name, found.protocol, infer_link_type(paths, found.name, found.protocol), "", 0};
    if (i < ports.size()) {
      device.netdev = ports[i].netdev;
      device.port_state = ports[i].state;
    }
    result.push_back(std::move(device));
  }
  return 0;
}
