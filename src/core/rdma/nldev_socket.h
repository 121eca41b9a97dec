#pragma once
// A NETLINK_RDMA socket that sends one request and feeds every reply
// datagram to a decoder until the decoder says the reply is complete.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "nvmetctl/expected.h"
#include "nvmetctl/rdma/nldev_messages.h"

struct mnl_socket;

namespace nvmetctl::nldev {

class Socket {
 public:
  // Opening it autoloads ib_core when the kernel can.
  static Expected<std::unique_ptr<Socket>> open();
  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  std::uint32_t next_seq() { return ++seq_; }

  using Decoder = std::function<Expected<ReplyProgress>(std::span<const std::uint8_t>)>;
  // Kernel errors come back from the decoder as SysError with its errno.
  Expected<void> transact(const Bytes& request, const Decoder& decode);

 private:
  explicit Socket(mnl_socket* nl, std::uint32_t seq) : nl_(nl), seq_(seq) {}
  mnl_socket* nl_;
  std::uint32_t seq_;
};

}  // namespace nvmetctl::nldev
