#pragma once
// What `nvmetctl status` reads from the running system besides configfs:
// established tcp connections, backing device sizes and, where debugfs has
// them, the controllers hosts hold on each subsystem.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nvmetctl/status/target_status.h"
#include "nvmetctl/system_paths.h"

namespace nvmetctl {

struct TcpConnection {
  std::string local_address, remote_address;
  std::uint16_t local_port = 0;
};
// ESTABLISHED sockets from <proc>/net/tcp and <proc>/net/tcp6.
std::vector<TcpConnection> read_tcp_connections(const std::string& proc_root);

// Size of a block device (from <sysfs>/dev/block/<maj>:<min>/size) or of a
// regular file; nullopt when the path is missing or neither.
std::optional<std::uint64_t> backing_device_size(const std::string& path, const SystemPaths& paths);

// Controllers of one subsystem from <debugfs>/nvmet/<nqn>/ctrl<N>/.
std::vector<ConnectedController> read_connected_controllers(const std::string& debugfs_nvmet, const std::string& nqn);

}  // namespace nvmetctl
