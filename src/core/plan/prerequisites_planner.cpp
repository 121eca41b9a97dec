#include <algorithm>
#include <set>

#include "nvmetctl/kernel/module_names.h"
#include "nvmetctl/plan/prerequisites.h"

namespace nvmetctl {

std::vector<RequiredModule> required_modules(const Target& desired) {
  std::vector<RequiredModule> modules;
  std::set<std::string> seen;
  auto add = [&](const std::string& name, const std::string& reason, const SourceLocation& where) {
    if (seen.insert(normalize_module_name(name)).second) modules.push_back({name, reason, where});
  };
  add("configfs", "to hold the nvmet tree", {});
  add(std::string(kTargetCoreModule), "the NVMe target core", {});
  for (const Port& port : desired.ports) {
    auto it = port.attrs.find("addr_trtype");
    if (it == port.attrs.end()) continue;
    if (auto module = transport_module(it->second))
      add(std::string(*module), "for port " + std::to_string(port.id) + " (trtype " + it->second + ")", port.where);
  }
  for (const RdmaLink& link : desired.rdma_links)
    if (auto module = link_type_module(link.type))
      add(std::string(*module), "for rdma link " + link.name + " (type " + link.type + ")", link.where);
  for (const std::string& extra : desired.modules) add(extra, "listed under modules", {});
  return modules;
}

namespace {

// False when loading it is already known to fail (a module problem from the
// system facts): then nothing that depends on it is planned either.
bool plan_module(Plan& plan, const RequiredModule& module, const SystemFacts& facts) {
  auto problem = facts.module_problems.find(module.name);
  if (problem != facts.module_problems.end()) {
    auto hint = facts.module_hints.find(module.name);
    plan.problems.error(module.where, "module " + module.name,
                        problem->second + " (needed " + module.reason + ")" +
                            (hint == facts.module_hints.end() ? "" : "; " + hint->second));
    return false;
  }
  auto state = facts.modules.find(module.name);
  if (state == facts.modules.end() || state->second == ModuleState::NotLoaded) {
    Step step;
    step.change = ChangeKind::Create;
    step.op = {OpKind::LoadModule, module.name, module.reason, {}};
    step.object = "module " + module.name;
    plan.steps.push_back(step);  // never unloaded on rollback: loading is harmless
  } else if (state->second == ModuleState::Loaded || state->second == ModuleState::BuiltIn) {
    plan.notes.push_back("module " + module.name + ": " +
                         (state->second == ModuleState::Loaded ? "already loaded" : "built into the kernel"));
  } else if (state->second == ModuleState::Unavailable) {
    plan.problems.error(module.where, "module " + module.name,
                        "module " + module.name + " is not available for kernel " + facts.kernel_release +
                            " (needed " + module.reason + ")");
  }
  return true;
}

void plan_configfs_mount(Plan& plan, const std::string& configfs_mount) {
  Step mount;
  mount.change = ChangeKind::Create;
  mount.op = {OpKind::MountConfigfs, configfs_mount, {}, {}};
  mount.object = "configfs mount";
  plan.steps.push_back(mount);
}

// The kernel allows one link of a type per netdev and unique device names,
// so a clash is a plan error rather than a failed step half-way.
bool rdma_link_clashes(Plan& plan, const RdmaLink& link, const std::vector<RdmaDevice>& devices) {
  std::string object = "rdma link " + link.name;
  auto same_name =
      std::find_if(devices.begin(), devices.end(), [&](const RdmaDevice& d) { return d.name == link.name; });
  if (same_name != devices.end()) {
    if (same_name->netdev == link.netdev) plan.notes.push_back(object + ": exists on " + link.netdev);
    if (same_name->netdev != link.netdev)
      plan.problems.error(link.where, object, "RDMA device " + link.name + " exists on netdev '" +
                                                  same_name->netdev + "', the file says '" + link.netdev +
                                                  "': delete it with 'rdma link delete " + link.name +
                                                  "' or fix the file");
    return true;
  }
  auto same_netdev = std::find_if(devices.begin(), devices.end(), [&](const RdmaDevice& d) {
    return d.netdev == link.netdev && d.link_type == link.type;
  });
  if (same_netdev == devices.end()) return false;
  plan.problems.error(link.where, object, "netdev '" + link.netdev + "' already has " + link.type + " link '" +
                                              same_netdev->name + "' and the kernel allows one per netdev: "
                                              "rename the link in the file to '" + same_netdev->name +
                                              "', or run 'rdma link delete " + same_netdev->name + "'");
  return true;
}

void plan_rdma_link(Plan& plan, const RdmaLink& link, const SystemFacts& facts,
                    const std::vector<RdmaDevice>& devices) {
  std::string object = "rdma link " + link.name;
  if (facts.missing_netdevs.count(link.netdev)) {
    plan.problems.error(link.where, object, "netdev '" + link.netdev + "' does not exist on this machine "
                                            "(see 'ip link'); create it or fix rdma_links.netdev");
    return;
  }
  if (rdma_link_clashes(plan, link, devices)) return;
  Step step;
  step.change = ChangeKind::Create;
  step.op = {OpKind::AddRdmaLink, link.name, link.type, link.netdev};
  step.object = object;
  step.undo = {{OpKind::RemoveRdmaLink, link.name, {}, {}}};
  plan.steps.push_back(step);
}

}  // namespace

Plan plan_prerequisites(const Target& desired, const SystemFacts& facts, const std::string& configfs_mount) {
  Plan plan;
  for (const RequiredModule& module : required_modules(desired)) {
    if (!plan_module(plan, module, facts)) continue;
    // Mounting needs the configfs module, so the mount step follows its load.
    if (module.name == "configfs" && !facts.configfs_mounted) plan_configfs_mount(plan, configfs_mount);
  }
  const std::vector<RdmaDevice> none;
  const auto& devices = facts.rdma_devices ? *facts.rdma_devices : none;
  for (const RdmaLink& link : desired.rdma_links) plan_rdma_link(plan, link, facts, devices);
  return plan;
}

}  // namespace nvmetctl
