#include "nvmetctl/kernel/kernel_facts_reader.h"
#include "nvmetctl/util/phase_profile.h"

#include <fstream>
#include <sstream>

namespace nvmetctl {

KernelFacts read_kernel_facts(const SystemPaths& paths, const std::string& release) {
  ProfiledPhase profiled("facts");
  KernelFacts facts;
  facts.version = parse_kernel_release(release);
  std::ifstream config(paths.boot + "/config-" + release);
  std::string line;
  while (std::getline(config, line)) {
    if (line.rfind("CONFIG_NVME", 0) != 0 && line.rfind("CONFIG_BLK_DEV_INTEGRITY", 0) != 0 &&
        line.rfind("CONFIG_PCI_P2PDMA", 0) != 0 && line.rfind("# CONFIG_", 0) != 0)
      continue;
    if (line.rfind("# ", 0) == 0) {
      auto end = line.find(" is not set");
      if (end != std::string::npos) facts.config[line.substr(2, end - 2)] = false;
      continue;
    }
    auto eq = line.find('=');
    if (eq != std::string::npos) facts.config[line.substr(0, eq)] = line.substr(eq + 1) != "n";
  }
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
