#include "plan_printer.h"

namespace nvmetctl::cli {
namespace {

std::string shown(const Step& step, const std::string& value) { return step.secret ? "(secret)" : "'" + value + "'"; }

std::string describe(const Step& step, const NvmetLayout& layout) {
  const Operation& op = step.op;
  std::string path = layout.relative(op.path);
  switch (op.kind) {
    case OpKind::Write:
      if (!op.detail.empty()) return "write  " + path + " = " + shown(step, op.value) + " (" + op.detail + ")";
      if (step.old_value) return "write  " + path + ": " + shown(step, *step.old_value) + " -> " + shown(step, op.value);
      return "write  " + path + " = " + shown(step, op.value);
    case OpKind::Symlink: return "link   " + path + " -> " + layout.relative(op.value);
    case OpKind::Unlink: return "unlink " + path;
    case OpKind::Mkdir: return "mkdir  " + path;
    case OpKind::Rmdir: return "rmdir  " + path;
    case OpKind::LoadModule: return "load module " + op.path + " (" + op.value + ")";
    case OpKind::UnloadModule: return "unload module " + op.path;
    case OpKind::MountConfigfs: return "mount configfs on " + op.path;
    case OpKind::AddRdmaLink: return "add rdma link " + op.path + " type " + op.value + " netdev " + op.detail;
    case OpKind::RemoveRdmaLink: return "remove rdma link " + op.path;
    case OpKind::AddTlsKey: return (op.detail.empty() ? "add TLS PSK '" : "replace TLS PSK '") + op.path + "' in .nvme";
    case OpKind::RemoveTlsKey: return "remove TLS PSK '" + op.path + "' from .nvme";
    case OpKind::RelinkTlsKey: return "put back TLS PSK '" + op.path + "' into .nvme";
  }
  return op.path;
}

}  // namespace

std::string summary_line(const Plan& plan) {
  if (plan.empty()) return "No changes. The target matches the file.";
  auto s = plan.summary();
  return "Plan: " + std::to_string(s.create) + " to create, " + std::to_string(s.update) + " to change, " +
         std::to_string(s.replace) + " to replace, " + std::to_string(s.remove) + " to remove (" +
         std::to_string(plan.steps.size()) + " operations, " + std::to_string(plan.configfs_mutations()) +
         " in configfs).";
}

void print_plan(std::ostream& out, const Plan& plan, const NvmetLayout& layout) {
  for (const auto& note : plan.notes) out << "  =   " << note << "\n";
  for (const Step& step : plan.steps) {
    std::string symbol = change_symbol(step.change);
    out << "  " << symbol << std::string(4 - symbol.size(), ' ') << describe(step, layout);
    if (!step.disruption.empty()) out << "\n        ! disrupts hosts: " << step.disruption;
    out << "\n";
  }
  for (const auto& object : plan.unmanaged) out << "  (unmanaged, left alone: " << object << "; --prune removes it)\n";
  out << summary_line(plan) << "\n";
}

nlohmann::json plan_to_json(const Plan& plan, const NvmetLayout& layout) {
  nlohmann::json steps = nlohmann::json::array();
  for (const Step& step : plan.steps) {
    nlohmann::json j{{"change", change_symbol(step.change)},
                     {"operation", op_kind_name(step.op.kind)},
                     {"object", step.object},
                     {"path", step.op.touches_configfs() ? layout.relative(step.op.path) : step.op.path}};
    if (step.op.kind == OpKind::Write) {
      j["value"] = step.secret ? "(secret)" : step.op.value;
      if (step.old_value) j["old_value"] = step.secret ? "(secret)" : *step.old_value;
      if (!step.op.detail.empty()) j["detail"] = step.op.detail;
    }
    if (step.op.kind == OpKind::Symlink) j["target"] = layout.relative(step.op.value);
    if (!step.disruption.empty()) j["disruption"] = step.disruption;
    steps.push_back(j);
  }
  auto s = plan.summary();
  return {{"steps", steps},
          {"unmanaged", plan.unmanaged},
          {"notes", plan.notes},
          {"summary",
           {{"create", s.create}, {"change", s.update}, {"replace", s.replace}, {"remove", s.remove},
            {"operations", plan.steps.size()}, {"configfs_mutations", plan.configfs_mutations()}}},
          {"changes", !plan.empty()}};
}

}  // namespace nvmetctl::cli
