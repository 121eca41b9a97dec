#include "nvmetctl/check/host_block_devices.h"

#include <dirent.h>

#include <fstream>
#include <optional>
#include <regex>

namespace nvmetctl {
namespace {

std::optional<std::uint32_t> read_nsid(const std::string& path) {
  std::ifstream in(path);
  unsigned long value = 0;
  if (!(in >> value) || value == 0 || value > 0xffffffffUL) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

}  // namespace

std::map<std::uint32_t, std::string> host_block_devices(const SystemPaths& paths, const std::string& controller) {
  std::map<std::uint32_t, std::string> devices;
  const std::string dir = paths.sysfs + "/class/nvme/" + controller;
  // Names the kernel makes, bounded in length: no user input reaches this regex.
  static const std::regex path_disk(R"(nvme(\d{1,9})c\d{1,9}n(\d{1,9}))");
  static const std::regex own_disk(R"(nvme\d{1,9}n\d{1,9})");
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return devices;
  while (dirent* entry = readdir(d)) {
    const std::string name = entry->d_name;
    if (name.size() > 40) continue;
    std::smatch m;
    std::string disk;
    if (std::regex_match(name, m, path_disk)) disk = "nvme" + m[1].str() + "n" + m[2].str();
    else if (std::regex_match(name, own_disk) && name.rfind(controller + "n", 0) == 0) disk = name;
    else continue;
    auto nsid = read_nsid(dir + "/" + name + "/nsid");
    if (!nsid || read_nsid(paths.sysfs + "/block/" + disk + "/nsid") != nsid) continue;
    devices[*nsid] = "/dev/" + disk;
  }
  closedir(d);
  return devices;
}

}  // namespace nvmetctl
