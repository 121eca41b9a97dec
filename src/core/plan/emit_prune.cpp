// What the file does not declare: removed with --prune, listed otherwise.
// A declared subsystem's undeclared namespaces went in plan_subsystem.
#include "nvmetctl/model/attribute_table.h"
#include "planning.h"

namespace nvmetctl {
namespace {

void prune_port_children(Planning& p, const Port& live_port, const Port* declared) {
  std::string object = port_object(live_port.id);
  for (const Referral& r : live_port.referrals)
    if (!declared || !declared->find_referral(r.name))
      p.steps.rmdir(ChangeKind::Remove, ObjectKind::Referral, p.layout.referral(live_port.id, r.name), r.attrs,
                    object + " referral " + r.name);
  for (const AnaGroup& g : live_port.ana_groups)
    if (g.id != 1 && (!declared || !declared->find_ana_group(g.id)))
      p.steps.rmdir(ChangeKind::Remove, ObjectKind::AnaGroup, p.layout.ana_group(live_port.id, g.id), g.attrs,
                    object + " ana group " + std::to_string(g.id));
}

}  // namespace

void prune(Planning& p) {
  const Outcome& outcome = p.outcome;
  for (const Port& live_port : outcome.live().ports) {
    const Port* declared = outcome.desired().find_port(live_port.id);
    prune_port_children(p, live_port, declared);
    if (!declared)
      p.steps.rmdir(ChangeKind::Remove, ObjectKind::Port, p.layout.port(live_port.id), live_port.attrs,
                    port_object(live_port.id));
  }
  for (const Subsystem& live_s : outcome.live().subsystems) {
    if (outcome.desired_subsystem(live_s.nqn)) continue;
    for (const Namespace& ns : live_s.namespaces)
      p.steps.rmdir(ChangeKind::Remove, ObjectKind::Namespace, p.layout.namespace_dir(live_s.nqn, ns.nsid), ns.attrs,
                    subsystem_object(live_s.nqn));
    rmdir_subsystem(p, ChangeKind::Remove, live_s);
  }
  std::set<std::string> still_allowed = outcome.hosts_still_allowed();
  for (const Host& live_h : outcome.live().hosts)
    if (!outcome.desired_host(live_h.nqn) && !still_allowed.count(live_h.nqn))
      p.steps.rmdir(ChangeKind::Remove, ObjectKind::Host, p.layout.host(live_h.nqn), live_h.attrs,
                    "host " + live_h.nqn);
}

void list_unmanaged(const Outcome& outcome, Plan& plan) {
  for (const Host& h : outcome.live().hosts)
    if (!outcome.desired_host(h.nqn)) plan.unmanaged.push_back("host " + h.nqn);
  for (const Subsystem& live_s : outcome.live().subsystems) {
    const Subsystem* s = outcome.desired_subsystem(live_s.nqn);
    if (!s) {
      plan.unmanaged.push_back(subsystem_object(live_s.nqn));
      continue;
    }
    for (const Namespace& ns : live_s.namespaces)
      if (!s->find_namespace(ns.nsid)) plan.unmanaged.push_back(namespace_object(s->nqn, ns.nsid));
  }
  for (const Port& live_port : outcome.live().ports) {
    const Port* declared = outcome.desired().find_port(live_port.id);
    if (!declared) {
      plan.unmanaged.push_back(port_object(live_port.id));
      continue;
    }
    for (const Referral& r : live_port.referrals)
      if (!declared->find_referral(r.name)) plan.unmanaged.push_back(port_object(declared->id) + " referral " + r.name);
    for (const AnaGroup& g : live_port.ana_groups)
      if (g.id != 1 && !declared->find_ana_group(g.id))
        plan.unmanaged.push_back(port_object(declared->id) + " ana group " + std::to_string(g.id));
  }
}

}  // namespace nvmetctl
