#pragma once
// The kernel names block devices in probe order (/dev/sdb, /dev/nvme0n1,
// /dev/loop3): after a reboot or a hot-plug the same name can be another
// disk, and a namespace would export it. udev's /dev/disk/by-id links name a
// device by what it is. (by-uuid is left out on purpose: a filesystem UUID
// is content the remote host writes, and clones share it.)
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nvmetctl/model/target.h"

namespace nvmetctl {

// `path` is <dev>/<a name the kernel hands out in probe order>: sdX, vdX,
// xvdX, hdX, nvmeXnY, loopN, dm-N, nbdN, mdN and their partitions.
bool is_kernel_device_name(const std::string& path, const std::string& dev_root);

// Finds, for kernel device names, the udev link that names the same device.
// <dev>/disk/by-id is read once, and only on the first question.
class StableDeviceNames {
 public:
  explicit StableDeviceNames(std::string dev_root) : dev_root_(std::move(dev_root)) {}
  // The link under <dev>/disk/by-id that resolves to the same device as
  // `path`; nullopt when `path` is no kernel name or no link points at it.
  // A name of the medium itself (wwn-, nvme-eui., nvme-uuid.) comes before
  // one made of model and serial.
  std::optional<std::string> stable_name(const std::string& path);

 private:
  void load();

  std::string dev_root_;
  bool loaded_ = false;
  std::map<std::string, std::vector<std::string>> links_by_target_;  // canonical device -> links, best first
};

// export --stable-paths: each namespace device_path that is a kernel name
// becomes its by-id link, where there is one.
void use_stable_device_names(Target& target, const std::string& dev_root);

}  // namespace nvmetctl
