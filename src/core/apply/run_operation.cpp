#include <sys/mount.h>

#include <cerrno>
#include <optional>

#include "nvmetctl/apply/environment.h"
#include "nvmetctl/util/parse_number.h"

namespace nvmetctl {

Expected<void> RealConfigfsMounter::mount(const std::string& mount_point) {
  if (::mount("configfs", mount_point.c_str(), "configfs", 0, nullptr) != 0)
    return sys_error(errno, "mount configfs on", mount_point);
  return {};
}

namespace {

// The displaced key's serial, as the plan wrote it into the step. Anything
// else is refused, never read as some other key's serial.
Expected<std::int32_t> serial_of(const Operation& op) {
  if (auto serial = parse_number<std::int32_t>(op.detail); serial && *serial > 0) return *serial;
  return logic_error("run", op.path, "'" + op.detail + "' is no key serial");
}

Expected<std::int32_t> serial_holding(PskKeyring& keyring, const std::string& identity) {
  auto entries = keyring.list();
  if (!entries) return entries.error();
  if (const KeyringEntry* entry = find_psk_entry(*entries, identity)) return entry->serial;
  return logic_error("find TLS PSK", identity, "no such key in the keyring");
}

Expected<void> run_tls_key_operation(PskKeyring& keyring, const Operation& op) {
  switch (op.kind) {
    case OpKind::AddTlsKey: {
      // The displaced key is kept alive, so a rollback can put it back.
      std::optional<std::int32_t> displaced;
      if (!op.detail.empty()) {
        auto serial = serial_of(op);
        if (!serial) return serial.error();
        if (auto kept = keyring.unlink(*serial); !kept) return kept;
        displaced = *serial;
      }
      auto added = keyring.add(op.path, secret_from_hex(op.value));
      if (!added) {
        // A failed step is not undone by the rollback: put the old key back here.
        if (displaced) (void)keyring.relink(*displaced);
        return added.error();
      }
      return {};
    }
    case OpKind::RemoveTlsKey: {
      auto serial = serial_holding(keyring, op.path);
      if (!serial) return serial.error();
      return keyring.unlink(*serial);
    }
    case OpKind::RelinkTlsKey: {
      auto serial = serial_of(op);
      if (!serial) return serial.error();
      return keyring.relink(*serial);
    }
    default: return logic_error("run", op.path, "not a TLS key operation");
  }
}

}  // namespace

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
    case OpKind::AddTlsKey:
    case OpKind::RemoveTlsKey:
    case OpKind::RelinkTlsKey:
      if (!env.keyring) return logic_error(op_kind_name(op.kind), op.path, "no keyring configured");
      return run_tls_key_operation(*env.keyring, op);
  }
  return logic_error("run", op.path, "unknown operation");
}

}  // namespace nvmetctl
