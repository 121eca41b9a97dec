// Namespaces: a device change is disable, write, enable.
#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/plan/recreate_ops.h"
#include "planning.h"

namespace nvmetctl {

namespace {

// A device that grew (or shrank) under an enabled namespace: the kernel
// serves the size it read at enable until revalidate_size is written, which
// it takes live and tells connected hosts about (a namespace-changed event).
// Nothing undoes it: the kernel serves what the device has.
void revalidate_resized(Planning& p, const Subsystem& s, const Namespace& ns, const std::string& dir,
                        const std::string& object) {
  const auto& resized = p.outcome.live_state().resized_namespaces;
  auto found = resized.find({s.nqn, ns.nsid});
  if (found == resized.end()) return;
  std::string change =
      "size " + std::to_string(found->second.served) + " -> " + std::to_string(found->second.now) + " bytes";
  const auto& files = p.outcome.live_state().attribute_files;
  auto namespace_files = files.find(ObjectKind::Namespace);
  if (namespace_files != files.end() && !namespace_files->second.count("revalidate_size")) {
    p.problems.warning(ns.where, object,
                       change +
                           ", but this kernel has no revalidate_size: hosts see the new size only after the "
                           "namespace is disabled and enabled again");
    return;
  }
  p.steps.emit(ChangeKind::Update, {OpKind::Write, dir + "/revalidate_size", "1", change}, object);
}

}  // namespace

void plan_namespace(Planning& p, const Subsystem& s, const Namespace& ns, const Subsystem* live_s,
                    ChangeKind fresh_kind) {
  std::string object = namespace_object(s.nqn, ns.nsid);
  std::string dir = p.layout.namespace_dir(s.nqn, ns.nsid);
  const Namespace* live_ns = live_s ? live_s->find_namespace(ns.nsid) : nullptr;
  if (!live_ns) {
    ChangeKind kind = live_s ? ChangeKind::Create : fresh_kind;
    p.steps.mkdir(kind, dir, object);
    p.steps.write_fresh(dir, ObjectKind::Namespace, ns.attrs, object, kind);
    return;
  }
  std::vector<const AttributeSpec*> changes;
  bool needs_disable = false;
  for (const AttributeSpec* spec : attributes_of(ObjectKind::Namespace)) {
    auto it = ns.attrs.find(spec->file);
    if (it == ns.attrs.end() || std::string(spec->file) == "enable") continue;
    if (!attribute_differs(*spec, it->second, live_ns->attrs)) continue;
    changes.push_back(spec);
    if (spec->mutability == Mutability::WhileNamespaceDisabled) needs_disable = true;
  }
  const AttributeSpec* enable = find_attribute_by_file(ObjectKind::Namespace, "enable");
  bool live_enabled = attr_value(live_ns->attrs, "enable") == "1";
  std::string want_enable = ns.attrs.count("enable") ? ns.attrs.at("enable") : (live_enabled ? "1" : "0");
  bool cycle = needs_disable && live_enabled;
  if (cycle)
    p.steps.write(ChangeKind::Update, dir, *enable, "0", &live_ns->attrs, object,
                  "namespace " + std::to_string(ns.nsid) + " disappears from hosts while its device changes");
  for (const AttributeSpec* spec : changes)
    p.steps.write(ChangeKind::Update, dir, *spec, ns.attrs.at(spec->file), &live_ns->attrs, object);
  bool now_enabled = cycle ? false : live_enabled;
  if ((want_enable == "1") != now_enabled) {
    AttrMap after = live_ns->attrs;
    after["enable"] = now_enabled ? "1" : "0";
    p.steps.write(ChangeKind::Update, dir, *enable, want_enable, &after, object,
                  want_enable == "0" ? "namespace " + std::to_string(ns.nsid) + " disappears from hosts" : "");
  }
  bool stays_enabled = live_enabled && !cycle && want_enable == "1";
  if (stays_enabled) revalidate_resized(p, s, ns, dir, object);
}

void prune_namespaces(Planning& p, const Subsystem& s, const Subsystem& live) {
  for (const Namespace& ns : live.namespaces)
    if (!s.find_namespace(ns.nsid))
      p.steps.rmdir(ChangeKind::Remove, ObjectKind::Namespace, p.layout.namespace_dir(s.nqn, ns.nsid), ns.attrs,
                    namespace_object(s.nqn, ns.nsid),
                    "namespace " + std::to_string(ns.nsid) + " disappears from hosts");
}

void recreate_undeclared_namespaces(Planning& p, const Subsystem& s, const Subsystem& old) {
  for (const Namespace& ns : old.namespaces) {
    if (s.find_namespace(ns.nsid)) continue;
    auto ops = recreate_ops(ObjectKind::Namespace, p.layout.namespace_dir(s.nqn, ns.nsid), ns.attrs);
    p.steps.mkdir(ChangeKind::Replace, ops.front().path, namespace_object(s.nqn, ns.nsid));
    for (size_t i = 1; i < ops.size(); ++i) p.steps.emit(ChangeKind::Replace, ops[i], namespace_object(s.nqn, ns.nsid));
  }
}

}  // namespace nvmetctl
