// Attribute files this nvmetctl does not know (extra_attributes): written as
// the file has them, after the object's own attributes and before the port
// links, compared with the kernel's value as it reads back. nvmetctl knows
// no rule for them (when the kernel takes a write, what it does to others),
// so a refusal is the kernel's answer, and the rollback puts the old value
// back.
#include "nvmetctl/model/attribute_table.h"
#include "planning.h"

namespace nvmetctl {
namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.pop_back();
  return text;
}

// `live`: the object's attributes now, or null when this run makes it.
void write_extras(Planning& p, ObjectKind kind, const std::string& dir, const AttrMap& desired, const AttrMap* live,
                  const std::string& object) {
  bool any = false;
  for (const auto& [file, value] : desired) any = any || is_extra_attribute(kind, file);
  if (!any) return;
  // A new namespace, passthru or referral is enabled only after them: the
  // kernel takes most writes to these only while they are disabled.
  bool enables = kind == ObjectKind::Namespace || kind == ObjectKind::Passthru || kind == ObjectKind::Referral;
  if (!live && enables && attr_value(desired, "enable") == "1") {
    for (const auto& [file, value] : desired)
      if (is_extra_attribute(kind, file))
        p.steps.emit(ChangeKind::Create, {OpKind::Write, dir + "/" + file, value, {}}, object);
    p.steps.defer_write(dir + "/enable", "1");
    return;
  }
  for (const auto& [file, value] : desired) {
    if (!is_extra_attribute(kind, file)) continue;
    std::string path = dir + "/" + file;
    std::vector<Operation> undo;
    std::optional<std::string> old;
    if (live) {
      auto now = live->find(file);
      if (now != live->end() && trimmed(now->second) == trimmed(value)) continue;
      if (now != live->end()) {
        old = now->second;
        undo.push_back({OpKind::Write, path, now->second, {}});
      }
    }
    Step& step = p.steps.emit(live ? ChangeKind::Update : ChangeKind::Create, {OpKind::Write, path, value, {}}, object,
                              std::move(undo));
    step.old_value = std::move(old);
  }
}

const Namespace* find_namespace(const Subsystem* s, std::uint32_t nsid) {
  if (!s) return nullptr;
  for (const Namespace& ns : s->namespaces)
    if (ns.nsid == nsid) return &ns;
  return nullptr;
}

}  // namespace

void plan_extra_attributes(Planning& p) {
  const Outcome& o = p.outcome;
  for (const Host& h : o.desired().hosts) {
    const Host* live = o.live_host(h.nqn);
    write_extras(p, ObjectKind::Host, p.layout.host(h.nqn), h.attrs, live ? &live->attrs : nullptr, "host " + h.nqn);
  }
  for (const Port& port : o.desired().ports) {
    const Port* live = o.live().find_port(port.id);
    write_extras(p, ObjectKind::Port, p.layout.port(port.id), port.attrs, live ? &live->attrs : nullptr,
                 port_object(port.id));
    for (const Referral& ref : port.referrals) {
      const Referral* live_ref = live ? live->find_referral(ref.name) : nullptr;
      write_extras(p, ObjectKind::Referral, p.layout.referral(port.id, ref.name), ref.attrs,
                   live_ref ? &live_ref->attrs : nullptr, port_object(port.id) + " referral " + ref.name);
    }
  }
  for (const Subsystem& s : o.desired().subsystems) {
    // A recreated subsystem is new: everything of it is written again.
    const Subsystem* live = o.recreates(s.nqn) ? nullptr : o.live_subsystem(s.nqn);
    write_extras(p, ObjectKind::Subsystem, p.layout.subsystem(s.nqn), s.attrs, live ? &live->attrs : nullptr,
                 subsystem_object(s.nqn));
    for (const Namespace& ns : s.namespaces) {
      const Namespace* live_ns = find_namespace(live, ns.nsid);
      write_extras(p, ObjectKind::Namespace, p.layout.namespace_dir(s.nqn, ns.nsid), ns.attrs,
                   live_ns ? &live_ns->attrs : nullptr, namespace_object(s.nqn, ns.nsid));
    }
    if (s.passthru) {
      const Passthru* live_pt = live && live->passthru ? &*live->passthru : nullptr;
      write_extras(p, ObjectKind::Passthru, p.layout.passthru(s.nqn), s.passthru->attrs,
                   live_pt ? &live_pt->attrs : nullptr, subsystem_object(s.nqn) + " passthru");
    }
  }
}

}  // namespace nvmetctl
