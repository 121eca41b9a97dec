// ModuleLoader on libkmod: the same lookups, configuration and dependency
// handling as modprobe, with every failure mapped to a precise reason.
#include <libkmod.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <cstdarg>
#include <cstdlib>
#include <memory>
#include <optional>
#include <utility>

#include "module_sysfs.h"
#include "nvmetctl/kernel/module_failure.h"
#include "nvmetctl/kernel/module_loader.h"
#include "nvmetctl/util/shared_library.h"

namespace nvmetctl {
namespace {

// Opened when first needed (util/shared_library): a module that is loaded
// already answers from /sys/module, so most runs never ask libkmod.
// clang-format off
#define NVMETCTL_KMOD_FUNCTIONS(X) \
  X(kmod_new) \
  X(kmod_unref) \
  X(kmod_set_log_fn) \
  X(kmod_module_new_from_lookup) \
  X(kmod_module_new_from_name) \
  X(kmod_module_get_module) \
  X(kmod_module_unref_list) \
  X(kmod_module_unref) \
  X(kmod_module_get_name) \
  X(kmod_module_get_initstate) \
  X(kmod_module_get_path) \
  X(kmod_module_probe_insert_module) \
  X(kmod_module_remove_module) \
  X(kmod_module_get_install_commands)
// clang-format on

NVMETCTL_LIBRARY_API(Kmod, NVMETCTL_KMOD_FUNCTIONS)

// Set by open_libkmod; every call below runs after a context was made.
const Kmod* libkmod = nullptr;

Expected<void> open_libkmod() {
  auto opened = opened_library<Kmod>(NVMETCTL_LIBKMOD_SONAME, "libkmod2");
  if (!opened) return opened.error();
  libkmod = *opened;
  return {};
}

struct ModuleUnref {
  void operator()(kmod_module* mod) const { libkmod->kmod_module_unref(mod); }
};
using ModulePtr = std::unique_ptr<kmod_module, ModuleUnref>;

struct ContextUnref {
  void operator()(kmod_ctx* ctx) const { libkmod->kmod_unref(ctx); }
};
using ContextPtr = std::unique_ptr<kmod_ctx, ContextUnref>;

// What libkmod did during one probe, to name the module that failed (it may
// be a dependency) and to tell install-line failures from kernel errors.
struct ProbeTrace {
  struct Step {
    std::string module;
    bool install_command = false;
  };
  std::vector<Step> steps;
  std::string failed_command;
  int command_status = 0;
};

// libkmod's print_action callback takes no user pointer, hence this.
thread_local ProbeTrace* active_trace = nullptr;

void record_step(kmod_module* mod, bool install_command, const char* /*options*/) {
  if (active_trace != nullptr) active_trace->steps.push_back({libkmod->kmod_module_get_name(mod), install_command});
}

// Runs a modprobe.d `install` line like libkmod would, but reports failure
// with an errnum of its own: libkmod's EINVAL would be mistaken for the
// kernel rejecting the module.
int run_install_line(kmod_module* mod, const char* command, void* data) {
  auto* trace = static_cast<ProbeTrace*>(data);
  setenv("MODPROBE_MODULE", libkmod->kmod_module_get_name(mod), 1);
  int status = std::system(command);
  unsetenv("MODPROBE_MODULE");
  if (status == 0) return 0;
  trace->failed_command = command;
  trace->command_status = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return -kModuleRefusedByConfigErrno;
}

// libkmod logs its own view of every failure to stderr; ours is better.
void discard_log(void*, int, const char*, int, const char*, const char*, va_list) {}

std::string uname_release() {
  utsname name{};
  return uname(&name) == 0 ? name.release : "";
}

bool file_exists(const char* path) {
  struct stat st {};
  return path != nullptr && stat(path, &st) == 0;
}

class KmodModuleLoader final : public ModuleLoader {
 public:
  explicit KmodModuleLoader(const SystemPaths& paths) : paths_(paths) {
    // osrelease and uname agree; uname covers a chroot without /proc.
    release_ = read_kernel_release(paths_).value_or(uname_release());
  }

  std::string kernel_release() const override { return release_; }

  Expected<ModuleState> state(const std::string& name) override {
    // A loaded module answers from sysfs alone (what state_of would find
    // too): libkmod's indexes, a good part of a run under emulation, are
    // opened only for what sysfs cannot tell (built in, not loaded, alias).
    if (module_sysfs::presence(paths_, normalize_module_name(name)) == module_sysfs::Presence::Loadable)
      return ModuleState::Loaded;
    auto mod = lookup(name, "query module");
    if (!mod) return mod.error();
    return state_of(mod->get(), name);
  }

  Expected<ModuleReport> load(const std::string& name) override {
    auto found = lookup(name, "load module");
    if (!found) return found.error();
    kmod_module* mod = found->get();
    ModuleReport report{canonical_name(mod, name), ModuleAction::Loaded, {}};

    switch (state_of(mod, name)) {
      case ModuleState::BuiltIn:
        report.action = ModuleAction::BuiltIn;
        return report;
      case ModuleState::Loaded:
        report.action = ModuleAction::AlreadyLoaded;
        return report;
      case ModuleState::Unavailable:
        return failure(ENOENT, "load module", name);
      case ModuleState::NotLoaded:
        break;
    }

    ProbeTrace trace;
    active_trace = &trace;
    int rc = libkmod->kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, nullptr, run_install_line,
                                                      &trace, record_step);
    active_trace = nullptr;

    if (rc > 0) return failure(kModuleRefusedByConfigErrno, "load module", name);
    if (rc < 0 && rc != -EEXIST) return probe_failure(-rc, name, report.name, trace);

    for (const auto& step : trace.steps) {
      if (step.module != report.name) report.dependencies_loaded.push_back(step.module);
      // `install foo /bin/true` succeeds without loading anything.
      if (step.module == report.name && step.install_command &&
          module_sysfs::presence(paths_, report.name) == module_sysfs::Presence::Absent)
        return refused_by_install_line(name, report.name);
    }
    return report;
  }

  Expected<void> unload(const std::string& name) override {
    auto found = lookup(name, "unload module");
    if (!found) return found.error();
    const std::string kernel_name = canonical_name(found->get(), name);
    switch (state_of(found->get(), name)) {
      case ModuleState::BuiltIn:
        return failure(EOPNOTSUPP, "unload module", name);
      case ModuleState::NotLoaded:
      case ModuleState::Unavailable:
        return {};
      case ModuleState::Loaded:
        break;
    }

    ModulePtr target;
    if (*found) {
      target = std::move(*found);
    } else {
      kmod_module* by_name = nullptr;
      if (int rc = libkmod->kmod_module_new_from_name(context(), kernel_name.c_str(), &by_name); rc < 0)
        return failure(-rc, "unload module", name);
      target.reset(by_name);
    }
    int rc = libkmod->kmod_module_remove_module(target.get(), KMOD_REMOVE_NOLOG);
    if (rc == 0 || rc == -ENOENT) return {};
    SysError error = failure(-rc, "unload module", name);
    if (rc == -EAGAIN || rc == -EBUSY)
      error.reason = "module " + module_sysfs::describe_in_use(module_sysfs::usage(paths_, kernel_name));
    return error;
  }

 private:
  // First module the name resolves to (aliases may name several; nvmet's
  // aliases name one). A null pointer means "libkmod knows no such module".
  Expected<ModulePtr> lookup(const std::string& name, const std::string& action) {
    if (!context())
      return library_error_ ? SysError{library_error_->errnum, action, name, library_error_->describe()}
                            : failure(ENOMEM, action, name);
    kmod_list* list = nullptr;
    int rc = libkmod->kmod_module_new_from_lookup(context(), name.c_str(), &list);
    // Lookup errors concern the name, not a module: keep them out of the
    // load-failure vocabulary, where EINVAL means a rejected module.
    if (rc == -EINVAL) return SysError{EINVAL, action, name, "not a valid module name or alias"};
    if (rc < 0) return sys_error(-rc, action, name);
    ModulePtr first(list != nullptr ? libkmod->kmod_module_get_module(list) : nullptr);
    libkmod->kmod_module_unref_list(list);
    return first;
  }

  static std::string canonical_name(kmod_module* mod, const std::string& requested) {
    return mod != nullptr ? libkmod->kmod_module_get_name(mod) : normalize_module_name(requested);
  }

  ModuleState state_of(kmod_module* mod, const std::string& requested) const {
    // modules.builtin is the authority on built-ins; /sys/module has no
    // entry for built-ins without parameters.
    if (mod != nullptr && libkmod->kmod_module_get_initstate(mod) == KMOD_MODULE_BUILTIN) return ModuleState::BuiltIn;
    switch (module_sysfs::presence(paths_, canonical_name(mod, requested))) {
      case module_sysfs::Presence::Loadable:
        return ModuleState::Loaded;
      case module_sysfs::Presence::BuiltIn:
        return ModuleState::BuiltIn;
      case module_sysfs::Presence::Absent:
        break;
    }
    // A modprobe.d alias may point at a module that is not installed.
    if (mod != nullptr && libkmod->kmod_module_get_path(mod) != nullptr) return ModuleState::NotLoaded;
    return ModuleState::Unavailable;
  }

  SysError failure(int errnum, const std::string& action, const std::string& name) const {
    return SysError{errnum, action, name,
                    module_failure_reason(errnum, release_, read_module_environment(paths_, release_))};
  }

  SysError probe_failure(int errnum, const std::string& name, const std::string& kernel_name,
                         const ProbeTrace& trace) const {
    const std::string failed = trace.steps.empty() ? kernel_name : trace.steps.back().module;
    if (errnum == kModuleRefusedByConfigErrno && !trace.failed_command.empty()) {
      SysError error = failure(errnum, "load module", name);
      error.reason = "modprobe configuration runs `install " + failed + " " + trace.failed_command +
                     "` instead of loading it, and that failed";
      if (trace.command_status > 0) error.reason += " (exit status " + std::to_string(trace.command_status) + ")";
      return error;
    }
    // The kernel says ENOENT for "Unknown symbol"; libkmod says ENOENT for a
    // missing file. Only the latter means "not installed".
    if (errnum == ENOENT && failed_module_file_exists(failed)) errnum = ENOEXEC;
    SysError error = failure(errnum, "load module", name);
    if (failed != kernel_name) error.reason = "dependency " + failed + ": " + error.reason;
    return error;
  }

  bool failed_module_file_exists(const std::string& kernel_name) const {
    kmod_module* raw = nullptr;
    if (!context() || libkmod->kmod_module_new_from_name(context(), kernel_name.c_str(), &raw) < 0) return false;
    ModulePtr mod(raw);
    return file_exists(libkmod->kmod_module_get_path(mod.get()));
  }

  SysError refused_by_install_line(const std::string& name, const std::string& kernel_name) const {
    SysError error = failure(kModuleRefusedByConfigErrno, "load module", name);
    kmod_module* raw = nullptr;
    std::string command;
    if (context() && libkmod->kmod_module_new_from_name(context(), kernel_name.c_str(), &raw) >= 0) {
      ModulePtr mod(raw);
      if (const char* line = libkmod->kmod_module_get_install_commands(mod.get())) command = line;
    }
    error.reason = "modprobe configuration runs `install " + kernel_name + " " + command +
                   "` instead of loading it, and that did not load it";
    return error;
  }

  SystemPaths paths_;
  std::string release_;
  // Made on first use: kmod_new reads every modprobe.d file, which a
  // command that never asks about a module (export, status) need not pay.
  kmod_ctx* context() const {
    if (!ctx_tried_) {
      ctx_tried_ = true;
      if (auto opened = open_libkmod(); !opened) {
        library_error_ = opened.error();
        return nullptr;
      }
      const std::string dirname = paths_.modules_dir + "/" + release_;
      // nullptr config paths: the system's modprobe.d directories, as modprobe.
      ctx_.reset(libkmod->kmod_new(dirname.c_str(), nullptr));
      if (ctx_) libkmod->kmod_set_log_fn(ctx_.get(), discard_log, nullptr);
    }
    return ctx_.get();
  }

  mutable ContextPtr ctx_;
  mutable bool ctx_tried_ = false;
  mutable std::optional<SysError> library_error_;
};

}  // namespace

std::unique_ptr<ModuleLoader> make_kmod_module_loader(const SystemPaths& paths) {
  return std::make_unique<KmodModuleLoader>(paths);
}

}  // namespace nvmetctl
