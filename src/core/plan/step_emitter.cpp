#include "step_emitter.h"

#include "nvmetctl/model/kernel_behaviour.h"
#include "nvmetctl/plan/recreate_ops.h"

namespace nvmetctl {

std::string port_object(std::uint16_t id) { return "port " + std::to_string(id); }
std::string subsystem_object(const std::string& nqn) { return "subsystem " + nqn; }
std::string namespace_object(const std::string& nqn, std::uint32_t nsid) {
  return "namespace " + std::to_string(nsid) + " of " + nqn;
}

Step& StepEmitter::emit(ChangeKind change, Operation op, const std::string& object, std::vector<Operation> undo,
                        std::string disruption) {
  Step step;
  step.change = change;
  step.op = std::move(op);
  step.object = object;
  step.undo = std::move(undo);
  step.disruption = std::move(disruption);
  plan_.steps.push_back(std::move(step));
  return plan_.steps.back();
}

Step& StepEmitter::mkdir(ChangeKind change, const std::string& dir, const std::string& object) {
  return emit(change, {OpKind::Mkdir, dir, {}, {}}, object, {{OpKind::Rmdir, dir, {}, {}}});
}

Step& StepEmitter::write(ChangeKind change, const std::string& dir, const AttributeSpec& spec, const std::string& value,
                         const AttrMap* live_attrs, const std::string& object, std::string disruption) {
  std::string path = dir + "/" + spec.file;
  std::vector<Operation> undo;
  std::optional<std::string> old;
  if (live_attrs) {
    old = attr_value(*live_attrs, spec.file);
    std::string restore = *old;
    if (spec.type == ValueType::Text)
      while (!restore.empty() && restore.back() == ' ') restore.pop_back();
    if (!restore.empty() && !is_unset_path(spec, restore)) undo.push_back({OpKind::Write, path, restore, {}});
    // A key the host did not have is removed again, where the kernel can.
    if (restore.empty() && spec.type == ValueType::Secret && kernel_has(KernelRule::HostKeyClearedByNul, kernel_))
      undo.push_back({OpKind::Write, path, std::string(1, '\0'), {}});
  }
  Step& step = emit(change, {OpKind::Write, path, value, {}}, object, std::move(undo), std::move(disruption));
  step.old_value = std::move(old);
  step.secret = spec.type == ValueType::Secret;
  return step;
}

void StepEmitter::write_fresh(const std::string& dir, ObjectKind kind, const AttrMap& attrs, const std::string& object,
                              ChangeKind change) {
  for (const AttributeSpec* spec : attributes_of(kind)) {
    auto it = attrs.find(spec->file);
    if (it == attrs.end() || it->second.empty() || is_unset_path(*spec, it->second)) continue;
    if (spec->fresh_default && attribute_values_equal(*spec, spec->fresh_default, it->second)) continue;
    write(change, dir, *spec, it->second, nullptr, object);
  }
}

Step& StepEmitter::link(const std::string& target, const std::string& link_path, const std::string& object,
                        ChangeKind change) {
  return emit(change, {OpKind::Symlink, link_path, target, {}}, object, {{OpKind::Unlink, link_path, {}, {}}});
}

Step& StepEmitter::unlink(const std::string& target, const std::string& link_path, const std::string& object,
                          ChangeKind change, std::string disruption) {
  return emit(change, {OpKind::Unlink, link_path, {}, {}}, object, {{OpKind::Symlink, link_path, target, {}}},
              std::move(disruption));
}

Step& StepEmitter::rmdir(ChangeKind change, ObjectKind kind, const std::string& dir, const AttrMap& live_attrs,
                         const std::string& object, std::string disruption) {
  return emit(change, {OpKind::Rmdir, dir, {}, {}}, object, recreate_ops(kind, dir, live_attrs), std::move(disruption));
}

void StepEmitter::defer_write(const std::string& path, const std::string& value) {
  auto& steps = plan_.steps;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if (it->op.kind != OpKind::Write || it->op.path != path || it->op.value != value) continue;
    Step moved = std::move(*it);
    steps.erase(std::next(it).base());
    steps.push_back(std::move(moved));
    return;
  }
}

}  // namespace nvmetctl
