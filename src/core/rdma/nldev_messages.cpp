#include "nvmetctl/rdma/nldev_messages.h"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "nvmetctl/rdma/nldev_protocol.h"

namespace nvmetctl::nldev {
namespace {

// Builds one request in a buffer sized for the largest message we send.
class Request {
 public:
  Request(std::uint16_t op, std::uint16_t flags, std::uint32_t seq)
      : buffer_(static_cast<std::size_t>(MNL_SOCKET_BUFFER_SIZE)), nlh_(mnl_nlmsg_put_header(buffer_.data())) {
    nlh_->nlmsg_type = message_type(op);
    nlh_->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | flags);
    nlh_->nlmsg_seq = seq;
  }
  Request& u32(std::uint16_t type, std::uint32_t value) {
    mnl_attr_put_u32(nlh_, type, value);
    return *this;
  }
  Request& str(std::uint16_t type, const std::string& value) {
    mnl_attr_put_strz(nlh_, type, value.c_str());
    return *this;
  }
  Bytes finish() {
    buffer_.resize(nlh_->nlmsg_len);
    return std::move(buffer_);
  }

 private:
  Bytes buffer_;
  nlmsghdr* nlh_;
};

std::string string_of(const nlattr* attr) {
  const auto* text = static_cast<const char*>(mnl_attr_get_payload(attr));
  return std::string(text, strnlen(text, mnl_attr_get_payload_len(attr)));
}

bool is_u32(const nlattr* attr) { return mnl_attr_get_payload_len(attr) >= sizeof(std::uint32_t); }
bool is_u8(const nlattr* attr) { return mnl_attr_get_payload_len(attr) >= sizeof(std::uint8_t); }

int device_attribute(const nlattr* attr, void* data) {
  auto& device = *static_cast<DeviceAttributes*>(data);
  switch (mnl_attr_get_type(attr)) {
    case attr::kDevIndex:
      if (is_u32(attr)) device.index = mnl_attr_get_u32(attr);
      break;
    case attr::kDevName: device.name = string_of(attr); break;
    case attr::kDevProtocol: device.protocol = string_of(attr); break;
    case attr::kPortIndex:
      if (is_u32(attr)) device.port_count = mnl_attr_get_u32(attr);
      break;
    default: break;
  }
  return MNL_CB_OK;
}

int port_attribute(const nlattr* attr, void* data) {
  auto& port = *static_cast<PortAttributes*>(data);
  switch (mnl_attr_get_type(attr)) {
    case attr::kPortIndex:
      if (is_u32(attr)) port.port = mnl_attr_get_u32(attr);
      break;
    case attr::kPortState:
      if (is_u8(attr)) port.state = mnl_attr_get_u8(attr);
      break;
    case attr::kNdevName: port.netdev = string_of(attr); break;
    case attr::kNdevIndex:
      if (is_u32(attr)) port.netdev_index = mnl_attr_get_u32(attr);
      break;
    default: break;
  }
  return MNL_CB_OK;
}

int collect_device(const nlmsghdr* nlh, void* data) {
  if (nlh->nlmsg_type != message_type(cmd::kGet)) return MNL_CB_OK;
  DeviceAttributes parsed;
  mnl_attr_parse(nlh, 0, device_attribute, &parsed);
  static_cast<std::vector<DeviceAttributes>*>(data)->push_back(std::move(parsed));
  return MNL_CB_OK;
}

// The kernel answers a single PORT_GET with message type GET (only its dump
// replies say PORT_GET), so both types carry port attributes here.
int collect_port(const nlmsghdr* nlh, void* data) {
  if (nlh->nlmsg_type != message_type(cmd::kGet) && nlh->nlmsg_type != message_type(cmd::kPortGet))
    return MNL_CB_OK;
  PortAttributes parsed;
  mnl_attr_parse(nlh, 0, port_attribute, &parsed);
  static_cast<std::vector<PortAttributes>*>(data)->push_back(std::move(parsed));
  return MNL_CB_OK;
}

// How many leading bytes of the datagram are whole messages. libmnl 1.0.4
// compares nlmsg_len with the bytes left as an int, so a length of 2 GiB or
// more passed its check and the attribute walk ran off the buffer (found by
// fuzz/fuzz_nldev_messages.cpp); the kernel sends whole messages only.
std::size_t framed_length(std::span<const std::uint8_t> datagram) {
  std::size_t offset = 0;
  while (offset < datagram.size() && datagram.size() - offset >= sizeof(nlmsghdr)) {
    std::uint32_t length = 0;
    std::memcpy(&length, datagram.data() + offset, sizeof length);  // nlmsg_len comes first
    if (length < sizeof(nlmsghdr) || length > datagram.size() - offset) break;
    offset += NLMSG_ALIGN(length);
  }
  return std::min(offset, datagram.size());
}

// mnl_cb_run reports kernel errors and framing problems through errno.
Expected<ReplyProgress> run(std::span<const std::uint8_t> datagram, std::uint32_t seq,
                            mnl_cb_t callback, void* data) {
  const std::size_t framed = framed_length(datagram);
  // libmnl walks a message's attributes up to its aligned end: a last
  // message of unaligned length gets zero padding instead of the bytes
  // after the buffer.
  std::vector<std::uint8_t> padded;
  const std::uint8_t* bytes = datagram.data();
  if (framed % NLMSG_ALIGNTO != 0) {
    padded.assign(datagram.begin(), datagram.begin() + static_cast<std::ptrdiff_t>(framed));
    padded.resize(NLMSG_ALIGN(framed), 0);
    bytes = padded.data();
  }
  errno = 0;
  int rc = mnl_cb_run(bytes, framed, seq, 0, callback, data);
  if (rc < 0) return sys_error(errno != 0 ? errno : EBADMSG, "rdma netlink", "");
  if (rc == MNL_CB_STOP) return ReplyProgress::Done;
  // Bytes that are not a whole message: a reply cut short or corrupt.
  if (framed < datagram.size()) return sys_error(EBADMSG, "rdma netlink", "");
  return ReplyProgress::More;
}

}  // namespace

Bytes encode_get_dump(std::uint32_t seq) {
  return Request(cmd::kGet, NLM_F_DUMP, seq).finish();
}

Bytes encode_port_get(std::uint32_t seq, std::uint32_t dev_index, std::uint32_t port) {
  // NLM_F_ACK so the single reply is followed by an ACK that ends it.
  return Request(cmd::kPortGet, NLM_F_ACK, seq)
      .u32(attr::kDevIndex, dev_index)
      .u32(attr::kPortIndex, port)
      .finish();
}

Bytes encode_new_link(std::uint32_t seq, const std::string& name, const std::string& link_type,
                      const std::string& netdev) {
  return Request(cmd::kNewLink, NLM_F_ACK, seq)
      .str(attr::kDevName, name)
      .str(attr::kLinkType, link_type)
      .str(attr::kNdevName, netdev)
      .finish();
}

Bytes encode_del_link(std::uint32_t seq, std::uint32_t dev_index) {
  return Request(cmd::kDelLink, NLM_F_ACK, seq).u32(attr::kDevIndex, dev_index).finish();
}

Expected<ReplyProgress> decode_devices(std::span<const std::uint8_t> datagram, std::uint32_t seq,
                                       std::vector<DeviceAttributes>& out) {
  return run(datagram, seq, collect_device, &out);
}

Expected<ReplyProgress> decode_ports(std::span<const std::uint8_t> datagram, std::uint32_t seq,
                                     std::vector<PortAttributes>& out) {
  return run(datagram, seq, collect_port, &out);
}

Expected<ReplyProgress> decode_ack(std::span<const std::uint8_t> datagram, std::uint32_t seq) {
  return run(datagram, seq, nullptr, nullptr);
}

}  // namespace nvmetctl::nldev
