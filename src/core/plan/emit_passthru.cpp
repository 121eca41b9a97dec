// Passthru: a device change is disable, write, enable; enabling it changes
// the subsystem's version (kernel_behaviour), which its undo puts back.
#include "nvmetctl/model/attribute_table.h"
#include "planning.h"

namespace nvmetctl {
namespace {

// Disabling passthru again in a rollback resets the version to the kernel's
// default; a version set by hand is written back after.
void restore_version_on_undo(Planning& p, const Subsystem& s, const Subsystem& live, Step& enable_step) {
  std::string version = attr_value(live.attrs, "attr_version");
  auto reset_to = p.outcome.version_after_passthru();
  if (version.empty() || !reset_to || *reset_to == version) return;
  enable_step.undo.push_back({OpKind::Write, p.layout.subsystem(s.nqn) + "/attr_version", version, {}});
  if (p.outcome.linked_now(s.nqn))
    p.problems.warning(s.passthru->where, subsystem_object(s.nqn) + ".passthru.enable",
                       "if this apply fails after passthru is enabled, its rollback cannot restore version " + version +
                           " once a host has identified the subsystem (disabling passthru resets it to " + *reset_to +
                           ")");
}

}  // namespace

void plan_passthru(Planning& p, const Subsystem& s, const Subsystem* live_s, ChangeKind fresh_kind) {
  std::string object = subsystem_object(s.nqn) + " passthru";
  std::string dir = p.layout.passthru(s.nqn);
  const Passthru* live_pt = live_s && live_s->passthru ? &*live_s->passthru : nullptr;
  if (!live_pt) {
    p.steps.write_fresh(dir, ObjectKind::Passthru, s.passthru->attrs, object, fresh_kind);
    return;
  }
  const AttrMap& declared = s.passthru->attrs;
  bool path_changes =
      declared.count("device_path") && attribute_differs(*find_attribute_by_file(ObjectKind::Passthru, "device_path"),
                                                         declared.at("device_path"), live_pt->attrs);
  bool live_enabled = attr_value(live_pt->attrs, "enable") == "1";
  const AttributeSpec* enable = find_attribute_by_file(ObjectKind::Passthru, "enable");
  if (path_changes && live_enabled)
    p.steps.write(ChangeKind::Update, dir, *enable, "0", &live_pt->attrs, object,
                  "the passthru controller is detached while its device changes");
  for (const AttributeSpec* spec : attributes_of(ObjectKind::Passthru)) {
    auto it = declared.find(spec->file);
    if (it != declared.end() && spec != enable && attribute_differs(*spec, it->second, live_pt->attrs))
      p.steps.write(ChangeKind::Update, dir, *spec, it->second, &live_pt->attrs, object);
  }
  std::string want_enable = declared.count("enable") ? declared.at("enable") : (live_enabled ? "1" : "0");
  bool now_enabled = (path_changes && live_enabled) ? false : live_enabled;
  if ((want_enable == "1") == now_enabled) return;
  AttrMap after = live_pt->attrs;
  after["enable"] = now_enabled ? "1" : "0";
  Step& step = p.steps.write(ChangeKind::Update, dir, *enable, want_enable, &after, object,
                             want_enable == "0" ? "the passthru controller disappears from hosts" : "");
  if (want_enable == "1" && !live_enabled) restore_version_on_undo(p, s, *live_s, step);
}

void plan_new_passthru(Planning& p, const Subsystem& s, const Subsystem* carried_from, ChangeKind fresh_kind) {
  if (!carried_from) return plan_passthru(p, s, nullptr, fresh_kind);
  Subsystem carried = s;
  carried.passthru = carried_from->passthru;
  plan_passthru(p, carried, nullptr, fresh_kind);
}

}  // namespace nvmetctl
