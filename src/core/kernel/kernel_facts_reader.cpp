#include "nvmetctl/kernel/kernel_facts_reader.h"
#include "nvmetctl/util/phase_profile.h"

#include <fstream>
#include <sstream>

namespace nvmetctl {

namespace {

KernelConfig::Options read_kernel_config(const std::string& file) {
  ProfiledPhase profiled("facts: kernel config");
  KernelConfig::Options options;
  std::ifstream config(file);
  std::string line;
  while (std::getline(config, line)) {
    if (line.rfind("CONFIG_NVME", 0) != 0 && line.rfind("CONFIG_BLK_DEV_INTEGRITY", 0) != 0 &&
        line.rfind("CONFIG_PCI_P2PDMA", 0) != 0 && line.rfind("# CONFIG_", 0) != 0)
      continue;
    if (line.rfind("# ", 0) == 0) {
      auto end = line.find(" is not set");
      if (end != std::string::npos) options[line.substr(2, end - 2)] = false;
      continue;
    }
    auto eq = line.find('=');
    if (eq != std::string::npos) options[line.substr(0, eq)] = line.substr(eq + 1) != "n";
  }
  return options;
}

}  // namespace

KernelFacts read_kernel_facts(const SystemPaths& paths, const std::string& release) {
  KernelFacts facts;
  facts.version = parse_kernel_release(release);
  facts.config = KernelConfig([file = paths.boot + "/config-" + release] { return read_kernel_config(file); });
  return facts;
}

bool configfs_mounted_at(const SystemPaths& paths, const std::string& mount_point) {
  std::ifstream mounts(paths.proc + "/mounts");
  std::string line;
  while (std::getline(mounts, line)) {
    std::istringstream fields(line);
    std::string source, target, type;
    fields >> source >> target >> type;
    if (type == "configfs" && target == mount_point) return true;
  }
  return false;
}

}  // namespace nvmetctl
