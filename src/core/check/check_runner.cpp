// One pass over the probes: host modules up, each probe judged, modules down.
#include "nvmetctl/check/check_runner.h"

#include <algorithm>
#include <map>
#include <set>

#include "probe_judge.h"

namespace nvmetctl {
namespace {

bool needs_connect(const Probe& probe) { return probe.not_checkable.empty() && probe.broken.empty(); }

struct LoadedModules {
  std::vector<std::string> order;       // as loaded, dependencies first
  std::map<std::string, std::string> failed;  // transport module -> why it could not be loaded
};

LoadedModules load_host_modules(const std::vector<Probe>& probes, CheckEnvironment& env, CheckReport& report) {
  LoadedModules loaded;
  if (env.modules == nullptr) return loaded;
  for (const std::string& name : host_modules_for(probes)) {
    auto state = env.modules->state(name);
    if (state && (*state == ModuleState::Loaded || *state == ModuleState::BuiltIn)) continue;
    auto done = env.modules->load(name);
    if (!done) {
      loaded.failed[name] = done.error().describe();
      // Its probes could not run: the check did not prove what the target promises.
      report.problems.push_back("the host side cannot be loaded here, so the probes over it did not run: " +
                                done.error().describe());
      continue;
    }
    if (done->action != ModuleAction::Loaded) continue;
    for (const std::string& dependency : done->dependencies_loaded) loaded.order.push_back(dependency);
    loaded.order.push_back(done->name);
  }
  report.modules_loaded = loaded.order;
  return loaded;
}

void unload_host_modules(const LoadedModules& loaded, CheckEnvironment& env, CheckReport& report) {
  for (auto it = loaded.order.rbegin(); it != loaded.order.rend(); ++it) {
    if (auto done = env.modules->unload(*it); done) report.modules_unloaded.push_back(*it);
    else report.problems.push_back("the check loaded " + *it + " but could not unload it: " + done.error().reason);
  }
}

std::string module_for(const std::string& trtype) { return "nvme-" + trtype; }

}  // namespace

std::vector<std::string> host_modules_for(const std::vector<Probe>& probes) {
  std::set<std::string> transports;
  for (const Probe& probe : probes)
    if (needs_connect(probe)) transports.insert(probe.connect.trtype);
  std::vector<std::string> modules;
  if (transports.empty()) return modules;
  modules.push_back("nvme-fabrics");
  for (const std::string& trtype : transports) modules.push_back(module_for(trtype));
  return modules;
}

CheckReport run_check(const std::vector<Probe>& probes, CheckEnvironment& env) {
  CheckReport report;
  LoadedModules loaded = load_host_modules(probes, env, report);
  ProbeJudge judge(env, report);
  for (const Probe& original : probes) {
    if (env.interrupted && env.interrupted->load()) {
      report.problems.push_back("interrupted by a signal: " + std::to_string(probes.size() - report.results.size()) +
                                " probes were not run");
      break;
    }
    Probe probe = original;
    if (env.host_id) probe.host.id = env.host_id(probe.host.nqn);
    auto failed = loaded.failed.find(module_for(probe.connect.trtype));
    if (failed == loaded.failed.end()) failed = loaded.failed.find("nvme-fabrics");
    if (needs_connect(probe) && failed != loaded.failed.end())
      probe.not_checkable = "the host side cannot be loaded here: " + failed->second;
    report.results.push_back(judge.judge(probe));
  }
  judge.note_unjudged_referrals(probes);
  unload_host_modules(loaded, env, report);
  return report;
}

}  // namespace nvmetctl
