#pragma once
// `nvmetctl status`: the live target as an operator reads it. Subsystems with
// their namespaces (enabled, device, size) and connected hosts; ports with
// their state, address and the RDMA device serving them. Connected hosts come
// from debugfs (<debugfs>/nvmet/<subsystem>/ctrl<N>/), which kernels 6.11 and
// later have with CONFIG_NVME_TARGET_DEBUGFS.
//
// This header holds the status model and its projection from the live target;
// status_sources.h reads the system, status_render.h prints the result.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nvmetctl/model/target.h"
#include "nvmetctl/net/network_info.h"
#include "nvmetctl/rdma/rdma_device.h"
#include "nvmetctl/system_paths.h"

namespace nvmetctl {

struct ConnectedController {
  std::string subsystem;
  std::uint32_t cntlid = 0;
  std::optional<std::uint16_t> port;
  std::string hostnqn;
  std::string host_traddr;  // empty when the transport does not say
  std::string state;        // CSTS bits, e.g. "ready"
  std::string kato;         // seconds, as the kernel shows it
};

struct NamespaceStatus {
  std::uint32_t nsid = 0;
  bool enabled = false;
  std::string device;  // "" when unset
  bool device_present = false;
  std::optional<std::uint64_t> size_bytes;  // block device or file size
  std::uint32_t ana_grpid = 1;
};

struct SubsystemStatus {
  std::string nqn;
  bool allow_any_host = false;
  std::vector<std::string> allowed_hosts;
  std::vector<NamespaceStatus> namespaces;
  std::optional<std::string> passthru_device;
  bool passthru_enabled = false;
  std::vector<std::uint16_t> ports;  // ports it is linked to
  std::vector<ConnectedController> controllers;
};

struct PortStatus {
  std::uint16_t id = 0;
  bool enabled = false;  // linked to at least one subsystem
  std::string trtype, adrfam, traddr, trsvcid;
  std::vector<std::string> subsystems;
  std::string rdma_device;                                        // rdma ports: the device serving traddr
  std::string rdma_problem;                                       // rdma ports: why none does
  std::vector<std::pair<std::uint32_t, std::string>> ana_groups;  // non-default ones and group 1
  std::vector<std::string> referrals;
  // tcp ports: established connections by peer address, from
  // <proc>/net/tcp{,6} (every kernel; one per NVMe queue).
  std::vector<std::pair<std::string, int>> tcp_peers;
};

struct TargetStatus {
  bool nvmet_loaded = true;
  // nullopt: debugfs has no nvmet directory (not mounted, kernel before 6.11,
  // or CONFIG_NVME_TARGET_DEBUGFS off), so connected hosts are unknown.
  std::optional<std::string> debugfs_dir;
  std::vector<SubsystemStatus> subsystems;
  std::vector<PortStatus> ports;
  std::vector<std::string> hosts;  // hosts/ entries
};

struct StatusFilter {
  std::string subsystem;              // only this subsystem (and ports linking it)
  std::optional<std::uint16_t> port;  // only this port (and subsystems on it)
};

// network may be null (no RDMA device lookup then).
TargetStatus build_target_status(const Target& live, const SystemPaths& paths, NetworkInfo* network,
                                 const std::vector<RdmaDevice>& rdma_devices, const StatusFilter& filter = {});

}  // namespace nvmetctl
