#pragma once
// Encoding of nldev requests and decoding of the kernel's replies, as pure
// functions over byte buffers so they can be tested without a kernel.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "nvmetctl/expected.h"

namespace nvmetctl::nldev {

using Bytes = std::vector<std::uint8_t>;

Bytes encode_get_dump(std::uint32_t seq);
Bytes encode_port_get(std::uint32_t seq, std::uint32_t dev_index, std::uint32_t port);
Bytes encode_new_link(std::uint32_t seq, const std::string& name, const std::string& link_type,
                      const std::string& netdev);
Bytes encode_del_link(std::uint32_t seq, std::uint32_t dev_index);

struct DeviceAttributes {
  std::uint32_t index = 0;
  std::string name;
  std::string protocol;
  std::uint32_t port_count = 0;
};

struct PortAttributes {
  std::uint32_t port = 0;
  int state = 0;
  std::string netdev;  // absent when the netdev is in another netns
  std::uint32_t netdev_index = 0;
};

// Whether a request's replies continue in another datagram.
enum class ReplyProgress { More, Done };

// Each decoder consumes one received datagram. A kernel error reply becomes
// a SysError with the kernel's errno and action "rdma netlink"; callers
// replace the wording. Messages of other types are ignored; a single
// PORT_GET is answered with type GET, which decode_ports accepts.
Expected<ReplyProgress> decode_devices(std::span<const std::uint8_t> datagram, std::uint32_t seq,
                                       std::vector<DeviceAttributes>& out);
Expected<ReplyProgress> decode_ports(std::span<const std::uint8_t> datagram, std::uint32_t seq,
                                     std::vector<PortAttributes>& out);
Expected<ReplyProgress> decode_ack(std::span<const std::uint8_t> datagram, std::uint32_t seq);

}  // namespace nvmetctl::nldev
