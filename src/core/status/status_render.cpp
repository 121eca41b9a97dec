#include "nvmetctl/status/status_render.h"

#include <cstdio>
#include <vector>

#include "nvmetctl/net/ip_address.h"

namespace nvmetctl {
namespace {

using json = nlohmann::json;

// --- JSON ------------------------------------------------------------------

json namespace_json(const NamespaceStatus& n) {
  json ns{{"nsid", n.nsid},
          {"enabled", n.enabled},
          {"device", n.device},
          {"device_present", n.device_present},
          {"ana_grpid", n.ana_grpid}};
  ns["size_bytes"] = n.size_bytes ? json(*n.size_bytes) : json(nullptr);
  return ns;
}

json controller_json(const ConnectedController& c) {
  json ctrl{{"cntlid", c.cntlid}, {"hostnqn", c.hostnqn}, {"host_traddr", c.host_traddr}, {"state", c.state}};
  ctrl["port"] = c.port ? json(*c.port) : json(nullptr);
  if (!c.kato.empty()) ctrl["kato"] = c.kato;
  return ctrl;
}

json subsystem_json(const SubsystemStatus& s, bool connected_hosts_known) {
  json sub{{"nqn", s.nqn},
           {"allow_any_host", s.allow_any_host},
           {"allowed_hosts", s.allowed_hosts},
           {"ports", s.ports},
           {"namespaces", json::array()}};
  for (const NamespaceStatus& n : s.namespaces) sub["namespaces"].push_back(namespace_json(n));
  if (s.passthru_device) sub["passthru"] = {{"device", *s.passthru_device}, {"enabled", s.passthru_enabled}};
  if (connected_hosts_known) {
    sub["connected_hosts"] = json::array();
    for (const ConnectedController& c : s.controllers) sub["connected_hosts"].push_back(controller_json(c));
  } else {
    sub["connected_hosts"] = nullptr;  // unknown on this kernel
  }
  return sub;
}

json port_json(const PortStatus& p) {
  json port{{"id", p.id},         {"enabled", p.enabled}, {"trtype", p.trtype},         {"adrfam", p.adrfam},
            {"traddr", p.traddr}, {"trsvcid", p.trsvcid}, {"subsystems", p.subsystems}, {"referrals", p.referrals}};
  if (p.trtype == "rdma") {
    port["rdma_device"] = p.rdma_device.empty() ? json(nullptr) : json(p.rdma_device);
    if (!p.rdma_problem.empty()) port["rdma_problem"] = p.rdma_problem;
  }
  if (p.trtype == "tcp") {
    port["tcp_peers"] = json::array();
    for (const auto& [address, count] : p.tcp_peers)
      port["tcp_peers"].push_back({{"address", address}, {"connections", count}});
  }
  port["ana_groups"] = json::array();
  for (const auto& [id, state] : p.ana_groups) port["ana_groups"].push_back({{"id", id}, {"state", state}});
  return port;
}

// --- Tree ------------------------------------------------------------------

std::string address_text(const PortStatus& p) { return p.traddr.empty() ? "-" : address_and_port(p.traddr, p.trsvcid); }

std::string namespace_line(const NamespaceStatus& n) {
  std::string line = "namespace " + std::to_string(n.nsid) + "  " + (n.enabled ? "enabled" : "disabled") + "  " +
                     (n.device.empty() ? "(no device)" : n.device);
  if (n.size_bytes) line += "  " + human_size(*n.size_bytes);
  else if (!n.device.empty() && !n.device_present) line += "  (missing)";
  if (n.ana_grpid != 1) line += "  ana group " + std::to_string(n.ana_grpid);
  return line;
}

std::string controller_line(const ConnectedController& c) {
  std::string line = "host " + c.hostnqn + "  ctrl " + std::to_string(c.cntlid);
  if (c.port) line += "  port " + std::to_string(*c.port);
  if (!c.host_traddr.empty()) line += "  from " + c.host_traddr;
  if (!c.state.empty()) line += "  " + c.state;
  return line;
}

std::string linked_ports_line(const SubsystemStatus& s) {
  std::string ports;
  for (auto id : s.ports) ports += (ports.empty() ? "" : ", ") + std::to_string(id);
  return "ports: " + (ports.empty() ? std::string("none") : ports);
}

void add_connected_host_lines(const SubsystemStatus& s, bool connected_hosts_known, std::vector<std::string>& lines) {
  if (!connected_hosts_known) {
    lines.push_back("connected hosts: unknown (no nvmet debugfs; kernel 6.11+ with CONFIG_NVME_TARGET_DEBUGFS)");
  } else if (s.controllers.empty()) {
    lines.push_back("connected hosts: none");
  } else {
    for (const ConnectedController& c : s.controllers) lines.push_back(controller_line(c));
  }
}

std::vector<std::string> subsystem_lines(const SubsystemStatus& s, bool connected_hosts_known) {
  std::vector<std::string> lines;
  for (const NamespaceStatus& n : s.namespaces) lines.push_back(namespace_line(n));
  if (s.passthru_device) {
    lines.push_back("passthru " + *s.passthru_device + "  " + (s.passthru_enabled ? "enabled" : "disabled"));
  }
  lines.push_back(linked_ports_line(s));
  add_connected_host_lines(s, connected_hosts_known, lines);
  return lines;
}

std::vector<std::string> port_lines(const PortStatus& p) {
  std::vector<std::string> lines;
  if (p.trtype == "rdma") {
    if (!p.rdma_device.empty()) lines.push_back("rdma device " + p.rdma_device);
    else if (!p.rdma_problem.empty()) lines.push_back("rdma device: none (" + p.rdma_problem + ")");
  }
  for (const auto& nqn : p.subsystems) lines.push_back("subsystem " + nqn);
  for (const auto& [address, count] : p.tcp_peers)
    lines.push_back("connected from " + address + "  (" + std::to_string(count) + " connection" +
                    (count == 1 ? "" : "s") + ")");
  for (const auto& [id, state] : p.ana_groups) lines.push_back("ana group " + std::to_string(id) + "  " + state);
  for (const auto& name : p.referrals) lines.push_back("referral " + name);
  return lines;
}

void print_branches(std::ostream& out, const std::vector<std::string>& lines) {
  for (std::size_t i = 0; i < lines.size(); ++i) out << (i + 1 == lines.size() ? "`-- " : "|-- ") << lines[i] << "\n";
}

void print_subsystem(std::ostream& out, const SubsystemStatus& s, bool connected_hosts_known) {
  out << "subsystem " << s.nqn;
  if (s.allow_any_host) out << "  (any host)";
  else out << "  (" << s.allowed_hosts.size() << " allowed host" << (s.allowed_hosts.size() == 1 ? "" : "s") << ")";
  out << "\n";
  print_branches(out, subsystem_lines(s, connected_hosts_known));
}

void print_port(std::ostream& out, const PortStatus& p) {
  out << "port " << p.id << "  " << (p.enabled ? "enabled" : "disabled") << "  "
      << (p.trtype.empty() ? "(no transport)" : p.trtype) << "  " << address_text(p) << "\n";
  print_branches(out, port_lines(p));
}

}  // namespace

std::string human_size(std::uint64_t bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 5) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  if (unit == 0) std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
  else std::snprintf(buffer, sizeof buffer, "%.1f %s", value, units[unit]);
  return buffer;
}

nlohmann::json status_to_json(const TargetStatus& status) {
  json doc{{"nvmet_loaded", status.nvmet_loaded},
           {"connected_hosts_known", status.debugfs_dir.has_value()},
           {"hosts", status.hosts},
           {"subsystems", json::array()},
           {"ports", json::array()}};
  for (const SubsystemStatus& s : status.subsystems)
    doc["subsystems"].push_back(subsystem_json(s, status.debugfs_dir.has_value()));
  for (const PortStatus& p : status.ports) doc["ports"].push_back(port_json(p));
  return doc;
}

void print_status_tree(std::ostream& out, const TargetStatus& status) {
  if (!status.nvmet_loaded) {
    out << "nvmet is not loaded: no target\n";
    return;
  }
  if (status.subsystems.empty() && status.ports.empty()) out << "no subsystems, no ports\n";
  for (const SubsystemStatus& s : status.subsystems) print_subsystem(out, s, status.debugfs_dir.has_value());
  for (const PortStatus& p : status.ports) print_port(out, p);
}

}  // namespace nvmetctl
