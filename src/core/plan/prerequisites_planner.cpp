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

Plan plan_prerequisites(const Target& desired, const SystemFacts& facts, const std::string& configfs_mount) {
  Plan plan;
  auto modules = required_modules(desired);
  for (const RequiredModule& module : modules) {
    auto problem = facts.module_problems.find(module.name);
    if (problem != facts.module_problems.end()) {
      auto hint = facts.module_hints.find(module.name);
      plan.problems.error(module.where, "module " + module.name,
                          problem->second + " (needed " + module.reason + ")" +
                              (hint == facts.module_hints.end() ? "" : "; " + hint->second));
      continue;
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
    if (module.name == "configfs" && !facts.configfs_mounted) {
      Step mount;
      mount.change = ChangeKind::Create;
      mount.op = {OpKind::MountConfigfs, configfs_mount, {}, {}};
      mount.object = "configfs mount";
      plan.steps.push_back(mount);
    }
  }
  const std::vector<RdmaDevice> none;
  const auto& devices = facts.rdma_devices ? *facts.rdma_devices : none;
  for (const RdmaLink& link : desired.rdma_links) {
    std::string object = "rdma link " + link.name;
    if (facts.missing_netdevs.count(link.netdev)) {
      plan.problems.error(link.where, object, "netdev '" + link.netdev + "' does not exist on this machine "
                                              "(see 'ip link'); create it or fix rdma_links.netdev");
      continue;
    }
    auto same_name = std::find_if(devices.begin(), devices.end(), [&](const RdmaDevice& d) { return d.name == link.name; });
    if (same_name != devices.end()) {
      if (same_name->netdev == link.netdev) plan.notes.push_back(object + ": exists on " + link.netdev);
      if (same_name->netdev != link.netdev)
        plan.problems.error(link.where, object, "RDMA device " + link.name + " exists on netdev '" +
                                                    same_name->netdev + "', the file says '" + link.netdev +
                                                    "': delete it with 'rdma link delete " + link.name +
                                                    "' or fix the file");
      continue;
    }
    auto same_netdev = std::find_if(devices.begin(), devices.end(), [&](const RdmaDevice& d) {
      return d.netdev == link.netdev && d.link_type == link.type;
    });
    if (same_netdev != devices.end()) {
      plan.problems.error(link.where, object, "netdev '" + link.netdev + "' already has " + link.type + " link '" +
                                                  same_netdev->name + "' and the kernel allows one per netdev: "
                                                  "rename the link in the file to '" + same_netdev->name +
                                                  "', or run 'rdma link delete " + same_netdev->name + "'");
      continue;
    }
    Step step;
    step.change = ChangeKind::Create;
    step.op = {OpKind::AddRdmaLink, link.name, link.type, link.netdev};
    step.object = object;
    step.undo = {{OpKind::RemoveRdmaLink, link.name, {}, {}}};
    plan.steps.push_back(step);
  }
  return plan;
}

}  // namespace nvmetctl
