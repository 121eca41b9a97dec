#pragma once
// `nvmetctl status`: the live target as an operator reads it. Subsystems with
// their namespaces (enabled, device, size) and connected hosts; ports with
// their state, address and the RDMA device serving them. Connected hosts come
// from debugfs (<debugfs>/nvmet/<subsystem>/ctrl<N>/), which kernels 6.11 and
// later have with CONFIG_NVME_TARGET_DEBUGFS.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
  std::string device;                      // "" when unset
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
  std::string rdma_device;   // rdma ports: the device serving traddr
  std::string rdma_problem;  // rdma ports: why none does
  std::vector<std::pair<std::uint32_t, std::string>> ana_groups;  // non-default ones and group 1
  std::vector<std::string> referrals;
  // tcp ports: established connections by peer address, from
  // <proc>/net/tcp{,6} (every kernel; one per NVMe queue).
  std::vector<std::pair<std::string, int>> tcp_peers;
};

struct TcpConnection {
  std::string local_address, remote_address;
  std::uint16_t local_port = 0;
};
// ESTABLISHED sockets from <proc>/net/tcp and <proc>/net/tcp6.
std::vector<TcpConnection> read_tcp_connections(const std::string& proc_root);

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
  std::string subsystem;               // only this subsystem (and ports linking it)
  std::optional<std::uint16_t> port;   // only this port (and subsystems on it)
};

// Size of a block device (from <sysfs>/dev/block/<maj>:<min>/size) or of a
// regular file; nullopt when the path is missing or neither.
std::optional<std::uint64_t> backing_device_size(const std::string& path, const SystemPaths& paths);

// Controllers of one subsystem from <debugfs>/nvmet/<nqn>/ctrl<N>/.
std::vector<ConnectedController> read_connected_controllers(const std::string& debugfs_nvmet,
                                                            const std::string& nqn);

// network may be null (no RDMA device lookup then).
TargetStatus build_target_status(const Target& live, const SystemPaths& paths, NetworkInfo* network,
                                 const std::vector<RdmaDevice>& rdma_devices, const StatusFilter& filter = {});

nlohmann::json status_to_json(const TargetStatus& status);
void print_status_tree(std::ostream& out, const TargetStatus& status);
std::string human_size(std::uint64_t bytes);

}  // namespace nvmetctl
