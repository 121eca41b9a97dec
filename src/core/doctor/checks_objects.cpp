// Subsystems, hosts refused at connect time, and RDMA links.
#include <algorithm>

#include "check_util.h"

namespace nvmetctl::doctor {

using namespace util;

void check_subsystems(const DoctorInputs& in, Findings& out) {
  if (!in.live || !in.live->nvmet_loaded) return;
  NvmetLayout l = layout(in);
  const Target& live = in.live->target;
  const LogEvent* passthru_refused = nullptr;
  auto events = parse_log_events(in.kernel_log);
  for (const LogEvent& e : events)
    if (e.kind == LogEventKind::PassthruConflict) passthru_refused = &e;
  for (const Subsystem& s : live.subsystems) {
    std::string object = subsystem_object(s.nqn);
    bool exported = std::any_of(live.ports.begin(), live.ports.end(), [&](const Port& p) {
      return p.subsystems && std::find(p.subsystems->begin(), p.subsystems->end(), s.nqn) != p.subsystems->end();
    });
    if (!exported)
      out.warning("subsystem-not-exported", object, "the subsystem is linked to no port: no host can reach it",
                  "ln -s " + l.subsystem(s.nqn) + " " + l.ports() + "/<port-id>/subsystems/" + s.nqn);
    bool passthru = s.passthru_enabled();
    std::string passthru_device = s.passthru ? attr_value(s.passthru->attrs, "device_path") : "";
    bool passthru_wanted = !passthru && !passthru_device.empty() && passthru_device != "(null)";
    if (passthru_wanted && !s.namespaces.empty() && passthru_refused) {
      // The log line names no subsystem: only one that is set up for
      // passthru, not enabled, and holding namespaces fits it.
      std::string rmdirs;
      for (const Namespace& n : s.namespaces) rmdirs += "rmdir " + l.namespace_dir(s.nqn, n.nsid) + "; ";
      auto& f = out.failure("passthru-with-namespaces", object,
                            "passthru/device_path is " + passthru_device +
                                ", but enabling passthru fails with EINVAL while the subsystem has namespaces",
                            rmdirs + "echo 1 > " + l.subsystem(s.nqn) + "/passthru/enable");
      f.evidence.push_back(read_evidence(l.subsystem(s.nqn) + "/passthru/enable", "0"));
      f.evidence.push_back(log_evidence(passthru_refused->line));
    }
    if (s.namespaces.empty() && !passthru)
      out.warning("subsystem-no-namespaces", object, "the subsystem has no namespaces: hosts see no storage",
                  "mkdir " + l.namespaces(s.nqn) + "/1; echo /dev/<device> > " + l.namespaces(s.nqn) +
                      "/1/device_path; echo 1 > " + l.namespaces(s.nqn) + "/1/enable");
    bool any_host = attr_value(s.attrs, "attr_allow_any_host") == "1";
    if (!any_host && (!s.allowed_hosts || s.allowed_hosts->empty())) {
      auto& f = out.warning("subsystem-no-hosts", object,
                            "allow_any_host is 0 and allowed_hosts is empty: every host is refused",
                            "ln -s " + l.hosts() + "/<host-nqn> " + l.allowed_hosts(s.nqn) + "/<host-nqn>   # or: echo 1 > " +
                                l.subsystem(s.nqn) + "/attr_allow_any_host");
      f.evidence.push_back(read_evidence(l.subsystem(s.nqn) + "/attr_allow_any_host", "0"));
    }
  }
}

void check_connect_log(const DoctorInputs& in, Findings& out) {
  if (!in.live || !in.live->nvmet_loaded) return;
  NvmetLayout l = layout(in);
  const Target& live = in.live->target;
  for (const auto& e : parse_log_events(in.kernel_log)) {
    if (e.kind == LogEventKind::HostNotAllowed) {
      const Subsystem* s = live.find_subsystem(e.subsystem);
      if (!s || attr_value(s->attrs, "attr_allow_any_host") == "1") continue;
      if (s->allowed_hosts &&
          std::find(s->allowed_hosts->begin(), s->allowed_hosts->end(), e.detail) != s->allowed_hosts->end())
        continue;
      std::string object = subsystem_object(e.subsystem);
      if (auto* existing = const_cast<Finding*>(out.find("host-not-allowed", object))) {
        existing->evidence.push_back(log_evidence(e.line));
        continue;
      }
      std::string mk = live.find_host(e.detail) ? "" : "mkdir " + l.host(e.detail) + "; ";
      auto& f = out.warning("host-not-allowed", object,
                            "host " + e.detail + " was refused: it is not in allowed_hosts and allow_any_host is 0",
                            mk + "ln -s " + l.host(e.detail) + " " + l.allowed_host_link(e.subsystem, e.detail));
      f.evidence.push_back(log_evidence(e.line));
    } else if (e.kind == LogEventKind::InvalidSubsystem) {
      std::string object = subsystem_object(e.subsystem);
      const Subsystem* s = live.find_subsystem(e.subsystem);
      bool exported = s && std::any_of(live.ports.begin(), live.ports.end(), [&](const Port& p) {
        return p.subsystems && std::find(p.subsystems->begin(), p.subsystems->end(), e.subsystem) != p.subsystems->end();
      });
      if (exported || out.find("connect-invalid-subsystem", object)) continue;
      auto& f = out.warning("connect-invalid-subsystem", object,
                            "a host asked for " + e.subsystem + ", which " +
                                (s ? std::string("is linked to no port") : "does not exist here (misspelled or truncated NQN?)"),
                            s ? "ln -s " + l.subsystem(e.subsystem) + " " + l.ports() + "/<port-id>/subsystems/" + e.subsystem
                              : "nvme discover on the host lists the NQNs this target offers");
      f.evidence.push_back(log_evidence(e.line));
    }
  }
}

void check_rdma_links(const DoctorInputs& in, Findings& out) {
  if (!in.rdma_devices) return;
  for (const RdmaDevice& d : *in.rdma_devices) {
    std::string object = "link " + d.name;
    if (d.link_type.empty()) continue;  // hardware: its driver's business
    if (d.netdev.empty()) {
      out.warning("rdma-link-orphan", object, d.link_type + " link " + d.name + " has no netdev in this namespace",
                  "rdma link delete " + d.name);
      continue;
    }
    if (!d.active()) {
      auto& f = out.warning("rdma-link-down", object,
                            d.link_type + " link " + d.name + " on " + d.netdev + " is not ACTIVE (port state " +
                                std::to_string(d.port_state) + "): nvmet-rdma cannot serve hosts through it",
                            "ip link set " + d.netdev + " up");
      f.evidence.push_back("rdma link show " + d.name + "/1");
      continue;
    }
    if (in.network) {
      auto interfaces = in.network->interfaces();
      if (interfaces)
        for (const auto& i : *interfaces)
          if (i.name == d.netdev && i.addresses.empty())
            out.warning("rdma-link-no-address", object,
                        d.netdev + " has no IP address: nvmet-rdma has nothing to bind to through " + d.name,
                        "ip addr add <ip>/24 dev " + d.netdev);
    }
  }
}

}  // namespace nvmetctl::doctor
