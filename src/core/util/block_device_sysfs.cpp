#include "nvmetctl/util/block_device_sysfs.h"

#include <sys/sysmacros.h>

#include <charconv>

#include "nvmetctl/util/sys_files.h"

namespace nvmetctl {

std::string block_device_sysfs_dir(const SystemPaths& paths, dev_t device) {
  return paths.sysfs + "/dev/block/" + std::to_string(major(device)) + ":" + std::to_string(minor(device));
}

std::optional<std::uint64_t> block_device_bytes(const SystemPaths& paths, dev_t device) {
  auto text = sys_files::read_trimmed(block_device_sysfs_dir(paths, device) + "/size");
  if (!text || text->empty()) return std::nullopt;
  std::uint64_t sectors = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), sectors);
  if (error != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return sectors * 512;
}

}  // namespace nvmetctl
