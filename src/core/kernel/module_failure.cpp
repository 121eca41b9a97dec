#include "nvmetctl/kernel/module_failure.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>
#include <unistd.h>

#include "nvmetctl/util/sys_files.h"

namespace nvmetctl {
namespace {

constexpr int kCapSysModule = 16;

// /sys/kernel/security/lockdown reads "none [integrity] confidentiality";
// the bracketed word is the active mode.
std::string active_lockdown_mode(const std::string& content) {
  auto open = content.find('[');
  auto close = content.find(']', open);
  if (open == std::string::npos || close == std::string::npos) return "";
  std::string mode = content.substr(open + 1, close - open - 1);
  return mode == "none" ? "" : mode;
}

// Without the capability the kernel says EPERM before looking at the module,
// so this must be known to tell "not root" from lockdown. A root shell in a
// user namespace lacks it too, hence CapEff rather than euid.
bool has_cap_sys_module(const SystemPaths& paths) {
  std::ifstream status(paths.proc + "/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    std::uint64_t caps = std::strtoull(line.c_str() + 7, nullptr, 16);
    return (caps >> kCapSysModule) & 1U;
  }
  return geteuid() == 0;
}

bool is_rdma_module(const std::string& module) {
  for (const char* marker : {"rdma", "ib_", "rxe", "siw", "mlx", "iw_"})
    if (module.find(marker) != std::string::npos) return true;
  return false;
}

// modprobe treats '-' and '_' alike; grep has to as well.
std::string name_pattern(const std::string& module) {
  std::string pattern;
  for (char c : module) pattern += (c == '-' || c == '_') ? std::string("[-_]") : std::string(1, c);
  return pattern;
}

// An empty modules directory means the running kernel's package went away
// (upgrade without reboot), not that this one module is missing.
void hint_not_found(std::ostream& hint, const std::string& module, const std::string& kernel_release,
                    const ModuleEnvironment& env) {
  if (!env.modules_installed) {
    hint << "the running kernel's modules are gone, usually because its package was upgraded "
            "or removed without a reboot: reboot into the installed kernel, or reinstall "
         << "linux-image-" << kernel_release << ".";
    return;
  }
  hint << "kernel " << kernel_release << " was built without " << module
       << ", or the package that ships it is not installed: install linux-image-"
       << kernel_release << " (Debian) or linux-modules-extra-" << kernel_release
       << " (Ubuntu), then check with `modinfo " << module << "`.";
}

void hint_refused_by_config(std::ostream& hint, const std::string& module) {
  hint << "a `blacklist` or `install` line in the modprobe configuration blocks it; find it with "
       << "`grep -rE '" << name_pattern(module)
       << "' /etc/modprobe.d /run/modprobe.d /usr/local/lib/modprobe.d /lib/modprobe.d "
          "/usr/lib/modprobe.d` and remove it.";
}

// Symbol mismatches on RDMA modules almost always come from MLNX_OFED.
void hint_bad_module(std::ostream& hint, const std::string& module, const std::string& kernel_release) {
  hint << "check the kernel log: `dmesg | grep -E '" << name_pattern(module)
       << "|disagrees about version of symbol|exports duplicate symbol|Unknown symbol'`.";
  if (is_rdma_module(module))
    hint << " Those messages are typical of an out-of-tree RDMA stack (MLNX_OFED) mixed with "
            "the kernel's own RDMA modules: use the nvmet-rdma built by OFED, or remove OFED.";
  else
    hint << " A module built for another kernel gives them too: reinstall it for "
         << kernel_release << " and run depmod.";
}

}  // namespace

ModuleEnvironment read_module_environment(const SystemPaths& paths,
                                          const std::string& kernel_release) {
  ModuleEnvironment env;
  env.can_load_modules = has_cap_sys_module(paths);
  if (auto lockdown = sys_files::read_trimmed(paths.sysfs + "/kernel/security/lockdown"))
    env.lockdown = active_lockdown_mode(*lockdown);
  env.loading_disabled =
      sys_files::read_trimmed(paths.proc + "/sys/kernel/modules_disabled").value_or("0") == "1";
  env.kernel_modules_dir = paths.modules_dir + "/" + kernel_release;
  env.modules_installed = sys_files::exists(env.kernel_modules_dir);
  return env;
}

ModuleFailure classify_module_failure(int errnum, const ModuleEnvironment& env) {
  switch (errnum) {
    case ENOENT:
      return ModuleFailure::NotFound;
    case kModuleRefusedByConfigErrno:
      return ModuleFailure::RefusedByConfig;
    case EKEYREJECTED:
    case ENOKEY:
    case EBADMSG:
    case ENOPKG:
      return ModuleFailure::SignatureRejected;
    case EPERM:
      // Order matters: the capability check comes first in the kernel.
      if (!env.can_load_modules) return ModuleFailure::NotPermitted;
      if (env.loading_disabled) return ModuleFailure::LoadingDisabled;
      if (!env.lockdown.empty()) return ModuleFailure::LockedDown;
      return ModuleFailure::NotPermitted;
    case ENOEXEC:
    case EINVAL:
      return ModuleFailure::BadModule;
    case EBUSY:
    case EAGAIN:
      return ModuleFailure::InUse;
    case EOPNOTSUPP:
      return ModuleFailure::BuiltIn;
    default:
      return ModuleFailure::Other;
  }
}

std::string module_failure_reason(int errnum, const std::string& kernel_release,
                                  const ModuleEnvironment& env) {
  switch (classify_module_failure(errnum, env)) {
    case ModuleFailure::NotFound:
      if (!env.modules_installed)
        return "no modules are installed for kernel " + kernel_release + " (" +
               env.kernel_modules_dir + " does not exist)";
      return "module not found for kernel " + kernel_release;
    case ModuleFailure::RefusedByConfig:
      return "blacklisted by modprobe configuration";
    case ModuleFailure::SignatureRejected:
      return std::string("refused by module signature verification (") + std::strerror(errnum) + ")";
    case ModuleFailure::LockedDown:
      return "refused by kernel lockdown (" + env.lockdown +
             "): only modules signed with a trusted key can be loaded";
    case ModuleFailure::LoadingDisabled:
      return "module loading is disabled (kernel.modules_disabled=1)";
    case ModuleFailure::NotPermitted:
      return "permission denied: changing kernel modules requires root (CAP_SYS_MODULE)";
    case ModuleFailure::BadModule:
      return std::string("the kernel rejected the module (") + std::strerror(errnum) +
             "): symbol or format mismatch";
    case ModuleFailure::InUse:
      return "module is in use";
    case ModuleFailure::BuiltIn:
      return "built into the kernel, it cannot be unloaded";
    case ModuleFailure::Other:
      break;
  }
  return std::strerror(errnum);
}

std::string module_failure_hint(const std::string& module, int errnum,
                                const std::string& kernel_release,
                                const ModuleEnvironment& env) {
  std::ostringstream hint;
  switch (classify_module_failure(errnum, env)) {
    case ModuleFailure::NotFound:
      hint_not_found(hint, module, kernel_release, env);
      break;
    case ModuleFailure::RefusedByConfig:
      hint_refused_by_config(hint, module);
      break;
    case ModuleFailure::SignatureRejected:
      hint << "the kernel enforces module signatures and " << module
           << " is unsigned or signed with an untrusted key: use the distribution's signed module, "
              "or sign it and enroll the key with `mokutil --import`.";
      break;
    case ModuleFailure::LockedDown:
      hint << "lockdown is usually switched on by Secure Boot; use the distribution's signed "
           << module << ", or sign it and enroll the key with `mokutil --import`. "
           << "`dmesg | grep -i lockdown` shows the refusal.";
      break;
    case ModuleFailure::LoadingDisabled:
      hint << "nothing can be loaded until the next boot; load " << module
           << " at boot instead, e.g. list it in /etc/modules-load.d/nvmetctl.conf.";
      break;
    case ModuleFailure::NotPermitted:
      hint << "run nvmetctl as root (in a container it needs CAP_SYS_MODULE, or load " << module
           << " on the host).";
      break;
    case ModuleFailure::BadModule:
      hint_bad_module(hint, module, kernel_release);
      break;
    case ModuleFailure::InUse:
      hint << "something still uses " << module
           << ": disable the nvmet ports and delete the RDMA links that use it, then retry.";
      break;
    case ModuleFailure::BuiltIn:
      hint << module << " is part of kernel " << kernel_release << "; there is nothing to unload.";
      break;
    case ModuleFailure::Other:
      hint << "the kernel log (`dmesg | tail`) usually says more.";
      break;
  }
  return hint.str();
}

std::string module_failure_hint(const std::string& module, int errnum,
                                const std::string& kernel_release, const SystemPaths& paths) {
  return module_failure_hint(module, errnum, kernel_release,
                             read_module_environment(paths, kernel_release));
}

}  // namespace nvmetctl
