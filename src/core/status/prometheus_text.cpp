// Prometheus text format 0.0.4: HELP and TYPE once per family, then its
// samples; label values escaped (backslash, double quote, newline).
#include "nvmetctl/status/prometheus_text.h"

#include <cstdio>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

namespace nvmetctl {
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  return buffer;
}

class Writer {
 public:
  void family(const std::string& name, const char* type, const std::string& help) {
    out_ << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
    name_ = name;
  }
  void sample(const Labels& labels, double value) {
    out_ << name_;
    if (!labels.empty()) {
      out_ << "{";
      for (std::size_t i = 0; i < labels.size(); ++i)
        out_ << (i ? "," : "") << labels[i].first << "=\"" << escape_label(labels[i].second) << "\"";
      out_ << "}";
    }
    out_ << " " << number(value) << "\n";
  }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::string name_;
};

Labels port_labels(const PortStatus& port) {
  return {{"port", std::to_string(port.id)}, {"trtype", port.trtype}, {"traddr", port.traddr}, {"trsvcid", port.trsvcid}};
}

void subsystem_families(Writer& w, const TargetStatus& status) {
  w.family("nvmetctl_subsystem_allow_any_host", "gauge", "1 when the subsystem lets any host connect");
  for (const auto& s : status.subsystems) w.sample({{"subsystem", s.nqn}}, s.allow_any_host ? 1 : 0);
  w.family("nvmetctl_subsystem_allowed_hosts", "gauge", "Hosts on the subsystem's allow-list");
  for (const auto& s : status.subsystems) w.sample({{"subsystem", s.nqn}}, static_cast<double>(s.allowed_hosts.size()));
  w.family("nvmetctl_subsystem_ports", "gauge", "Ports the subsystem is linked to");
  for (const auto& s : status.subsystems) w.sample({{"subsystem", s.nqn}}, static_cast<double>(s.ports.size()));
  w.family("nvmetctl_namespace_enabled", "gauge", "1 when the namespace is enabled");
  for (const auto& s : status.subsystems)
    for (const auto& ns : s.namespaces)
      w.sample({{"subsystem", s.nqn}, {"nsid", std::to_string(ns.nsid)}, {"device", ns.device}}, ns.enabled ? 1 : 0);
  w.family("nvmetctl_namespace_device_present", "gauge", "1 when the namespace's device exists");
  for (const auto& s : status.subsystems)
    for (const auto& ns : s.namespaces)
      w.sample({{"subsystem", s.nqn}, {"nsid", std::to_string(ns.nsid)}}, ns.device_present ? 1 : 0);
  w.family("nvmetctl_namespace_size_bytes", "gauge", "Size of the namespace's device");
  for (const auto& s : status.subsystems)
    for (const auto& ns : s.namespaces)
      if (ns.size_bytes) w.sample({{"subsystem", s.nqn}, {"nsid", std::to_string(ns.nsid)}}, static_cast<double>(*ns.size_bytes));
}

void host_families(Writer& w, const TargetStatus& status) {
  w.family("nvmetctl_connected_hosts_known", "gauge",
           "1 when connected hosts can be read (debugfs, Linux 6.11 and later with CONFIG_NVME_TARGET_DEBUGFS)");
  w.sample({}, status.debugfs_dir ? 1 : 0);
  if (!status.debugfs_dir) return;
  w.family("nvmetctl_connected_controllers", "gauge", "Host controllers connected, per subsystem and port");
  for (const auto& s : status.subsystems) {
    std::map<std::string, int> per_port;
    for (const auto& c : s.controllers) ++per_port[c.port ? std::to_string(*c.port) : ""];
    for (std::uint16_t port : s.ports) per_port.try_emplace(std::to_string(port), 0);
    for (const auto& [port, count] : per_port) w.sample({{"subsystem", s.nqn}, {"port", port}}, count);
  }
}

void port_families(Writer& w, const TargetStatus& status) {
  w.family("nvmetctl_port_enabled", "gauge", "1 when the port is linked to at least one subsystem (it listens)");
  for (const auto& p : status.ports) w.sample(port_labels(p), p.enabled ? 1 : 0);
  w.family("nvmetctl_port_subsystems", "gauge", "Subsystems linked to the port");
  for (const auto& p : status.ports) w.sample({{"port", std::to_string(p.id)}}, static_cast<double>(p.subsystems.size()));
  w.family("nvmetctl_port_tcp_connections", "gauge", "Established TCP connections to a tcp port (one per NVMe queue)");
  for (const auto& p : status.ports) {
    if (p.trtype != "tcp") continue;
    int connections = 0;
    for (const auto& peer : p.tcp_peers) connections += peer.second;
    w.sample({{"port", std::to_string(p.id)}}, connections);
  }
}

void agent_families(Writer& w, const AgentMetrics& a) {
  w.family("nvmetctl_watch_last_apply_success", "gauge", "1 when the agent's last apply succeeded (or changed nothing)");
  w.sample({}, a.applied_once && a.last_apply_succeeded ? 1 : 0);
  if (a.applied_once) {
    w.family("nvmetctl_watch_last_apply_timestamp_seconds", "gauge", "When the agent's last apply ended (Unix time)");
    w.sample({}, a.last_apply_unix_time);
    w.family("nvmetctl_watch_last_apply_duration_seconds", "gauge", "How long the agent's last apply took");
    w.sample({}, a.last_apply_seconds);
    w.family("nvmetctl_watch_last_apply_operations", "gauge", "configfs changes the agent's last apply made");
    w.sample({}, a.last_apply_operations);
  }
  w.family("nvmetctl_watch_pending_items", "gauge", "Parts of the file waiting for an address, a device or a netdev");
  w.sample({}, static_cast<double>(a.pending_items));
  w.family("nvmetctl_watch_drift_items", "gauge", "Changes configfs needs to match the file again (drift)");
  w.sample({}, static_cast<double>(a.drift_items));
  w.family("nvmetctl_kernel_refused_connects_total", "counter",
           "Connects the target refused (\"not allowed\" in the kernel log) since the agent started");
  w.sample({}, static_cast<double>(a.refused_connects));
}

}  // namespace

std::string prometheus_text(const TargetStatus& status, const std::optional<AgentMetrics>& agent) {
  Writer w;
  w.family("nvmetctl_nvmet_loaded", "gauge", "1 when the nvmet module is loaded (configfs has nvmet)");
  w.sample({}, status.nvmet_loaded ? 1 : 0);
  w.family("nvmetctl_subsystems", "gauge", "Subsystems in configfs");
  w.sample({}, static_cast<double>(status.subsystems.size()));
  w.family("nvmetctl_ports", "gauge", "Ports in configfs");
  w.sample({}, static_cast<double>(status.ports.size()));
  subsystem_families(w, status);
  host_families(w, status);
  port_families(w, status);
  if (agent) agent_families(w, *agent);
  return w.text();
}

}  // namespace nvmetctl
