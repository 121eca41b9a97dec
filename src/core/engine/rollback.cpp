#include "nvmetctl/engine/rollback.h"

#include <algorithm>

#include "nvmetctl/configfs/live_state.h"
#include "nvmetctl/engine/verify.h"
#include "nvmetctl/model/target_index.h"
#include "nvmetctl/plan/planner.h"

namespace nvmetctl {
namespace {

// "(null)" before the run, set after the rollback: the kernel cannot unset a
// device path, so the rollback says what it had to keep.
std::vector<std::string> kept_device_paths(const Target& before, const Target& after, const NvmetLayout& layout) {
  std::vector<std::string> kept;
  auto compare = [&](const AttrMap& was, const AttrMap& now, const std::string& path) {
    std::string device = attr_value(now, "device_path");
    if (attr_value(was, "device_path") == "(null)" && !device.empty() && device != "(null)")
      kept.push_back(layout.relative(path) + "/device_path: '" + device +
                     "' stays (the kernel cannot unset a device path)");
  };
  const TargetIndex after_index(after);
  for (const Subsystem& s : before.subsystems) {
    const Subsystem* now = after_index.subsystem(s.nqn);
    if (!now) continue;
    if (s.passthru && now->passthru) compare(s.passthru->attrs, now->passthru->attrs, layout.passthru(s.nqn));
    for (const Namespace& ns : s.namespaces)
      if (const Namespace* now_ns = now->find_namespace(ns.nsid))
        compare(ns.attrs, now_ns->attrs, layout.namespace_dir(s.nqn, ns.nsid));
  }
  return kept;
}

}  // namespace

RollbackResult roll_back(const Plan& plan, std::size_t completed, Environment& env) {
  RollbackResult result;
  for (std::size_t i = completed; i-- > 0;) {
    const Step& step = plan.steps[i];
    for (const Operation& op : step.undo) {
      auto undone = run_operation(env, op);
      if (!undone) result.errors.push_back(undone.error());
    }
    ++result.undone;
  }
  return result;
}

RollbackCheck check_rolled_back(const Target& snapshot, const ConfigFs& fs, const NvmetLayout& layout) {
  RollbackCheck check;
  auto after = read_live_state(fs, layout, ReadScope{});
  if (!after) {
    check.drift.push_back("cannot re-read configfs: " + after.error().describe());
    return check;
  }
  // The state after rollback must equal the snapshot exactly: what is not
  // in it is drift too.
  PlanOptions exact;
  exact.prune = true;
  check.drift = describe_drift(plan_configfs(snapshot, *after, layout, KernelFacts{}, exact), layout);
  check.kept = kept_device_paths(snapshot, after->target, layout);
  return check;
}

std::vector<std::string> rdma_link_drift(const Plan& plan, std::size_t completed, RdmaLinks* rdma) {
  std::vector<const Operation*> link_ops;
  for (std::size_t i = 0; i < completed; ++i) {
    const Operation& op = plan.steps[i].op;
    if (op.kind == OpKind::AddRdmaLink || op.kind == OpKind::RemoveRdmaLink) link_ops.push_back(&op);
  }
  if (link_ops.empty() || !rdma) return {};
  auto devices = rdma->list();
  if (!devices) return {"cannot list rdma links: " + devices.error().describe()};
  std::vector<std::string> drift;
  for (const Operation* op : link_ops) {
    bool present =
        std::any_of(devices->begin(), devices->end(), [&](const RdmaDevice& d) { return d.name == op->path; });
    if (op->kind == OpKind::AddRdmaLink && present)
      drift.push_back("rdma link " + op->path + ": present, but not wanted");
    if (op->kind == OpKind::RemoveRdmaLink && !present) drift.push_back("rdma link " + op->path + ": missing");
  }
  return drift;
}

}  // namespace nvmetctl
