#pragma once
// Query and load the kernel modules nvmetctl depends on, the way modprobe
// would (dependencies, blacklist, options and install lines from the modprobe
// configuration), without shelling out, so failures come back as precise
// errors instead of modprobe's stderr.
#include <memory>
#include <string>
#include <vector>

#include "nvmetctl/expected.h"
#include "nvmetctl/system_paths.h"

namespace nvmetctl {

enum class ModuleState {
  NotLoaded,    // installed for the running kernel, not in the kernel
  Loaded,       // loadable module currently in the kernel
  BuiltIn,      // compiled into the kernel: always there, never unloadable
  Unavailable,  // neither installed nor built in
};

enum class ModuleAction { Loaded, AlreadyLoaded, BuiltIn };

struct ModuleReport {
  std::string name;  // kernel's name for it: "nvmet_rdma" for "nvmet-rdma"
  ModuleAction action = ModuleAction::Loaded;
  // Dependencies this call inserted, in load order, so a caller that wants
  // to undo its own work knows what it added.
  std::vector<std::string> dependencies_loaded;
};

std::string to_string(ModuleState state);
std::string to_string(ModuleAction action);

// Abstract so the engine and the CLI can run against FakeModuleLoader.
// Names may use '-' or '_' and may be aliases ("nvmet-transport-1").
// Errors carry action "load module"/"unload module", the name as given, a
// user-facing reason, and an errnum that module_failure_hint() understands.
class ModuleLoader {
 public:
  virtual ~ModuleLoader() = default;
  virtual Expected<ModuleState> state(const std::string& name) = 0;
  // Loads dependencies first. Already loaded or built in is success.
  virtual Expected<ModuleReport> load(const std::string& name) = 0;
  // Not loaded is success. In use fails with EAGAIN/EBUSY and says by whom.
  // Dependencies are left alone: they may serve others.
  virtual Expected<void> unload(const std::string& name) = 0;
  virtual std::string kernel_release() const = 0;
};

// libkmod over <modules_dir>/<kernel release>, state from <sysfs>/module.
std::unique_ptr<ModuleLoader> make_kmod_module_loader(const SystemPaths& paths);

// Contents of <proc>/sys/kernel/osrelease, i.e. `uname -r`.
Expected<std::string> read_kernel_release(const SystemPaths& paths);

// The kernel's own spelling of a module name: '-' becomes '_'.
std::string normalize_module_name(const std::string& name);

}  // namespace nvmetctl
