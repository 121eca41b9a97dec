#pragma once
// Everything apply may change, behind interfaces, so tests can substitute
// fakes for the kernel's module loader, RDMA netlink and configfs.
#include "nvmetctl/configfs/config_fs.h"
#include "nvmetctl/expected.h"
#include "nvmetctl/kernel/kernel_log.h"
#include "nvmetctl/kernel/module_loader.h"
#include "nvmetctl/plan/operation.h"
#include "nvmetctl/rdma/rdma_links.h"
#include "nvmetctl/tls/psk_keyring.h"

namespace nvmetctl {

class ConfigfsMounter {
 public:
  virtual ~ConfigfsMounter() = default;
  virtual Expected<void> mount(const std::string& mount_point) = 0;
};

class RealConfigfsMounter final : public ConfigfsMounter {
 public:
  Expected<void> mount(const std::string& mount_point) override;
};

struct Environment {
  ConfigFs& fs;
  ModuleLoader* modules = nullptr;
  RdmaLinks* rdma = nullptr;
  ConfigfsMounter* mounter = nullptr;
  KernelLog* kernel_log = nullptr;
  PskKeyring* keyring = nullptr;
};

Expected<void> run_operation(Environment& env, const Operation& op);

}  // namespace nvmetctl
