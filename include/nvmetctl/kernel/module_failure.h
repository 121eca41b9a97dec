#pragma once
// Turns a failed module operation into words a user can act on: a reason
// (what happened) and a hint (what to do). Separate from the loader so the
// doctor can explain failures it only observes, e.g. an errno in a log.
#include <cerrno>
#include <string>

#include "nvmetctl/system_paths.h"

namespace nvmetctl {

// errnum for loads refused by the modprobe configuration (a blacklist entry
// or a failing `install` line). The kernel's module loader never returns
// ECANCELED, so each errnum still names exactly one cause.
inline constexpr int kModuleRefusedByConfigErrno = ECANCELED;

enum class ModuleFailure {
  NotFound,           // no such module for the running kernel
  RefusedByConfig,    // blacklist / install line in modprobe.d
  SignatureRejected,  // module.sig_enforce and a bad or missing signature
  LockedDown,         // kernel lockdown refuses unsigned modules
  LoadingDisabled,    // kernel.modules_disabled=1
  NotPermitted,       // caller lacks CAP_SYS_MODULE
  BadModule,          // symbol/version mismatch, wrong format
  InUse,              // unload while referenced
  BuiltIn,            // unload of a built-in module
  Other,
};

// Facts beyond errno that decide what an errno means: EPERM alone could be
// lockdown, modules_disabled or a missing capability.
struct ModuleEnvironment {
  bool can_load_modules = true;    // CAP_SYS_MODULE in the effective set
  std::string lockdown;            // active lockdown mode, "" when none
  bool loading_disabled = false;   // kernel.modules_disabled=1
  std::string kernel_modules_dir;  // <modules_dir>/<release>
  bool modules_installed = true;   // whether that directory exists
};

ModuleEnvironment read_module_environment(const SystemPaths& paths,
                                          const std::string& kernel_release);

ModuleFailure classify_module_failure(int errnum, const ModuleEnvironment& env);

// One line for SysError::reason, e.g. "module not found for kernel 6.1.0-9".
std::string module_failure_reason(int errnum, const std::string& kernel_release,
                                  const ModuleEnvironment& env);

// What to do about it; may span several sentences, never empty.
std::string module_failure_hint(const std::string& module, int errnum,
                                const std::string& kernel_release,
                                const ModuleEnvironment& env);
std::string module_failure_hint(const std::string& module, int errnum,
                                const std::string& kernel_release,
                                const SystemPaths& paths);

}  // namespace nvmetctl
