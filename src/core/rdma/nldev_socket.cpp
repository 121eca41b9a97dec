#include "nldev_socket.h"

#include <libmnl/libmnl.h>

#include <cerrno>
#include <ctime>
#include <vector>

#include "nvmetctl/rdma/nldev_protocol.h"

namespace nvmetctl::nldev {

Expected<std::unique_ptr<Socket>> Socket::open() {
  mnl_socket* nl = mnl_socket_open(kNetlinkRdma);
  if (nl == nullptr) return sys_error(errno, "open rdma netlink", "");
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    int errnum = errno;
    mnl_socket_close(nl);
    return sys_error(errnum, "bind rdma netlink", "");
  }
  // A time-based first sequence number keeps replies to an earlier, crashed
  // run from matching ours.
  return std::unique_ptr<Socket>(new Socket(nl, static_cast<std::uint32_t>(std::time(nullptr))));
}

Socket::~Socket() { mnl_socket_close(nl_); }

Expected<void> Socket::transact(const Bytes& request, const Decoder& decode) {
  if (mnl_socket_sendto(nl_, request.data(), request.size()) < 0)
    return sys_error(errno, "send rdma netlink", "");
  // Dumps need room: the kernel sizes later dump chunks to our buffer.
  constexpr std::size_t kReceiveBufferSize = 32768;
  std::vector<std::uint8_t> buffer(kReceiveBufferSize);
  for (;;) {
    ssize_t received = mnl_socket_recvfrom(nl_, buffer.data(), buffer.size());
    if (received < 0) {
      if (errno == EINTR) continue;
      return sys_error(errno, "receive rdma netlink", "");
    }
    auto progress = decode(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(received)));
    if (!progress) return progress.error();
    if (*progress == ReplyProgress::Done) return {};
  }
}

}  // namespace nvmetctl::nldev
