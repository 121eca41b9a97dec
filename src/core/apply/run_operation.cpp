#include <sys/mount.h>

#include <cerrno>

#include "nvmetctl/apply/environment.h"

namespace nvmetctl {

Expected<void> RealConfigfsMounter::mount(const std::string& mount_point) {
  if (::mount("configfs", mount_point.c_str(), "configfs", 0, nullptr) != 0)
    return sys_error(errno, "mount configfs on", mount_point);
  return {};
}

Expected<void> run_operation(Environment& env, const Operation& op) {
  switch (op.kind) {
    case OpKind::Mkdir: return env.fs.make_dir(op.path);
    case OpKind::Rmdir: return env.fs.remove_dir(op.path);
    case OpKind::Write: return env.fs.write(op.path, op.value);
    case OpKind::Symlink: return env.fs.make_link(op.value, op.path);
    case OpKind::Unlink: return env.fs.remove_link(op.path);
    case OpKind::MountConfigfs:
      if (!env.mounter) return logic_error("mount configfs on", op.path, "no mounter configured");
      return env.mounter->mount(op.path);
    case OpKind::LoadModule: {
      if (!env.modules) return logic_error("load module", op.path, "no module loader configured");
      auto report = env.modules->load(op.path);
      if (!report) return report.error();
      return {};
    }
    case OpKind::UnloadModule:
      if (!env.modules) return logic_error("unload module", op.path, "no module loader configured");
      return env.modules->unload(op.path);
    case OpKind::AddRdmaLink:
      if (!env.rdma) return logic_error("add rdma link", op.path, "no RDMA netlink configured");
      return env.rdma->add(op.path, op.value, op.detail);
    case OpKind::RemoveRdmaLink:
      if (!env.rdma) return logic_error("remove rdma link", op.path, "no RDMA netlink configured");
      return env.rdma->remove(op.path);
  }
  return logic_error("run", op.path, "unknown operation");
}

}  // namespace nvmetctl
