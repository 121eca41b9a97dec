#include "nvmetctl/engine/verify.h"
#include "nvmetctl/util/phase_profile.h"

#include <set>

#include "nvmetctl/configfs/live_state.h"
#include "nvmetctl/plan/planner.h"

namespace nvmetctl {

std::vector<std::string> describe_drift(const Plan& plan, const NvmetLayout& layout) {
  // A link the plan removes and makes again is a port relinked for the
  // attribute writes between (already listed), not a link of its own.
  std::set<std::string> unlinked, linked;
  for (const Step& step : plan.steps) {
    if (step.op.kind == OpKind::Unlink) unlinked.insert(step.op.path);
    if (step.op.kind == OpKind::Symlink) linked.insert(step.op.path);
  }
  std::vector<std::string> lines;
  for (const Step& step : plan.steps) {
    bool link = step.op.kind == OpKind::Unlink || step.op.kind == OpKind::Symlink;
    if (link && unlinked.count(step.op.path) && linked.count(step.op.path)) continue;
    std::string path = layout.relative(step.op.path);
    auto shown = [&](const std::string& value) { return step.secret ? std::string("<secret>") : value; };
    switch (step.op.kind) {
      case OpKind::Write:
        if (!step.op.detail.empty()) {  // a write that is an action, not a value (revalidate_size)
          lines.push_back(path + ": " + step.op.detail);
          break;
        }
        lines.push_back(path + ": desired '" + shown(step.op.value) + "', current '" +
                        shown(step.old_value.value_or("")) + "'");
        break;
      case OpKind::Mkdir:
        lines.push_back(path + ": missing");
        break;
      case OpKind::Rmdir:
        lines.push_back(path + ": present, but not wanted");
        break;
      case OpKind::Symlink:
        lines.push_back(path + " (link): link missing");
        break;
      case OpKind::Unlink:
        lines.push_back(path + ": link present, but not wanted");
        break;
      default:
        lines.push_back(std::string(op_kind_name(step.op.kind)) + " " + step.op.path + ": still pending");
        break;
    }
  }
  return lines;
}

std::set<std::string> touched_objects(const Plan& plan, const NvmetLayout& layout) {
  const std::string parents[] = {layout.hosts() + "/", layout.subsystems() + "/", layout.ports() + "/"};
  std::set<std::string> dirs;
  for (const Step& step : plan.steps) {
    if (!step.op.touches_configfs()) continue;
    const std::string& path = step.op.path;
    for (const std::string& parent : parents) {
      if (path.size() <= parent.size() || path.compare(0, parent.size(), parent) != 0) continue;
      dirs.insert(path.substr(0, path.find('/', parent.size())));
      break;
    }
  }
  return dirs;
}

std::vector<std::string> verify_applied(const Target& desired, const ConfigFs& fs, const NvmetLayout& layout,
                                        const KernelFacts& kernel, const PlanOptions& options,
                                        const std::set<std::string>* touched, const LiveState* before) {
  ProfiledPhase profiled("verify");
  ReadScope scope;
  scope.all_attributes = false;
  scope.declared = &desired;
  if (touched && before) {
    scope.unchanged = before;
    scope.touched = touched;
  }
  auto after = read_live_state(fs, layout, scope);
  if (!after) return {"cannot re-read configfs: " + after.error().describe()};
  return describe_drift(plan_configfs(desired, *after, layout, kernel, options), layout);
}

std::vector<std::string> verify_cleared(const ConfigFs& fs, const NvmetLayout& layout) {
  auto after = read_live_state(fs, layout, ReadScope{});
  if (!after) return {"cannot re-read configfs: " + after.error().describe()};
  return describe_drift(plan_teardown(*after, layout), layout);
}

}  // namespace nvmetctl
