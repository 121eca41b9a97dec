#pragma once
// Where sysfs describes a block device, and the size it reports there. The
// doctor (does the namespace's device exist, how big, who holds it) and
// status (namespace sizes) both ask.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "nvmetctl/system_paths.h"

namespace nvmetctl {

// <sysfs>/dev/block/MAJOR:MINOR
std::string block_device_sysfs_dir(const SystemPaths& paths, dev_t device);

// Bytes, from the dir's `size` (always in 512-byte sectors, whatever the
// device's logical block size); nullopt when unreadable or not a number.
std::optional<std::uint64_t> block_device_bytes(const SystemPaths& paths, dev_t device);

}  // namespace nvmetctl
