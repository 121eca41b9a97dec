// Port links: unlinked before anything that needs the port disabled or the
// subsystem gone, linked again after everything else.
#include <algorithm>

#include "nvmetctl/model/attribute_table.h"
#include "planning.h"

namespace nvmetctl {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The kernel rewrites some parameters whenever it enables a port, even when
// that fails (a refused rdma bind leaves max_queue_size clamped to 256). The
// undo of the unlink that disabled the port runs first in a rollback: it
// writes them back while the port is still disabled, then relinks.
void restore_enable_time_params(Planning& p, const Port& live_port, Step& last_unlink) {
  std::vector<Operation> params;
  for (const AttributeSpec* spec : attributes_of(ObjectKind::Port)) {
    std::string value = attr_value(live_port.attrs, spec->file);
    if (spec->kernel_rewrites && !value.empty())
      params.push_back({OpKind::Write, p.layout.port(live_port.id) + "/" + spec->file, value, {}});
  }
  last_unlink.undo.insert(last_unlink.undo.begin(), params.begin(), params.end());
}

// Why hosts notice this unlink; "" when the link stays.
std::string why_unlink(const Outcome& outcome, std::uint16_t port_id, const std::string& nqn,
                       const std::vector<std::string>& kept) {
  std::string port = std::to_string(port_id);
  if (outcome.relinks(port_id))
    return "port " + port + " stops listening while its address or parameters change; hosts on it reconnect";
  if (outcome.recreates(nqn)) return "subsystem " + nqn + " is recreated; its hosts on port " + port + " are dropped";
  if (!contains(kept, nqn)) return "hosts connected to " + nqn + " through port " + port + " are dropped";
  return {};
}

void detach_port_links(Planning& p) {
  const Outcome& outcome = p.outcome;
  for (const Port& live_port : outcome.live().ports) {
    if (!live_port.subsystems) continue;
    auto kept = outcome.links_after(live_port.id);
    bool pruned_port = !outcome.desired().find_port(live_port.id);
    std::size_t unlinked = 0;
    Step* last = nullptr;
    for (const auto& nqn : *live_port.subsystems) {
      std::string why = why_unlink(outcome, live_port.id, nqn, kept);
      if (why.empty()) continue;
      p.detached.insert({live_port.id, nqn});
      ChangeKind kind = !contains(kept, nqn) && pruned_port ? ChangeKind::Remove : ChangeKind::Update;
      last = &p.steps.unlink(p.layout.subsystem(nqn), p.layout.port_link(live_port.id, nqn), port_object(live_port.id),
                             kind, why);
      ++unlinked;
    }
    if (unlinked > 0 && unlinked == live_port.subsystems->size()) restore_enable_time_params(p, live_port, *last);
  }
}

void detach_allowed_hosts(Planning& p) {
  const Outcome& outcome = p.outcome;
  for (const Subsystem& live_s : outcome.live().subsystems) {
    if (!live_s.allowed_hosts) continue;
    auto kept = outcome.allowed_hosts_after(live_s);
    bool recreated = outcome.recreates(live_s.nqn);
    for (const auto& host : *live_s.allowed_hosts) {
      if (contains(kept, host) && !recreated) continue;
      ChangeKind kind = recreated                               ? ChangeKind::Replace
                        : outcome.desired_subsystem(live_s.nqn) ? ChangeKind::Update
                                                                : ChangeKind::Remove;
      p.steps.unlink(p.layout.host(host), p.layout.allowed_host_link(live_s.nqn, host), subsystem_object(live_s.nqn),
                     kind, "new connections from " + host + " are refused (connected ones stay)");
    }
  }
}

void attach(Planning& p, std::uint16_t id, const std::vector<std::string>& wanted,
            const std::vector<std::string>& live_links, ChangeKind kind) {
  for (const auto& nqn : wanted) {
    bool still_linked = contains(live_links, nqn) && !p.detached.count({id, nqn});
    if (!still_linked) p.steps.link(p.layout.subsystem(nqn), p.layout.port_link(id, nqn), port_object(id), kind);
  }
}

}  // namespace

void detach_links(Planning& p) {
  detach_port_links(p);
  detach_allowed_hosts(p);
}

void attach_links(Planning& p) {
  const Outcome& outcome = p.outcome;
  for (const Port& port : outcome.desired().ports) {
    const Port* live_port = outcome.live().find_port(port.id);
    std::vector<std::string> live_links =
        live_port && live_port->subsystems ? *live_port->subsystems : std::vector<std::string>{};
    attach(p, port.id, outcome.links_after(port.id), live_links, live_port ? ChangeKind::Update : ChangeKind::Create);
  }
  if (p.options().prune) return;
  for (const Port& live_port : outcome.live().ports)  // undeclared ports get back links of recreated subsystems
    if (!outcome.desired().find_port(live_port.id) && live_port.subsystems)
      attach(p, live_port.id, *live_port.subsystems, *live_port.subsystems, ChangeKind::Update);
}

}  // namespace nvmetctl
