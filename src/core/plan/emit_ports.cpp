// Ports with their ANA groups and referrals. Ports come before subsystems: a
// namespace moved to ANA group N must find N on the ports already.
#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/model/kernel_behaviour.h"
#include "planning.h"

namespace nvmetctl {
namespace {

// A trtype write resets tsas and a tsas write moves treq (kernel_behaviour).
// Each write is compared with what the kernel will show by then, and the
// undo of a trtype or tsas write restores the attributes it moved, in
// forward order, so a rollback in reverse ends where the port began.
void update_port_attrs(Planning& p, const Port& port, const Port& live_port, const std::string& object) {
  std::string dir = p.layout.port(port.id);
  AttrMap expected = live_port.attrs;
  auto changes = [&](const char* file) {
    auto it = port.attrs.find(file);
    const AttributeSpec* spec = find_attribute_by_file(ObjectKind::Port, file);
    return it != port.attrs.end() && spec && attribute_differs(*spec, it->second, live_port.attrs);
  };
  bool trtype_changes = changes("addr_trtype");
  for (const AttributeSpec* spec : attributes_of(ObjectKind::Port)) {
    std::string file = spec->file;
    auto it = port.attrs.find(file);
    if (it == port.attrs.end() || !attribute_differs(*spec, it->second, expected)) continue;
    // old value: as the kernel shows it then
    std::vector<Operation>& undo = p.steps.write(ChangeKind::Update, dir, *spec, it->second, &expected, object).undo;
    auto restore = [&](const char* moved) {
      std::string old = attr_value(live_port.attrs, moved);
      if (!old.empty()) undo.push_back({OpKind::Write, dir + "/" + moved, old, {}});
    };
    apply_port_write(expected, file, it->second);
    if (file == "addr_trtype") {
      if (expected.count("addr_tsas") && attr_value(live_port.attrs, "addr_trtype") == "tcp") restore("addr_tsas");
      restore("addr_treq");
    } else if (file == "addr_tsas") {
      if (trtype_changes) undo.clear();  // the trtype write's undo restores tsas and treq
      else restore("addr_treq");
    } else if (file == "addr_treq" && (trtype_changes || changes("addr_tsas"))) {
      undo.clear();  // restored by the trtype or tsas write's undo
    }
  }
}

void plan_ana_group(Planning& p, const Port& port, const AnaGroup& g, const Port* live_port) {
  std::string object = port_object(port.id) + " ana group " + std::to_string(g.id);
  std::string dir = p.layout.ana_group(port.id, g.id);
  const AttributeSpec* state = find_attribute_by_file(ObjectKind::AnaGroup, "ana_state");
  const AnaGroup* live_g = live_port ? live_port->find_ana_group(g.id) : nullptr;
  bool exists = live_g || g.id == 1;  // group 1 comes with every port
  if (!exists) {
    p.steps.mkdir(ChangeKind::Create, dir, object);
    if (g.attrs.count("ana_state"))
      p.steps.write(ChangeKind::Create, dir, *state, g.attrs.at("ana_state"), nullptr, object);
    return;
  }
  if (!g.attrs.count("ana_state")) return;
  AttrMap live_attrs = live_g ? live_g->attrs : AttrMap{{"ana_state", "optimized"}};
  if (attribute_differs(*state, g.attrs.at("ana_state"), live_attrs))
    p.steps.write(live_g ? ChangeKind::Update : ChangeKind::Create, dir, *state, g.attrs.at("ana_state"), &live_attrs,
                  object);
}

void plan_referral(Planning& p, const Port& port, const Referral& r, const Port* live_port) {
  std::string object = port_object(port.id) + " referral " + r.name;
  std::string dir = p.layout.referral(port.id, r.name);
  const Referral* live_r = live_port ? live_port->find_referral(r.name) : nullptr;
  if (!live_r) {
    p.steps.mkdir(ChangeKind::Create, dir, object);
    p.steps.write_fresh(dir, ObjectKind::Referral, r.attrs, object);
    return;
  }
  const AttributeSpec* enable = find_attribute_by_file(ObjectKind::Referral, "enable");
  std::vector<const AttributeSpec*> changes;
  for (const AttributeSpec* spec : attributes_of(ObjectKind::Referral)) {
    auto it = r.attrs.find(spec->file);
    if (spec != enable && it != r.attrs.end() && attribute_differs(*spec, it->second, live_r->attrs))
      changes.push_back(spec);
  }
  bool live_enabled = attr_value(live_r->attrs, "enable") == "1";
  bool cycle = !changes.empty() && live_enabled;
  if (cycle) p.steps.write(ChangeKind::Update, dir, *enable, "0", &live_r->attrs, object);
  for (const AttributeSpec* spec : changes)
    p.steps.write(ChangeKind::Update, dir, *spec, r.attrs.at(spec->file), &live_r->attrs, object);
  std::string want_enable = r.attrs.count("enable") ? r.attrs.at("enable") : (live_enabled ? "1" : "0");
  bool now_enabled = cycle ? false : live_enabled;
  if ((want_enable == "1") != now_enabled) {
    AttrMap after = live_r->attrs;
    after["enable"] = now_enabled ? "1" : "0";
    p.steps.write(ChangeKind::Update, dir, *enable, want_enable, &after, object);
  }
}

}  // namespace

void plan_port(Planning& p, const Port& port) {
  std::string object = port_object(port.id);
  const Port* live_port = p.outcome.live().find_port(port.id);
  if (!live_port) {
    p.steps.mkdir(ChangeKind::Create, p.layout.port(port.id), object);
    p.steps.write_fresh(p.layout.port(port.id), ObjectKind::Port, port.attrs, object);
  } else {
    update_port_attrs(p, port, *live_port, object);
  }
  for (const AnaGroup& g : port.ana_groups) plan_ana_group(p, port, g, live_port);
  for (const Referral& r : port.referrals) plan_referral(p, port, r, live_port);
}

}  // namespace nvmetctl
