#pragma once
// Every system location nvmetctl touches. Tests point these elsewhere; the
// defaults are the real paths on a storage node.
#include <string>

namespace nvmetctl {

struct SystemPaths {
  std::string configfs = "/sys/kernel/config";   // configfs mount point
  std::string sysfs = "/sys";
  std::string proc = "/proc";
  std::string kmsg = "/dev/kmsg";
  std::string debugfs = "/sys/kernel/debug";
  std::string modules_dir = "/lib/modules";      // where libkmod finds modules
  std::string lock_file = "/run/nvmetctl.lock";
  std::string tls_keyring = ".nvme";               // the kernel keyring of NVMe TLS PSKs
  std::string run_dir = "/run/nvmetctl";         // the crash journal (tmpfs, root only)
  std::string boot = "/boot";                    // config-<release> for kernel options
  std::string dev = "/dev";                      // device nodes and udev's disk/by-id links

  std::string nvmet_root() const { return configfs + "/nvmet"; }
};

}  // namespace nvmetctl
