// System-level checks: who runs us, configfs, nvmet, modules, the kernel log.
#include <set>

#include "check_util.h"
#include "nvmetctl/kernel/module_names.h"

namespace nvmetctl::doctor {

using namespace util;

void check_privileges(const DoctorInputs& in, Findings& out) {
  if (in.privileges.root && in.privileges.cap_sys_admin) return;
  std::string why = !in.privileges.root ? "nvmetctl is not running as root"
                                        : "nvmetctl runs as root but without CAP_SYS_ADMIN (a container?)";
  auto& f = out.failure("not-root", "system",
                        why + ": configfs refuses every change (EPERM/EACCES), module loading needs CAP_SYS_MODULE, "
                              "and the kernel log and debugfs may be unreadable",
                        "sudo nvmetctl doctor   # in a container: run privileged, or with --cap-add SYS_ADMIN --cap-add SYS_MODULE");
  f.evidence.push_back(std::string("euid ") + (in.privileges.root ? "0" : "non-zero") + ", CAP_SYS_ADMIN " +
                       (in.privileges.cap_sys_admin ? "present" : "missing") + " (from " + in.paths.proc +
                       "/self/status)");
}

namespace {

// With a file, apply mounts configfs and loads nvmet itself: only a warning
// then, as long as the modules are there.
bool apply_fixes_it(const DoctorInputs& in) { return in.desired.has_value(); }

void report_configfs_not_mounted(const DoctorInputs& in, Findings& out) {
  const std::string& mount = in.paths.configfs;
  auto configfs = module_state(in, "configfs");
  if (!in.configfs_dir && configfs && *configfs == ModuleState::Unavailable) {
    auto& f = out.failure("configfs-not-mounted", "configfs",
                          mount + " does not exist and this kernel has no configfs (not built in, no module "
                          "installed for " + in.kernel_release + "): nvmet cannot be configured on this machine",
                          unavailable_module_fix(in, "configfs"));
    f.evidence.push_back("stat " + mount + ": No such file or directory");
    f.evidence.push_back("module configfs: not built in, not found under " + in.module_env.kernel_modules_dir);
    return;
  }
  std::string what = !in.configfs_dir
                         ? mount + " does not exist: the configfs module is not loaded and nothing is mounted there"
                         : "configfs is not mounted on " + mount + ": every mkdir under it fails with EPERM";
  std::string fix = !in.configfs_dir ? "modprobe configfs && mount -t configfs none " + mount
                                     : "mount -t configfs none " + mount;
  if (apply_fixes_it(in)) fix = "nvmetctl apply " + in.file + "   # mounts it; or by hand: " + fix;
  Finding finding{"configfs-not-mounted", apply_fixes_it(in) ? FindingSeverity::Warning : FindingSeverity::Failure,
                  "configfs", what, {}, fix};
  finding.evidence.push_back(!in.configfs_dir ? "stat " + mount + ": No such file or directory"
                                              : in.paths.proc + "/mounts has no configfs on " + mount);
  out.add(std::move(finding));
}

// A debugfs=off boot makes nvmet fail its init (6.10+); apply cannot fix
// that, so it stays a failure even with a file.
void report_nvmet_not_loaded(const DoctorInputs& in, Findings& out) {
  auto nvmet = module_state(in, std::string(kTargetCoreModule));
  if (nvmet && *nvmet == ModuleState::Unavailable) {
    auto& f = out.failure("module-unavailable", "module nvmet",
                          "the NVMe target core (nvmet) is not available for kernel " + in.kernel_release +
                              ": " + in.paths.nvmet_root() + " cannot exist",
                          unavailable_module_fix(in, "nvmet"));
    f.evidence.push_back(in.paths.nvmet_root() + " does not exist; libkmod finds no nvmet module");
    return;
  }
  std::string fix = "modprobe nvmet";
  std::vector<std::string> evidence{"stat " + in.paths.nvmet_root() + ": No such file or directory"};
  std::string what = "the nvmet module is not loaded: " + in.paths.nvmet_root() +
                     " does not exist and mkdir there fails with EPERM";
  for (const auto& e : parse_log_events(in.kernel_log))
    if (e.kind == LogEventKind::DebugfsFailed) {
      evidence.push_back(log_evidence(e.line));
      what += "; it failed to initialise because debugfs is disabled";
      fix = "remove debugfs=off from the kernel command line (nvmet needs debugfs on 6.10+), reboot, then modprobe nvmet";
    }
  bool failure = !apply_fixes_it(in) || fix != "modprobe nvmet";
  if (apply_fixes_it(in) && !failure) fix = "nvmetctl apply " + in.file + "   # loads it; or by hand: modprobe nvmet";
  Finding finding{"nvmet-not-loaded", failure ? FindingSeverity::Failure : FindingSeverity::Warning, "module nvmet",
                  what, evidence, fix};
  out.add(std::move(finding));
}

}  // namespace

void check_configfs(const DoctorInputs& in, Findings& out) {
  if (!in.configfs_dir || !in.configfs_mounted) {
    report_configfs_not_mounted(in, out);
    return;
  }
  if (!in.live && !in.live_error.empty()) {
    out.failure("configfs-unreadable", "configfs", "cannot read the nvmet tree: " + in.live_error,
                "ls -lR " + in.paths.nvmet_root() + "   # and check permissions");
    return;
  }
  if (!in.live || !in.live->nvmet_loaded) {
    report_nvmet_not_loaded(in, out);
    return;
  }
  out.ok("configfs-ok", "configfs", "configfs is mounted on " + in.paths.configfs + " and nvmet is loaded");
}

// A run killed between two steps left the tree half way from the snapshot
// to its file; the journal says how far.
void check_interrupted_run(const DoctorInputs& in, Findings& out) {
  std::string journal = in.paths.run_dir + "/journal.json";
  if (!in.journal_error.empty()) {
    auto& f = out.warning("interrupted-run", "system",
                          "a crash journal exists but cannot be read: an earlier run may have been killed",
                          "check the target with 'nvmetctl export'; then remove " + journal);
    f.evidence.push_back(in.journal_error);
    return;
  }
  if (!in.interrupted_run) return;
  const JournalRecord& run = *in.interrupted_run;
  auto& f = out.warning("interrupted-run", "system",
                        describe_interrupted_run(run) + ": '" + run.command +
                            "' was killed in the middle, so the target may be half changed",
                        "nvmetctl rollback   # restores the target as it was before that run; or apply the file again");
  f.evidence.push_back(journal + ": pid " + std::to_string(run.pid) + " is gone");
  NvmetLayout layout(in.paths.configfs);
  for (std::size_t i = 0; i < run.done && i < run.steps.size(); ++i)
    f.evidence.push_back("done: " + run.steps[i].change + " " + run.steps[i].operation + " " +
                         layout.relative(run.steps[i].path));
}

void check_kernel_log_access(const DoctorInputs& in, Findings& out) {
  if (in.kernel_log_available) return;
  out.warning("kernel-log-unreadable", "kernel log",
              "cannot read " + in.paths.kmsg + ": findings lack the kernel's own messages",
              "run as root, or: sysctl kernel.dmesg_restrict=0");
}

void check_modules(const DoctorInputs& in, Findings& out) {
  if (!in.module_env.modules_installed) {
    auto& f = out.failure("module-unavailable", "kernel " + in.kernel_release,
                          "no modules are installed for the running kernel " + in.kernel_release +
                              ": nothing that is not loaded yet can be loaded",
                          unavailable_module_fix(in, "nvmet"));
    f.evidence.push_back("stat " + in.module_env.kernel_modules_dir + ": No such file or directory");
  }
  // Modules something here needs that are not in the kernel yet.
  std::vector<std::string> pending;
  auto need = [&](const std::string& name) {
    auto state = module_state(in, name);
    if (state && *state == ModuleState::NotLoaded) pending.push_back(name);
  };
  if (in.live)
    for (const Port& port : in.live->target.ports)
      if (auto module = transport_module(attr_value(port.attrs, "addr_trtype"))) need(std::string(*module));
  if (!in.live || !in.live->nvmet_loaded) need(std::string(kTargetCoreModule));
  if (in.desired)
    for (const Port& port : in.desired->ports)
      if (auto module = transport_module(attr_value(port.attrs, "addr_trtype"))) need(std::string(*module));
  if (pending.empty()) return;
  std::string list, names;
  for (const auto& p : std::set<std::string>(pending.begin(), pending.end())) {
    list += (list.empty() ? "" : ", ") + p;
    names += " " + p;
  }
  if (in.module_env.loading_disabled) {
    auto& f = out.failure("module-loading-disabled", "modules",
                          "module loading is disabled (kernel.modules_disabled=1) and " + list + " are not loaded",
                          module_failure_hint(pending.front(), EPERM, in.kernel_release, in.module_env));
    f.evidence.push_back("read " + in.paths.proc + "/sys/kernel/modules_disabled: '1'");
  } else if (!in.module_env.lockdown.empty()) {
    auto& f = out.warning("module-lockdown", "modules",
                          "kernel lockdown (" + in.module_env.lockdown + ") is active and " + list +
                              " are not loaded yet: only modules signed with a trusted key will load",
                          "modinfo -F signer" + names + "   # each must name a key the kernel trusts");
    f.evidence.push_back("read " + in.paths.sysfs + "/kernel/security/lockdown: [" + in.module_env.lockdown + "]");
  }
}

void check_module_log(const DoctorInputs& in, Findings& out) {
  std::map<std::string, std::vector<const LogEvent*>> clashes;  // by module
  std::vector<const LogEvent*> signatures;
  auto events = parse_log_events(in.kernel_log);
  for (const auto& e : events) {
    if (e.kind == LogEventKind::SymbolClash) clashes[e.module].push_back(&e);
    if (e.kind == LogEventKind::ModuleSignatureRejected) signatures.push_back(&e);
  }
  for (const auto& [module, list] : clashes) {
    bool loaded_now = module_present(in, module);
    const LogEvent& last = *list.back();
    std::string symptom = last.detail == "disagrees about version"   ? "disagrees about version of symbol " + last.symbol
                          : last.detail == "unknown symbol"          ? "needs unknown symbol " + last.symbol
                          : last.detail == "no symbol version"       ? "has no symbol version for " + last.symbol
                                                                     : "exports duplicate symbol " + last.symbol + " (owned by " + last.detail + ")";
    Finding f{"ofed-symbol-clash", loaded_now ? FindingSeverity::Warning : FindingSeverity::Failure, "module " + module,
              "the kernel refused module " + module + ": it " + symptom +
                  ". Two RDMA stacks are mixed: an out-of-tree one (MLNX_OFED) and the kernel's own modules" +
                  (loaded_now ? " (it is loaded now; the log line is older)" : ""),
              {},
              "modinfo -F filename " + module + " ib_core nvmet_rdma   # all must come from the same stack: "
              "use the nvmet-rdma built by MLNX_OFED (install it with --with-nvmf), or remove OFED "
              "(ofed_uninstall.sh) and reboot into the kernel's own RDMA modules"};
    std::size_t from = list.size() > 3 ? list.size() - 3 : 0;
    for (std::size_t i = from; i < list.size(); ++i) f.evidence.push_back(log_evidence(list[i]->line));
    if (in.ofed_loaded) f.evidence.push_back(in.paths.sysfs + "/module/mlx_compat exists: MLNX_OFED modules are loaded");
    out.add(std::move(f));
  }
  if (!signatures.empty()) {
    const LogEvent& last = *signatures.back();
    int errnum = in.module_env.lockdown.empty() ? EKEYREJECTED : EPERM;
    ModuleEnvironment env = in.module_env;
    auto& f = out.failure("module-signature", "modules",
                          "the kernel refused to load a module: " + last.detail +
                              (in.module_env.lockdown.empty() ? "" : " (lockdown " + in.module_env.lockdown + ")"),
                          module_failure_hint("<module>", errnum, in.kernel_release, env));
    std::size_t from = signatures.size() > 3 ? signatures.size() - 3 : 0;
    for (std::size_t i = from; i < signatures.size(); ++i) f.evidence.push_back(log_evidence(signatures[i]->line));
  }
}

}  // namespace nvmetctl::doctor
