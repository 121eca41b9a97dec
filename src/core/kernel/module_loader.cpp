#include "nvmetctl/kernel/module_loader.h"

#include <algorithm>

#include "nvmetctl/util/sys_files.h"

namespace nvmetctl {

std::string to_string(ModuleState state) {
  switch (state) {
    case ModuleState::NotLoaded: return "not loaded";
    case ModuleState::Loaded: return "loaded";
    case ModuleState::BuiltIn: return "built-in";
    case ModuleState::Unavailable: return "unavailable";
  }
  return "unknown";
}

std::string to_string(ModuleAction action) {
  switch (action) {
    case ModuleAction::Loaded: return "loaded";
    case ModuleAction::AlreadyLoaded: return "already loaded";
    case ModuleAction::BuiltIn: return "built-in";
  }
  return "unknown";
}

Expected<std::string> read_kernel_release(const SystemPaths& paths) {
  const std::string path = paths.proc + "/sys/kernel/osrelease";
  auto release = sys_files::read_trimmed(path);
  if (!release || release->empty()) {
    return sys_error(release ? ENODATA : ENOENT, "read kernel release", path);
  }
  return *release;
}

std::string normalize_module_name(const std::string& name) {
  std::string normalized = name;
  std::replace(normalized.begin(), normalized.end(), '-', '_');
  return normalized;
}

}  // namespace nvmetctl
