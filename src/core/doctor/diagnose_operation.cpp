// The doctor's diagnosis of one refused operation: what apply reports when
// a step fails. Uses the same ids, causes and fixes as the live checks.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "check_util.h"
#include "nvmetctl/doctor/doctor.h"
#include "nvmetctl/kernel/kernel_facts_reader.h"
#include "nvmetctl/kernel/module_failure.h"
#include "nvmetctl/kernel/module_names.h"

namespace nvmetctl::doctor {
namespace {

std::string base_name(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }
std::string dir_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

const LogEvent* last_event(const std::vector<LogEvent>& events, LogEventKind kind) {
  for (auto it = events.rbegin(); it != events.rend(); ++it)
    if (it->kind == kind) return &*it;
  return nullptr;
}

// ".../nvmet/ports/1/subsystems/nqn" -> 1; ".../namespaces/10/enable" -> "namespace 10 of nqn"
std::string port_object_of(const std::string& path) {
  auto at = path.find("/ports/");
  if (at == std::string::npos) return "port";
  std::string rest = path.substr(at + 7);
  return "port " + rest.substr(0, rest.find('/'));
}

std::string namespace_object_of(const std::string& enable_path) {
  std::string ns_dir = dir_name(enable_path);
  std::string nsid = base_name(ns_dir);
  std::string subsystem = base_name(dir_name(dir_name(ns_dir)));
  return "namespace " + nsid + " of " + subsystem;
}

Finding with_log(Finding f, const LogEvent* e) {
  if (e) f.evidence.push_back("kernel log: " + e->line.stamped());
  return f;
}

// trtype names a transport the kernel lacks: unset, or its module missing.
Finding diagnose_missing_transport(const std::string& object, const LogEvent* t) {
  const auto F = FindingSeverity::Failure;
  auto name = transport_name(t->number);
  // 0 is also pci's id (6.14+), but an unset trtype reads the same.
  if (t->number == 0 || t->number == 255)
    return with_log({"trtype-unset", F, object, object + " has no trtype, so the kernel has no transport for it",
                     {}, "set trtype (tcp, rdma, loop or fc) for " + object + " in the file"},
                    t);
  std::string module;
  for (const auto& tm : kTransportModules)
    if (tm.id == t->number) module = std::string(tm.module);
  return with_log({"transport-module-missing", F, object,
                   "the kernel has no " + std::string(name.value_or("?")) + " transport: module " + module +
                       " is not loaded and could not be loaded",
                   {}, "modprobe " + module + "   # if that fails, 'nvmetctl doctor' says why"},
                  t);
}

// EINVAL on a link: the kernel log says which port attribute it refused.
Finding diagnose_link_refused_port(const std::string& object, const std::vector<LogEvent>& events) {
  const auto F = FindingSeverity::Failure;
  if (auto* t = last_event(events, LogEventKind::TransportNotSupported)) return diagnose_missing_transport(object, t);
  if (auto* a = last_event(events, LogEventKind::AddressFamilyUnsupported))
    return with_log({"adrfam-unset", F, object, "the transport refused the port's address family (adrfam)", {},
                     "set adrfam (ipv4 or ipv6) for " + object + " in the file"},
                    a);
  if (auto* m = last_event(events, LogEventKind::MalformedAddress))
    return with_log({"port-address-invalid", F, object, "the transport could not parse traddr/trsvcid", {},
                     "use a literal IP address and a decimal trsvcid for " + object}, m);
  if (auto* p = last_event(events, LogEventKind::PiUnsupported))
    return with_log({"port-pi-unsupported", F, object, "pi_enable is set, but only rdma supports T10-PI", {},
                     "remove pi_enable from " + object + " in the file"}, p);
  return {};
}

Finding diagnose_rdma_no_device(const std::string& object, const LogEvent* rdma, NetworkInfo* network,
                                const std::vector<RdmaDevice>* devices) {
  std::string interface = "<netdev>";
  if (network)
    if (auto owner = network->find_interface_for_address(rdma->address); owner && owner->has_value())
      interface = **owner;
  std::string devs;
  if (devices)
    for (const auto& d : *devices) devs += (devs.empty() ? "" : ", ") + d.name;
  Finding f{"rdma-no-device", FindingSeverity::Failure, object,
            rdma->address + " is on " + interface + ", which no RDMA device (rxe/siw link or RDMA NIC) covers", {},
            "rdma link add rxe_" + interface + " type rxe netdev " + interface +
                "   # or in the file: rdma_links: [{name: rxe_" + interface + ", type: rxe, netdev: " + interface + "}]"};
  if (devices) f.evidence.push_back("RDMA devices: " + (devs.empty() ? std::string("none") : devs));
  return with_log(std::move(f), rdma);
}

// Linking a subsystem to a port is when the kernel starts the listener, so
// port attribute and address problems surface here.
Finding diagnose_link(const Operation& op, int e, const std::vector<LogEvent>& events, NetworkInfo* network,
                      const std::vector<RdmaDevice>* devices) {
  std::string object = port_object_of(op.path);
  const auto F = FindingSeverity::Failure;
  if (e == EINVAL) return diagnose_link_refused_port(object, events);
  const LogEvent* rdma = last_event(events, LogEventKind::RdmaBindFailed);
  if (!rdma) rdma = last_event(events, LogEventKind::RdmaListenFailed);
  const LogEvent* tcp = last_event(events, LogEventKind::TcpBindFailed);
  std::string address = rdma ? rdma->address : "traddr";
  if (e == EADDRNOTAVAIL)
    return with_log({rdma ? "rdma-addr-not-local" : "tcp-addr-not-local", F, object,
                     address + " is not assigned to any local interface", {},
                     "ip addr add " + address + "/24 dev <netdev>, or change traddr of " + object + " in the file"},
                    rdma ? rdma : tcp);
  if (e == ENODEV && rdma) return diagnose_rdma_no_device(object, rdma, network, devices);
  // nvmet-fc binds an nvmet port to the FC target port whose WWNs its
  // traddr names (in detail, for an fc port's link): ENXIO when none has
  // them, EALREADY when that one already serves another nvmet port.
  const std::string& fc_address = op.detail;
  if (!fc_address.empty() && e == ENXIO)
    return {"fc-target-port-missing", F, object, "no FC target port has " + fc_address + " on this node", {},
            "set traddr of " + object + " to the nn-0x..:pn-0x.. of an FC target port here (an HBA in target "
            "mode; without hardware, one added through nvme-fcloop's add_target_port)"};
  if (!fc_address.empty() && e == EALREADY)
    return {"fc-target-port-taken", F, object,
            "the FC target port " + fc_address + " already serves another nvmet port (one nvmet port per FC port)",
            {}, "put the subsystems of both ports on one port in the file"};
  if (e == EADDRINUSE)
    return with_log({"port-addr-in-use", F, object,
                     "another listener already uses this address and port (another nvmet port?)", {},
                     "change trsvcid of " + object + ", or remove the other listener"},
                    rdma ? rdma : tcp);
  return {};
}

Finding diagnose_namespace_enable(const Operation& op, int e, const std::vector<LogEvent>& events) {
  std::string object = namespace_object_of(op.path);
  const auto F = FindingSeverity::Failure;
  const LogEvent* block = last_event(events, LogEventKind::BlockDeviceOpenFailed);
  const LogEvent* file = last_event(events, LogEventKind::FileOpenFailed);
  std::string path = block ? block->path : file ? file->path : "device_path";
  if (e == ENOENT) {
    std::string create = util::device_create_hint(path);
    return with_log({"namespace-device-missing", F, object, "device_path " + path + " does not exist", {},
                     (create.empty() ? "create " + path : create) + ", or fix device_path of " + object + " in the file"},
                    block);
  }
  if (e == EINVAL && block && block->path.empty())
    return with_log({"namespace-device-empty", F, object, "device_path is not set", {},
                     "set device_path of " + object + " in the file"},
                    block);
  if (e == EINVAL && file)
    return with_log({"namespace-file-odirect", F, object,
                     file->path + " is a file whose filesystem refuses O_DIRECT (tmpfs on 6.1)", {},
                     "set buffered_io: true for " + object + " in the file"},
                    file);
  if (e == EINVAL)
    return with_log({"namespace-device-not-usable", F, object,
                     "the kernel refused " + path + " (not a usable block device or regular file, or a zoned device "
                     "that is not ZNS-compatible)",
                     {}, "point device_path of " + object + " at a block device or a regular file"},
                    block);
  if (e == EBUSY)
    return {"namespace-device-busy", F, object, path + " is held exclusively by something else", {},
            "lsblk " + path + "; findmnt " + path + "   # free it, or export another device"};
  if (e == EACCES)
    return with_log({"namespace-device-denied", F, object,
                     "opening " + path + " was denied: nodev mount or an LSM (SELinux/AppArmor) policy", {},
                     "findmnt -T " + path + "; dmesg | grep -iE 'avc|apparmor'"},
                    block ? block : file);
  if (e == EMFILE)
    return {"namespace-limit", F, object, "the subsystem already has 1024 namespaces", {},
            "move namespaces to another subsystem"};
  return {};
}

std::string clash_symptom(const LogEvent& e) {
  if (e.detail == "disagrees about version" || e.detail == "unknown symbol" || e.detail == "no symbol version")
    return e.detail + " " + e.symbol;
  return "exports duplicate symbol " + e.symbol + ", owned by " + e.detail;
}

Finding diagnose_module(const Operation& op, const SysError& error, const std::vector<LogEvent>& events,
                        const SystemPaths& paths) {
  std::string object = "module " + op.path;
  std::string release = read_kernel_release(paths).value_or("");
  std::string fix = module_failure_hint(op.path, error.errnum, release, paths);
  const auto F = FindingSeverity::Failure;
  switch (classify_module_failure(error.errnum, read_module_environment(paths, release))) {
    case ModuleFailure::NotFound:
      return {"module-unavailable", F, object, op.path + " is not available for kernel " + release, {}, fix};
    case ModuleFailure::SignatureRejected:
    case ModuleFailure::LockedDown:
      return {"module-signature", F, object, error.reason, {}, fix};
    case ModuleFailure::LoadingDisabled:
      return {"module-loading-disabled", F, object, error.reason, {}, fix};
    case ModuleFailure::NotPermitted:
      return {"not-root", F, object, error.reason, {}, fix};
    case ModuleFailure::BadModule:
      if (auto* clash = last_event(events, LogEventKind::SymbolClash))
        return with_log({"ofed-symbol-clash", F, "module " + clash->module,
                         "the kernel refused " + clash->module + " (" + clash_symptom(*clash) +
                             "): an out-of-tree RDMA stack (MLNX_OFED) is mixed with the kernel's own modules",
                         {}, fix},
                        clash);
      return {"module-load-failed", F, object, error.reason, {}, fix};
    default:
      return {"module-load-failed", F, object, error.reason, {}, fix};
  }
}

bool is_namespace_enable(const std::string& path) {
  return base_name(path) == "enable" && dir_name(dir_name(path)).find("/namespaces") != std::string::npos;
}

bool is_passthru_enable(const std::string& path) {
  return base_name(path) == "enable" && base_name(dir_name(path)) == "passthru";
}

Finding diagnose_write(const Operation& op, int e, const std::vector<LogEvent>& events) {
  const auto F = FindingSeverity::Failure;
  if (is_namespace_enable(op.path)) return diagnose_namespace_enable(op, e, events);
  if (e == EACCES) {
    if (auto* refused = last_event(events, LogEventKind::PortEnabledRefused))
      return with_log({"port-enabled-attr-refused", F, "port " + std::to_string(refused->number),
                       "the port is enabled (it has subsystem links); the kernel refuses address and parameter "
                       "changes until every link is removed",
                       {}, "let nvmetctl apply do it: it unlinks, writes and relinks"},
                      refused);
  } else if (e == EINVAL && is_passthru_enable(op.path)) {
    std::string subsystem_dir = dir_name(dir_name(op.path));
    if (auto* conflict = last_event(events, LogEventKind::PassthruConflict))
      return with_log({"passthru-with-namespaces", F, "subsystem " + base_name(subsystem_dir),
                       "passthru cannot be enabled while the subsystem has namespaces", {},
                       "rmdir " + subsystem_dir + "/namespaces/*   # then apply again"},
                      conflict);
  } else if (e == EINVAL) {
    if (auto* frozen = last_event(events, LogEventKind::IdentityFrozen))
      return with_log({"subsystem-identity-frozen", F, "subsystem " + base_name(dir_name(op.path)),
                       "a host has identified the subsystem; the kernel froze its " + frozen->attribute, {},
                       "re-run with --allow-recreate to recreate the subsystem"},
                      frozen);
  }
  return {};
}

// configfs answers EPERM to every mkdir it cannot take, whatever the reason:
// not root, not mounted, nvmet not loaded, or a directory that holds links.
Finding diagnose_mkdir_refused(const Operation& op) {
  const auto F = FindingSeverity::Failure;
  auto at = op.path.find("/nvmet");
  std::string mount = at == std::string::npos ? dir_name(op.path) : op.path.substr(0, at);
  SystemPaths mount_paths;
  mount_paths.configfs = mount;
  if (::geteuid() != 0)
    return {"not-root", F, "system", "configfs changes need root (CAP_SYS_ADMIN)", {}, "sudo nvmetctl ..."};
  if (!configfs_mounted_at(mount_paths, mount) && !path_exists(mount + "/nvmet"))
    return {"configfs-not-mounted", F, "configfs",
            "configfs is not mounted on " + mount + ": every mkdir under it fails with EPERM", {},
            "mount -t configfs none " + mount};
  if (!path_exists(mount + "/nvmet"))
    return {"nvmet-not-loaded", F, "module nvmet",
            "the nvmet module is not loaded, so " + mount + "/nvmet does not exist", {}, "modprobe nvmet"};
  return {"mkdir-not-allowed", F, "configfs", dir_name(op.path) + " takes no directories (use symlinks there)",
          {}, "check the path; ports/N/subsystems and allowed_hosts hold symlinks"};
}

Finding diagnose_rdma_link_add(const Operation& op, int e) {
  const auto F = FindingSeverity::Failure;
  if (e == ENODEV)
    return {"netdev-missing", F, "link " + op.path, "netdev " + op.detail + " does not exist", {},
            "ip link show; fix rdma_links.netdev in the file"};
  if (e == EEXIST)
    return {"rdma-link-conflict", F, "link " + op.path, op.detail + " already has an " + op.value + " link", {},
            "rdma link show; rename the link in the file to the existing one"};
  return {};
}

Finding diagnose_by_kind(const Operation& op, const SysError& error, const std::vector<LogEvent>& events,
                         NetworkInfo* network, const std::vector<RdmaDevice>* rdma_devices, const SystemPaths& paths) {
  int e = error.errnum;
  switch (op.kind) {
    case OpKind::Symlink:
      if (op.path.find("/ports/") != std::string::npos) return diagnose_link(op, e, events, network, rdma_devices);
      return {};
    case OpKind::Write: return diagnose_write(op, e, events);
    case OpKind::Mkdir: return e == EPERM ? diagnose_mkdir_refused(op) : Finding{};
    case OpKind::LoadModule: return diagnose_module(op, error, events, paths);
    case OpKind::AddRdmaLink: return diagnose_rdma_link_add(op, e);
    case OpKind::MountConfigfs:
      return {"configfs-not-mounted", FindingSeverity::Failure, "configfs",
              "mounting configfs on " + op.path + " failed: " + error.reason, {},
              "modprobe configfs && mount -t configfs none " + op.path};
    default: return {};
  }
}

}  // namespace

Finding diagnose_failed_operation(const Operation& op, const SysError& error, const std::vector<KernelLogLine>& log,
                                  NetworkInfo* network, const std::vector<RdmaDevice>* rdma_devices,
                                  const SystemPaths& paths) {
  auto events = parse_log_events(log);
  int e = error.errnum;
  Finding found = diagnose_by_kind(op, error, events, network, rdma_devices, paths);
  // Whatever the operation, a refusal to a non-root user has one cause.
  if (found.id.empty() && (e == EPERM || e == EACCES) && ::geteuid() != 0)
    found = {"not-root", FindingSeverity::Failure, "system", "permission denied: nvmetctl needs root (CAP_SYS_ADMIN)",
             {}, "sudo nvmetctl ..."};
  if (!found.id.empty()) found.evidence.insert(found.evidence.begin(), error.describe());
  return found;
}

}  // namespace nvmetctl::doctor
