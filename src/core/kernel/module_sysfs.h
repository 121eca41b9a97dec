#pragma once
// What <sysfs>/module/<name> says about a module. Read through SystemPaths
// rather than libkmod, whose checks hardcode /sys, so tests can fake it.
#include <string>
#include <vector>

#include "nvmetctl/system_paths.h"

namespace nvmetctl::module_sysfs {

enum class Presence {
  Absent,    // not in the kernel
  Loadable,  // loaded module: has an initstate file
  BuiltIn,   // directory without initstate: built in with parameters
};

// kernel_name uses underscores, as the kernel names /sys/module entries.
Presence presence(const SystemPaths& paths, const std::string& kernel_name);

struct Usage {
  int refcount = -1;                 // -1 when unknown
  std::vector<std::string> holders;  // modules that depend on it
};

Usage usage(const SystemPaths& paths, const std::string& kernel_name);

// "in use by nvmet_rdma (reference count 2)", for EBUSY reasons.
std::string describe_in_use(const Usage& usage);

}  // namespace nvmetctl::module_sysfs
