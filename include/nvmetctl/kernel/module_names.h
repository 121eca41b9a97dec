#pragma once
// Which kernel module provides a transport or an RDMA link type. The kernel
// autoloads some of these through aliases, but not all (nvmet-fc has no
// alias), and an autoload failure surfaces only as an opaque EINVAL, so
// nvmetctl loads them explicitly and by name.
#include <optional>
#include <string_view>

namespace nvmetctl {

// The target core; every transport module depends on it.
inline constexpr std::string_view kTargetCoreModule = "nvmet";

struct TransportModule {
  std::string_view trtype;   // addr_trtype value in configfs
  int id;                    // NVMF_TRTYPE_* as the kernel logs it
  std::string_view module;   // modprobe name
};

// pci (6.14+) is listed so that "transport type 0" log lines can be named.
inline constexpr TransportModule kTransportModules[] = {
    {"rdma", 1, "nvmet-rdma"},
    {"fc", 2, "nvmet-fc"},
    {"tcp", 3, "nvmet-tcp"},
    {"loop", 254, "nvme-loop"},
    {"pci", 0, "nvmet-pci-epf"},
};

struct LinkTypeModule {
  std::string_view link_type;  // `rdma link add ... type <link_type>`
  std::string_view module;
};

inline constexpr LinkTypeModule kLinkTypeModules[] = {
    {"rxe", "rdma_rxe"},
    {"siw", "siw"},
};

constexpr std::optional<std::string_view> transport_module(std::string_view trtype) {
  for (const auto& t : kTransportModules)
    if (t.trtype == trtype) return t.module;
  return std::nullopt;
}

constexpr std::optional<int> transport_id(std::string_view trtype) {
  for (const auto& t : kTransportModules)
    if (t.trtype == trtype) return t.id;
  return std::nullopt;
}

// For kernel log lines such as "nvmet: transport type 1 not supported".
constexpr std::optional<std::string_view> transport_name(int id) {
  for (const auto& t : kTransportModules)
    if (t.id == id) return t.trtype;
  return std::nullopt;
}

constexpr std::optional<std::string_view> link_type_module(std::string_view link_type) {
  for (const auto& l : kLinkTypeModules)
    if (l.link_type == link_type) return l.module;
  return std::nullopt;
}

}  // namespace nvmetctl
