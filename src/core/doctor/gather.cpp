// Collects the doctor's inputs from the real system. Read-only: nothing is
// loaded, mounted or created (RDMA devices are listed only when ib_core is
// already in the kernel, since opening RDMA netlink would load it).
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "nvmetctl/config/key_secrets.h"
#include "nvmetctl/config/target_parser.h"
#include "nvmetctl/doctor/doctor.h"
#include "nvmetctl/engine/engine.h"
#include "nvmetctl/kernel/kernel_facts_reader.h"
#include "nvmetctl/kernel/module_names.h"
#include "nvmetctl/tls/psk_keyring.h"
#include "nvmetctl/util/block_device_sysfs.h"
#include "nvmetctl/util/sys_files.h"

namespace nvmetctl::doctor {
namespace {

namespace fs = std::filesystem;

constexpr int kCapSysAdmin = 21;

Privileges read_privileges(const SystemPaths& paths) {
  Privileges p;
  p.root = ::geteuid() == 0;
  std::ifstream status(paths.proc + "/self/status");
  std::string line;
  p.cap_sys_admin = p.root;
  while (std::getline(status, line))
    if (line.rfind("CapEff:", 0) == 0) {
      std::uint64_t caps = std::strtoull(line.c_str() + 7, nullptr, 16);
      p.cap_sys_admin = (caps >> kCapSysAdmin) & 1U;
    }
  return p;
}

std::string filesystem_name(long type) {
  switch (static_cast<unsigned long>(type)) {
    case 0x01021994UL: return "tmpfs";
    case 0xEF53UL: return "ext4";
    case 0x58465342UL: return "xfs";
    case 0x9123683EUL: return "btrfs";
    case 0x794C7630UL: return "overlayfs";
    case 0x01021997UL: return "9p";
    case 0x6969UL: return "nfs";
    case 0x2FC12FC1UL: return "zfs";
    default: return "";
  }
}

// dev_t of a block device and of its partitions, with their sysfs dirs.
std::set<dev_t> device_and_partitions(const SystemPaths& paths, dev_t dev, std::vector<std::string>& holders) {
  std::set<dev_t> devs{dev};
  std::string sys = block_device_sysfs_dir(paths, dev);
  std::error_code ec;
  auto add_holders = [&](const std::string& dir) {
    for (const auto& h : fs::directory_iterator(dir + "/holders", ec)) holders.push_back(h.path().filename().string());
  };
  add_holders(sys);
  for (const auto& child : fs::directory_iterator(sys, ec)) {
    if (!fs::exists(child.path() / "partition")) continue;
    std::string numbers = sys_files::read_trimmed((child.path() / "dev").string()).value_or("");
    unsigned ma = 0, mi = 0;
    if (std::sscanf(numbers.c_str(), "%u:%u", &ma, &mi) == 2) devs.insert(makedev(ma, mi));
    add_holders(child.path().string());
  }
  return devs;
}

// Process listeners only matter on a trsvcid some tcp port uses; naming
// their processes scans <proc>/*/fd, so only those are looked up.
void gather_tcp_listeners(const SystemPaths& paths, DoctorInputs& in) {
  std::set<std::uint16_t> services;
  auto collect = [&](const Target& t) {
    for (const Port& p : t.ports) {
      if (attr_value(p.attrs, "addr_trtype") != "tcp") continue;
      if (auto service = parse_tcp_service(attr_value(p.attrs, "addr_trsvcid"))) services.insert(*service);
    }
  };
  if (in.live) collect(in.live->target);
  if (in.desired) collect(*in.desired);
  if (services.empty()) return;
  in.tcp_sockets = read_tcp_sockets(paths.proc);
  in.socket_holders = listener_holders(paths.proc, in.tcp_sockets, services);
}

// "tlshd (pid N)" for each process named tlshd.
std::vector<std::string> handshake_daemons(const SystemPaths& paths) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths.proc, ec)) {
    std::string pid = entry.path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (sys_files::read_trimmed(entry.path().string() + "/comm").value_or("") == "tlshd")
      found.push_back("tlshd (pid " + pid + ")");
  }
  return found;
}

// Only a port with tsas tls1.3 needs the keyring and a handshake daemon.
void gather_tls(EngineContext& ctx, DoctorInputs& in) {
  if (!in.live) return;
  bool tls_port = false;
  for (const Port& p : in.live->target.ports)
    tls_port = tls_port || attr_value(p.attrs, "addr_tsas") == "tls1.3";
  if (!tls_port) return;
  DoctorInputs::TlsFacts tls;
  if (ctx.keyring && ctx.keyring->available()) {
    tls.keyring = true;
    auto entries = ctx.keyring->list();
    if (!entries) tls.keyring_error = entries.error().describe();
    else
      for (const KeyringEntry& e : nvme_psk_entries(*entries)) tls.psk_identities.insert(e.description);
  }
  tls.handshake_daemons = handshake_daemons(ctx.paths);
  in.tls = std::move(tls);
}

void gather_interrupted_run(const SystemPaths& paths, DoctorInputs& in) {
  auto found = CrashJournal(paths.run_dir, paths.proc).find_interrupted();
  if (found) in.interrupted_run = std::move(*found);
  else in.journal_error = found.error().describe();
}

void gather_configfs(EngineContext& ctx, DoctorInputs& in) {
  std::error_code ec;
  in.configfs_dir = fs::is_directory(ctx.paths.configfs, ec) || ctx.fs.exists(ctx.paths.configfs);
  in.configfs_mounted = configfs_mounted_at(ctx.paths, ctx.paths.configfs) || ctx.fs.exists(ctx.paths.nvmet_root());
  if (in.configfs_mounted) {
    auto live = read_live_state(ctx.fs, ctx.layout());
    if (live) in.live = std::move(*live);
    else in.live_error = live.error().describe();
  }
}

// Module states: the core, every transport, the RDMA pieces, and every
// module the kernel log names (a symbol clash points at the culprit).
void gather_modules(EngineContext& ctx, DoctorInputs& in) {
  std::set<std::string> names{"configfs", std::string(kTargetCoreModule), "ib_core", "rdma_cm"};
  for (const auto& t : kTransportModules) names.insert(std::string(t.module));
  for (const auto& l : kLinkTypeModules) names.insert(std::string(l.module));
  for (const auto& e : parse_log_events(in.kernel_log))
    if (e.kind == LogEventKind::SymbolClash && !e.module.empty()) names.insert(e.module);
  if (ctx.modules)
    for (const auto& name : names)
      if (auto state = ctx.modules->state(name)) in.modules[name] = *state;
  in.module_env = read_module_environment(ctx.paths, in.kernel_release);
  std::error_code ec;
  in.ofed_loaded = fs::exists(ctx.paths.sysfs + "/module/mlx_compat", ec);
}

void gather_rdma_devices(EngineContext& ctx, DoctorInputs& in) {
  bool rdma_stack = in.modules.count("ib_core") &&
                    (in.modules["ib_core"] == ModuleState::Loaded || in.modules["ib_core"] == ModuleState::BuiltIn);
  if (ctx.rdma && rdma_stack) {
    auto devices = ctx.rdma->list();
    if (devices) in.rdma_devices = *devices;
    else in.rdma_error = devices.error().describe();
  } else if (!rdma_stack) {
    in.rdma_devices = std::vector<RdmaDevice>{};  // no RDMA core, no RDMA device
  } else {
    in.rdma_error = "no RDMA netlink access";
  }
}

void gather_file(EngineContext& ctx, const std::string& file, DoctorInputs& in) {
  in.file = file;
  ParsedTarget parsed = parse_target_file(file);
  if (parsed.ok()) load_key_secrets(parsed.target, parsed.diagnostics);
  in.file_problems = parsed.diagnostics;
  if (!parsed.ok()) return;
  in.desired = parsed.target;
  // The tree was read whole above; plan from that instead of reading again.
  Expected<FullPlan> full = in.live ? Expected<FullPlan>(plan_from_live(*in.desired, *in.live, ctx, PlanOptions{}))
                                    : make_full_plan(*in.desired, ctx, PlanOptions{}, false);
  if (full) {
    in.plan = std::move(full->plan);
    // The plan may have listed RDMA devices (loading ib_core on the way).
    if (full->facts.rdma_devices) in.rdma_devices = full->facts.rdma_devices;
  } else {
    in.plan_error = full.error().describe();
  }
}

void add_device_paths(const Target& t, std::set<std::string>& device_paths) {
  for (const auto& s : t.subsystems)
    for (const auto& n : s.namespaces)
      if (auto it = n.attrs.find("device_path"); it != n.attrs.end() && !it->second.empty())
        device_paths.insert(it->second);
}

// Every device a namespace uses now or would use after apply, probed once.
void gather_devices(const SystemPaths& paths, DoctorInputs& in) {
  std::set<std::string> device_paths;
  if (in.live) add_device_paths(in.live->target, device_paths);
  if (in.desired) add_device_paths(*in.desired, device_paths);
  device_paths.erase("(null)");  // an unset device_path reads like that
  for (const auto& path : device_paths) in.devices[path] = probe_device(paths, path);
}

}  // namespace

DeviceFacts probe_device(const SystemPaths& paths, const std::string& path) {
  DeviceFacts d;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    d.stat_errno = errno;
    return d;
  }
  d.exists = true;
  d.block = S_ISBLK(st.st_mode);
  d.regular = S_ISREG(st.st_mode);
  d.directory = S_ISDIR(st.st_mode);
  if (d.regular) {
    d.size = static_cast<std::uint64_t>(st.st_size);
    struct statfs sf {};
    if (::statfs(path.c_str(), &sf) == 0) d.filesystem = filesystem_name(sf.f_type);
  }
  if (!d.block) return d;
  d.size = block_device_bytes(paths, st.st_rdev).value_or(0);
  auto devs = device_and_partitions(paths, st.st_rdev, d.holders);
  std::ifstream mounts(paths.proc + "/mounts");
  std::string line;
  while (std::getline(mounts, line)) {
    std::istringstream fields(line);
    std::string source, target;
    fields >> source >> target;
    if (source.rfind("/dev/", 0) != 0) continue;
    struct stat ms {};
    if (::stat(source.c_str(), &ms) == 0 && S_ISBLK(ms.st_mode) && devs.count(ms.st_rdev)) d.mounted_at.push_back(target);
  }
  return d;
}

DoctorInputs gather_inputs(EngineContext& ctx, const std::string& file) {
  DoctorInputs in;
  in.paths = ctx.paths;
  in.kernel_release = ctx.modules ? ctx.modules->kernel_release() : read_kernel_release(ctx.paths).value_or("");
  in.kernel_version = parse_kernel_release(in.kernel_release);
  in.privileges = read_privileges(ctx.paths);
  gather_configfs(ctx, in);
  gather_interrupted_run(ctx.paths, in);
  in.kernel_log_available = ctx.kernel_log && ctx.kernel_log->available();
  if (in.kernel_log_available) in.kernel_log = ctx.kernel_log->read_all();
  gather_modules(ctx, in);
  in.network = ctx.network;
  gather_rdma_devices(ctx, in);
  if (!file.empty()) gather_file(ctx, file, in);
  gather_devices(ctx.paths, in);
  gather_tcp_listeners(ctx.paths, in);
  gather_tls(ctx, in);
  return in;
}

}  // namespace nvmetctl::doctor
