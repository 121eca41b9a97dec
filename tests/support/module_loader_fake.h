#pragma once
// In-memory ModuleLoader for tests of code that loads modules. It follows the
// real loader's rules (dependencies first, '-'/'_' and aliases, unload refused
// while a loaded module depends on it) and gives the same error texts.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "nvmetctl/kernel/module_failure.h"
#include "nvmetctl/kernel/module_loader.h"

namespace nvmetctl {

class FakeModuleLoader final : public ModuleLoader {
 public:
  explicit FakeModuleLoader(std::string kernel_release = "6.12.0-fake");

  // Setup. Names may use '-' or '_'. Unknown modules are Unavailable.
  FakeModuleLoader& add_module(const std::string& name, std::vector<std::string> dependencies = {});
  FakeModuleLoader& add_alias(const std::string& alias, const std::string& name);
  FakeModuleLoader& set_builtin(const std::string& name);
  FakeModuleLoader& set_loaded(const std::string& name);  // before the code under test runs
  FakeModuleLoader& fail_load(const std::string& name, int errnum);
  FakeModuleLoader& fail_unload(const std::string& name, int errnum);
  FakeModuleLoader& set_environment(ModuleEnvironment env);  // shapes EPERM/ENOENT texts
  // Runs when the module is inserted (as a dependency too), e.g. to make the
  // fake configfs tree show /nvmet once nvmet is loaded.
  FakeModuleLoader& on_load(const std::string& name, std::function<void()> callback);
  // nvmet, its transports, ib_core/rdma_cm, rdma_rxe and siw with their
  // real dependencies and aliases, none loaded.
  FakeModuleLoader& add_nvmet_modules();

  Expected<ModuleState> state(const std::string& name) override;
  Expected<ModuleReport> load(const std::string& name) override;
  Expected<void> unload(const std::string& name) override;
  std::string kernel_release() const override { return release_; }

  // Observations, in kernel names ("nvmet_rdma").
  const std::vector<std::string>& loads() const { return loads_; }
  const std::vector<std::string>& unloads() const { return unloads_; }
  bool is_loaded(const std::string& name) const;

 private:
  std::string resolve(const std::string& name) const;
  SysError error(int errnum, const std::string& action, const std::string& name) const;
  Expected<void> insert_with_dependencies(const std::string& kernel_name,
                                          std::vector<std::string>& inserted);

  std::string release_;
  ModuleEnvironment env_;
  std::map<std::string, std::vector<std::string>> modules_;  // name -> dependencies
  std::map<std::string, std::string> aliases_;
  std::set<std::string> builtin_;
  std::set<std::string> loaded_;
  std::map<std::string, int> load_failures_;
  std::map<std::string, int> unload_failures_;
  std::map<std::string, std::function<void()>> on_load_;
  std::vector<std::string> loads_;
  std::vector<std::string> unloads_;
};

}  // namespace nvmetctl
