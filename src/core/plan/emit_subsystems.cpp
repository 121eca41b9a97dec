// Subsystems: identity before anything that could expose them, the
// allow-list after allow_any_host=0, then namespaces and passthru in the
// order the kernel accepts.
#include <algorithm>

#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/model/kernel_behaviour.h"
#include "nvmetctl/plan/recreate_ops.h"
#include "nvmetctl/util/parse_number.h"
#include "planning.h"

namespace nvmetctl {
namespace {

// A recreated object keeps what the file leaves to the kernel: the declared
// values, and the live ones for every attribute the file does not name.
AttrMap declared_over_live(AttrMap declared, const AttrMap& live) {
  for (const auto& [file, value] : live) declared.emplace(file, value);
  return declared;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// `current` is what the kernel shows when these writes run.
void update_subsystem_attrs(Planning& p, const Subsystem& s, const Subsystem& live, const AttrMap& current) {
  std::string dir = p.layout.subsystem(s.nqn);
  auto table_order = attributes_of(ObjectKind::Subsystem);
  std::vector<const AttributeSpec*> specs(table_order.begin(), table_order.end());
  // Never let cntlid_min cross cntlid_max: raise max first when min moves above it.
  auto min_it = s.attrs.find("attr_cntlid_min");
  if (min_it != s.attrs.end() &&
      parse_number<long long>(min_it->second).value_or(0) >=
          parse_number<long long>(attr_value(live.attrs, "attr_cntlid_max")).value_or(0)) {
    auto position = [&](const char* file) {
      return std::find_if(specs.begin(), specs.end(), [&](auto* spec) { return std::string(spec->file) == file; });
    };
    std::iter_swap(position("attr_cntlid_min"), position("attr_cntlid_max"));
  }
  for (const AttributeSpec* spec : specs) {
    auto it = s.attrs.find(spec->file);
    if (it == s.attrs.end() || !attribute_differs(*spec, it->second, current)) continue;
    std::string disruption;
    if (spec->drops_controllers && kernel_has(KernelRule::QidMaxWriteDropsControllers, p.kernel()))
      disruption = "writing qid_max makes the kernel drop every controller of the subsystem";
    if (std::string(spec->file) == "attr_allow_any_host" && it->second == "0")
      disruption = "hosts not in allowed_hosts can no longer connect (connected ones stay)";
    p.steps.write(ChangeKind::Update, dir, *spec, it->second, &live.attrs, subsystem_object(s.nqn), disruption);
  }
}

// A subsystem this run makes: new, or recreated from `old`.
void create_subsystem(Planning& p, const Subsystem& s, const Subsystem* old, ChangeKind fresh_kind) {
  AttrMap attrs = old ? declared_over_live(s.attrs, old->attrs) : s.attrs;
  // The version a passthru subsystem shows is its controller's.
  if (old && old->passthru_enabled() && !s.attrs.count("attr_version")) attrs.erase("attr_version");
  std::string dir = p.layout.subsystem(s.nqn);
  p.steps.mkdir(fresh_kind, dir, subsystem_object(s.nqn));
  p.steps.write_fresh(dir, ObjectKind::Subsystem, attrs, subsystem_object(s.nqn), fresh_kind);
}

// Host links after allow_any_host=0 is written; removals happened in detach_links.
void link_allowed_hosts(Planning& p, const Subsystem& s, const Subsystem* live, ChangeKind fresh_kind) {
  const Subsystem* old = p.outcome.live_subsystem(s.nqn);
  std::vector<std::string> hosts = s.allowed_hosts.value_or(std::vector<std::string>{});
  if (!s.allowed_hosts && p.outcome.recreates(s.nqn)) hosts = p.outcome.allowed_hosts_after(*old);
  for (const auto& host : hosts) {
    bool present = live && live->allowed_hosts && contains(*live->allowed_hosts, host);
    if (!present)
      p.steps.link(p.layout.host(host), p.layout.allowed_host_link(s.nqn, host), subsystem_object(s.nqn),
                   live ? ChangeKind::Update : fresh_kind);
  }
}

// Recreated, a namespace keeps its uuid, nguid, ANA group and enable, or
// hosts see a new device.
void plan_namespaces(Planning& p, const Subsystem& s, const Subsystem* live, ChangeKind fresh_kind) {
  const Subsystem* old = p.outcome.recreates(s.nqn) ? p.outcome.live_subsystem(s.nqn) : nullptr;
  for (const Namespace& ns : s.namespaces) {
    const Namespace* old_ns = old ? old->find_namespace(ns.nsid) : nullptr;
    Namespace carried = ns;
    if (old_ns) carried.attrs = declared_over_live(ns.attrs, old_ns->attrs);
    plan_namespace(p, s, carried, live, fresh_kind);
  }
  if (old && !p.options().prune) recreate_undeclared_namespaces(p, s, *old);
}

}  // namespace

void rmdir_subsystem(Planning& p, ChangeKind change, const Subsystem& live, std::string disruption) {
  Step& step = p.steps.rmdir(change, ObjectKind::Subsystem, p.layout.subsystem(live.nqn), live.attrs,
                             subsystem_object(live.nqn), std::move(disruption));
  if (!live.passthru) return;
  // Enable last, by table order.
  auto restore = restore_attribute_writes(ObjectKind::Passthru, p.layout.passthru(live.nqn), live.passthru->attrs);
  step.undo.insert(step.undo.end(), restore.begin(), restore.end());
}

void remove_recreated_subsystems(Planning& p) {
  for (const auto& nqn : p.outcome.recreated()) {
    const Subsystem* live = p.outcome.live_subsystem(nqn);
    for (const Namespace& ns : live->namespaces)
      p.steps.rmdir(ChangeKind::Replace, ObjectKind::Namespace, p.layout.namespace_dir(nqn, ns.nsid), ns.attrs,
                    subsystem_object(nqn));
    rmdir_subsystem(p, ChangeKind::Replace, *live,
                    p.outcome.linked_now(nqn) ? "the subsystem is recreated: every connected host loses it" : "");
  }
}

void plan_subsystem(Planning& p, const Subsystem& s) {
  bool recreated = p.outcome.recreates(s.nqn);
  const Subsystem* old = p.outcome.live_subsystem(s.nqn);
  const Subsystem* live = recreated ? nullptr : old;
  ChangeKind fresh_kind = recreated ? ChangeKind::Replace : ChangeKind::Create;
  // Leaving passthru mode comes first: until then the kernel refuses a
  // version and ignores a namespace's enable.
  bool leaves_passthru = live && p.outcome.leaves_passthru(s);
  // Pruned namespaces go first: before passthru is enabled (the kernel
  // refuses it beside them), and, when it is disabled, so that a rollback
  // re-enables it before they come back (6.19 refuses any beside it).
  if (p.options().prune && live) prune_namespaces(p, s, *live);
  if (leaves_passthru) plan_passthru(p, s, live, fresh_kind);
  if (!live) create_subsystem(p, s, old, fresh_kind);
  else update_subsystem_attrs(p, s, *live, p.outcome.subsystem_attrs_before_writes(s));
  link_allowed_hosts(p, s, live, fresh_kind);
  // A new subsystem that ends in passthru mode gets passthru before its
  // namespaces (all disabled then): 6.19 refuses it beside any.
  bool carries_passthru = !s.passthru && recreated && old->passthru;
  bool passthru_first = !live && (s.passthru ? s.passthru_enabled() : carries_passthru && old->passthru_enabled());
  if (passthru_first) plan_new_passthru(p, s, carries_passthru ? old : nullptr, fresh_kind);
  plan_namespaces(p, s, live, fresh_kind);
  if (passthru_first || leaves_passthru) return;
  if (s.passthru) plan_passthru(p, s, live, fresh_kind);
  else if (carries_passthru) plan_new_passthru(p, s, old, fresh_kind);
}

}  // namespace nvmetctl
