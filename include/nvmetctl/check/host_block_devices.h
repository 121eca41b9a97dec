#pragma once
// Which block device the host made for a namespace of one controller, as
// sysfs shows it: with native multipath the controller holds a hidden path
// disk (nvme0c3n1) and the device is the subsystem's head (nvme0n1, whose
// number is the head's instance, not the nsid); without it, nvme3n1 itself.
#include <cstdint>
#include <map>
#include <string>

#include "nvmetctl/system_paths.h"

namespace nvmetctl {

// nsid -> /dev/<name> for the controller's namespaces that have a block device now.
std::map<std::uint32_t, std::string> host_block_devices(const SystemPaths& paths, const std::string& controller);

}  // namespace nvmetctl
