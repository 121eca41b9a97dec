#pragma once
// Wire constants of the RDMA netlink "nldev" client (include/uapi/rdma/
// rdma_netlink.h). Spelled out here rather than included because the values
// are stable ABI (identical in 6.1, 6.12, 6.19) and the libc uapi header on
// a build host may predate some of them.
#include <cstddef>
#include <cstdint>

namespace nvmetctl::nldev {

inline constexpr int kNetlinkRdma = 20;  // NETLINK_RDMA
inline constexpr std::uint16_t kClient = 5;  // RDMA_NL_NLDEV

// RDMA netlink has no genetlink header: the client rides in nlmsg_type.
constexpr std::uint16_t message_type(std::uint16_t op) {
  return static_cast<std::uint16_t>((kClient << 10) + op);
}

namespace cmd {
inline constexpr std::uint16_t kGet = 1;      // device info; dumpable
inline constexpr std::uint16_t kNewLink = 3;
inline constexpr std::uint16_t kDelLink = 4;
inline constexpr std::uint16_t kPortGet = 5;  // dumpable per device only
}  // namespace cmd

namespace attr {
inline constexpr std::uint16_t kDevIndex = 1;      // u32
inline constexpr std::uint16_t kDevName = 2;       // string
inline constexpr std::uint16_t kPortIndex = 3;     // u32; port count in GET replies
inline constexpr std::uint16_t kPortState = 12;    // u8
inline constexpr std::uint16_t kNdevIndex = 50;    // u32
inline constexpr std::uint16_t kNdevName = 51;     // string
inline constexpr std::uint16_t kLinkType = 65;     // string
inline constexpr std::uint16_t kDevProtocol = 67;  // string
}  // namespace attr

inline constexpr std::size_t kDeviceNameMax = 64;   // IB_DEVICE_NAME_MAX, with NUL
inline constexpr std::size_t kNetdevNameMax = 16;   // IFNAMSIZ, with NUL
inline constexpr std::size_t kLinkTypeMax = 16;

inline constexpr int kPortStateActive = 4;  // IB_PORT_ACTIVE

}  // namespace nvmetctl::nldev
