#include "module_loader_fake.h"

#include <algorithm>

namespace nvmetctl {

FakeModuleLoader::FakeModuleLoader(std::string kernel_release)
    : release_(std::move(kernel_release)) {
  env_.kernel_modules_dir = "/lib/modules/" + release_;
}

FakeModuleLoader& FakeModuleLoader::add_module(const std::string& name,
                                               std::vector<std::string> dependencies) {
  for (auto& dep : dependencies) dep = normalize_module_name(dep);
  modules_[normalize_module_name(name)] = std::move(dependencies);
  return *this;
}

FakeModuleLoader& FakeModuleLoader::add_alias(const std::string& alias, const std::string& name) {
  aliases_[alias] = normalize_module_name(name);
  return *this;
}

FakeModuleLoader& FakeModuleLoader::set_builtin(const std::string& name) {
  builtin_.insert(normalize_module_name(name));
  return *this;
}

FakeModuleLoader& FakeModuleLoader::set_loaded(const std::string& name) {
  const std::string kernel_name = normalize_module_name(name);
  modules_.try_emplace(kernel_name);
  loaded_.insert(kernel_name);
  return *this;
}

FakeModuleLoader& FakeModuleLoader::fail_load(const std::string& name, int errnum) {
  load_failures_[normalize_module_name(name)] = errnum;
  return *this;
}

FakeModuleLoader& FakeModuleLoader::fail_unload(const std::string& name, int errnum) {
  unload_failures_[normalize_module_name(name)] = errnum;
  return *this;
}

FakeModuleLoader& FakeModuleLoader::set_environment(ModuleEnvironment env) {
  env_ = std::move(env);
  return *this;
}

FakeModuleLoader& FakeModuleLoader::on_load(const std::string& name, std::function<void()> callback) {
  on_load_[normalize_module_name(name)] = std::move(callback);
  return *this;
}

FakeModuleLoader& FakeModuleLoader::add_nvmet_modules() {
  add_module("configfs");
  add_module("nvmet", {"configfs"});
  add_module("ib_core");
  add_module("rdma_cm", {"ib_core"});
  add_module("nvmet-rdma", {"nvmet", "ib_core", "rdma_cm"});
  add_module("nvmet-tcp", {"nvmet"});
  add_module("nvme-loop", {"nvmet"});
  add_module("nvmet-fc", {"nvmet"});
  add_module("rdma_rxe", {"ib_core"});
  add_module("siw", {"ib_core"});
  add_alias("nvmet-transport-1", "nvmet-rdma");
  add_alias("nvmet-transport-3", "nvmet-tcp");
  add_alias("nvmet-transport-254", "nvme-loop");
  add_alias("rdma-link-rxe", "rdma_rxe");
  add_alias("rdma-link-siw", "siw");
  return *this;
}

bool FakeModuleLoader::is_loaded(const std::string& name) const {
  return loaded_.count(resolve(name)) > 0;
}

std::string FakeModuleLoader::resolve(const std::string& name) const {
  if (auto alias = aliases_.find(name); alias != aliases_.end()) return alias->second;
  return normalize_module_name(name);
}

SysError FakeModuleLoader::error(int errnum, const std::string& action,
                                 const std::string& name) const {
  return SysError{errnum, action, name, module_failure_reason(errnum, release_, env_)};
}

Expected<ModuleState> FakeModuleLoader::state(const std::string& name) {
  const std::string kernel_name = resolve(name);
  if (builtin_.count(kernel_name)) return ModuleState::BuiltIn;
  if (loaded_.count(kernel_name)) return ModuleState::Loaded;
  if (modules_.count(kernel_name)) return ModuleState::NotLoaded;
  return ModuleState::Unavailable;
}

Expected<void> FakeModuleLoader::insert_with_dependencies(const std::string& kernel_name,
                                                          std::vector<std::string>& inserted) {
  if (builtin_.count(kernel_name) || loaded_.count(kernel_name)) return {};
  auto module = modules_.find(kernel_name);
  if (module == modules_.end()) return error(ENOENT, "load module", kernel_name);
  for (const auto& dep : module->second)
    if (auto done = insert_with_dependencies(dep, inserted); !done) return done;
  if (auto failure = load_failures_.find(kernel_name); failure != load_failures_.end())
    return error(failure->second, "load module", kernel_name);
  loaded_.insert(kernel_name);
  loads_.push_back(kernel_name);
  inserted.push_back(kernel_name);
  if (auto callback = on_load_.find(kernel_name); callback != on_load_.end()) callback->second();
  return {};
}

Expected<ModuleReport> FakeModuleLoader::load(const std::string& name) {
  const std::string kernel_name = resolve(name);
  ModuleReport report{kernel_name, ModuleAction::Loaded, {}};
  if (builtin_.count(kernel_name)) {
    report.action = ModuleAction::BuiltIn;
    return report;
  }
  if (loaded_.count(kernel_name)) {
    report.action = ModuleAction::AlreadyLoaded;
    return report;
  }
  if (!modules_.count(kernel_name)) return error(ENOENT, "load module", name);

  std::vector<std::string> inserted;
  if (auto done = insert_with_dependencies(kernel_name, inserted); !done) {
    SysError failure = error(done.error().errnum, "load module", name);
    if (done.error().path != kernel_name)
      failure.reason = "dependency " + done.error().path + ": " + failure.reason;
    return failure;
  }
  inserted.pop_back();  // the module itself, last
  report.dependencies_loaded = std::move(inserted);
  return report;
}

Expected<void> FakeModuleLoader::unload(const std::string& name) {
  const std::string kernel_name = resolve(name);
  if (builtin_.count(kernel_name)) return error(EOPNOTSUPP, "unload module", name);
  if (!loaded_.count(kernel_name)) return {};
  if (auto failure = unload_failures_.find(kernel_name); failure != unload_failures_.end())
    return error(failure->second, "unload module", name);

  std::vector<std::string> holders;
  for (const auto& holder : loaded_) {
    auto module = modules_.find(holder);
    if (module != modules_.end() &&
        std::find(module->second.begin(), module->second.end(), kernel_name) != module->second.end())
      holders.push_back(holder);
  }
  if (!holders.empty()) {
    SysError busy = error(EAGAIN, "unload module", name);
    busy.reason = "module in use by " + holders.front();
    for (std::size_t i = 1; i < holders.size(); ++i) busy.reason += ", " + holders[i];
    return busy;
  }
  loaded_.erase(kernel_name);
  unloads_.push_back(kernel_name);
  return {};
}

}  // namespace nvmetctl
