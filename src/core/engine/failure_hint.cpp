#include "nvmetctl/engine/failure_hint.h"

#include <cerrno>
#include <regex>

#include "nvmetctl/kernel/module_names.h"

namespace nvmetctl {
namespace {

bool logged(const std::vector<KernelLogLine>& log, const std::string& needle, std::smatch* match = nullptr,
            const std::regex* pattern = nullptr) {
  for (const auto& line : log) {
    if (pattern) {
      if (std::regex_search(line.text, *match, *pattern)) return true;
    } else if (line.text.find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string base_name(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }
std::string dir_name(const std::string& path) { return path.substr(0, path.find_last_of('/')); }

}  // namespace

FailureExplanation explain_failure(const Operation& op, const SysError& error,
                                   const std::vector<KernelLogLine>& log) {
  int e = error.errnum;
  std::smatch m;
  if (op.kind == OpKind::Symlink && op.path.find("/ports/") != std::string::npos) {
    static const std::regex transport("transport type (\\d+) not supported");
    if (e == EINVAL && logged(log, "", &m, &transport)) {
      int id = std::stoi(m[1]);
      auto name = transport_name(id);
      std::string module;
      for (const auto& t : kTransportModules)
        if (t.id == id) module = std::string(t.module);
      if (id == 0 && !name) return {"the port's trtype was never set", "set trtype for the port in the file"};
      return {"the kernel has no " + std::string(name.value_or("?")) + " transport: module " + module +
                  " is not loaded and could not be loaded",
              "modprobe " + module + " (and check 'dmesg' for why it failed to load)"};
    }
    if (e == EADDRNOTAVAIL)
      return {"the port's traddr is not assigned to any local interface",
              "ip addr add <traddr>/<prefix> dev <netdev>, or change traddr in the file"};
    if (e == ENODEV)
      return {"the port's traddr is local, but no RDMA device covers its interface",
              "rdma link add rxe_<netdev> type rxe netdev <netdev> (or declare it under rdma_links)"};
    if (e == EADDRINUSE)
      return {"another listener already uses this address and port (another nvmet port?)",
              "change trsvcid, or remove the other port"};
    if (e == EINVAL && logged(log, "not supported"))
      return {"the transport refused the port's address family", "check adrfam and traddr"};
    if (e == EINVAL && logged(log, "malformed ip/port"))
      return {"the transport could not parse traddr/trsvcid", "use a literal IP address and a decimal port"};
  }
  if (op.kind == OpKind::Write && base_name(op.path) == "enable" && dir_name(dir_name(op.path)).find("namespaces") != std::string::npos) {
    if (e == ENOENT) return {"the namespace's device_path does not exist", "create the device or fix device_path"};
    if (e == EINVAL && logged(log, "failed to open file"))
      return {"the backing file's filesystem refuses O_DIRECT (tmpfs on 6.1)", "set buffered_io: true for this namespace"};
    if (e == EINVAL) return {"the kernel refused the namespace's device", "check device_path (block device or regular file)"};
    if (e == EBUSY) return {"the device is held exclusively by something else", "check 'lsblk' and mounts of the device"};
    if (e == EMFILE) return {"the subsystem already has 1024 namespaces", "use another subsystem"};
  }
  if (op.kind == OpKind::Write && e == EACCES && logged(log, "Disable port"))
    return {"the port is enabled (it has subsystem links); the kernel refuses address changes",
            "let nvmetctl apply do it: it unlinks, writes and relinks"};
  if (op.kind == OpKind::Write && e == EINVAL && logged(log, "already assigned"))
    return {"a host has identified the subsystem; the kernel froze its identity",
            "re-run with --allow-recreate to recreate the subsystem"};
  if (op.kind == OpKind::Mkdir && e == EPERM)
    return {"configfs is not mounted or the nvmet module is not loaded",
            "mount -t configfs none /sys/kernel/config; modprobe nvmet"};
  if (e == EPERM || e == EACCES)
    return {"permission denied", "run nvmetctl as root (it needs CAP_SYS_ADMIN)"};
  return {};
}

}  // namespace nvmetctl
