#pragma once
// What must be in place before configfs can take the target: configfs
// mounted, nvmet and one module per transport loaded, Soft-RoCE/siw links
// created. Planned from the file and the machine's facts, never by trying.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nvmetctl/kernel/module_loader.h"
#include "nvmetctl/model/target.h"
#include "nvmetctl/plan/plan.h"
#include "nvmetctl/rdma/rdma_device.h"

namespace nvmetctl {

struct RequiredModule {
  std::string name;
  std::string reason;  // "for port 1 (trtype rdma)"
  SourceLocation where;
};

std::vector<RequiredModule> required_modules(const Target& desired);

struct SystemFacts {
  std::string kernel_release;
  bool configfs_mounted = false;
  std::map<std::string, ModuleState> modules;         // by requested name
  std::map<std::string, std::string> module_problems; // name -> why it cannot be loaded
  std::map<std::string, std::string> module_hints;    // name -> what to do about it
  std::optional<std::vector<RdmaDevice>> rdma_devices;  // nullopt: could not list
  std::string rdma_problem;                            // why not
  std::set<std::string> missing_netdevs;               // declared but absent
};

Plan plan_prerequisites(const Target& desired, const SystemFacts& facts, const std::string& configfs_mount);

}  // namespace nvmetctl
