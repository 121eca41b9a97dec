#pragma once
#include <string>

#include "nvmetctl/model/kernel_version.h"
#include "nvmetctl/system_paths.h"

namespace nvmetctl {

// Kernel version from the release string and, when /boot has it, the build
// configuration options that decide which nvmet attributes exist.
KernelFacts read_kernel_facts(const SystemPaths& paths, const std::string& release);

// Whether configfs is mounted at the given path, from <proc>/mounts.
bool configfs_mounted_at(const SystemPaths& paths, const std::string& mount_point);

}  // namespace nvmetctl
