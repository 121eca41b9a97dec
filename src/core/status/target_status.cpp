#include "nvmetctl/status/target_status.h"

#include <algorithm>
#include <filesystem>

#include "decimal_u32.h"
#include "nvmetctl/net/ip_address.h"
#include "nvmetctl/rdma/rdma_address_coverage.h"
#include "nvmetctl/status/status_sources.h"

namespace nvmetctl {
namespace {

namespace fs = std::filesystem;
using status_detail::parse_u32;

// As shown to people: an unset path reads "(null)" in configfs.
std::string shown_attr(const AttrMap& attrs, const std::string& file) {
  std::string value = attr_value(attrs, file);
  return value == "(null)" ? std::string() : value;
}

// --- Filter ------------------------------------------------------------------

bool port_links(const Port& p, const std::string& nqn) {
  return p.subsystems && std::find(p.subsystems->begin(), p.subsystems->end(), nqn) != p.subsystems->end();
}

// A port filter keeps the subsystems that port serves, so the view stays whole.
bool keeps_subsystem(const StatusFilter& filter, const Target& live, const Subsystem& s) {
  if (!filter.subsystem.empty() && s.nqn != filter.subsystem) return false;
  if (filter.port) {
    const Port* p = live.find_port(*filter.port);
    return p && port_links(*p, s.nqn);
  }
  return true;
}

// A subsystem filter keeps the ports that reach it.
bool keeps_port(const StatusFilter& filter, const Port& p) {
  if (filter.port && p.id != *filter.port) return false;
  if (!filter.subsystem.empty()) return port_links(p, filter.subsystem);
  return true;
}

// --- Subsystems ----------------------------------------------------------------

NamespaceStatus namespace_status(const Namespace& ns, const SystemPaths& paths) {
  std::error_code ec;
  NamespaceStatus n;
  n.nsid = ns.nsid;
  n.enabled = shown_attr(ns.attrs, "enable") == "1";
  n.device = shown_attr(ns.attrs, "device_path");
  std::uint32_t grpid = 1;
  if (parse_u32(shown_attr(ns.attrs, "ana_grpid"), grpid)) n.ana_grpid = grpid;
  n.size_bytes = backing_device_size(n.device, paths);
  n.device_present = !n.device.empty() && fs::exists(n.device, ec);
  return n;
}

SubsystemStatus subsystem_status(const Subsystem& s, const Target& live, const SystemPaths& paths,
                                 const std::optional<std::string>& debugfs_dir) {
  SubsystemStatus out;
  out.nqn = s.nqn;
  out.allow_any_host = shown_attr(s.attrs, "attr_allow_any_host") == "1";
  if (s.allowed_hosts) out.allowed_hosts = *s.allowed_hosts;
  for (const Namespace& ns : s.namespaces) out.namespaces.push_back(namespace_status(ns, paths));
  std::sort(out.namespaces.begin(), out.namespaces.end(), [](const auto& a, const auto& b) { return a.nsid < b.nsid; });
  if (s.passthru) {
    std::string device = shown_attr(s.passthru->attrs, "device_path");
    if (!device.empty()) out.passthru_device = device;
    out.passthru_enabled = shown_attr(s.passthru->attrs, "enable") == "1";
  }
  for (const Port& p : live.ports)
    if (port_links(p, s.nqn)) out.ports.push_back(p.id);
  if (debugfs_dir) out.controllers = read_connected_controllers(*debugfs_dir, s.nqn);
  return out;
}

// --- Ports -------------------------------------------------------------------

// What the port needs from the system beyond configfs. The tcp connection
// table is read at most once, and only when a tcp port asks for it.
struct PortSources {
  const SystemPaths& paths;
  NetworkInfo* network;
  const std::vector<RdmaDevice>& rdma_devices;
  std::optional<std::vector<TcpConnection>> tcp_connections;

  const std::vector<TcpConnection>& connections() {
    if (!tcp_connections) tcp_connections = read_tcp_connections(paths.proc);
    return *tcp_connections;
  }
};

void find_rdma_device(PortStatus& out, NetworkInfo& network, const std::vector<RdmaDevice>& rdma_devices) {
  auto check = check_rdma_address(out.traddr, network, rdma_devices);
  if (!check) {
    out.rdma_problem = check.error().describe();
    return;
  }
  switch (check->coverage) {
    case RdmaAddressCoverage::Covered:
      out.rdma_device = check->device;
      break;
    case RdmaAddressCoverage::Wildcard: {
      for (const RdmaDevice& d : rdma_devices) out.rdma_device += (out.rdma_device.empty() ? "" : ",") + d.name;
      if (out.rdma_device.empty()) out.rdma_problem = "no RDMA device";
      break;
    }
    case RdmaAddressCoverage::NotLocal:
      out.rdma_problem = "address " + out.traddr + " is not on any local interface";
      break;
    case RdmaAddressCoverage::NoRdmaDevice:
      out.rdma_problem = "no RDMA device on " + check->interface;
      break;
  }
}

// Peers in first-seen order, one entry per address (hosts open one
// connection per queue).
void count_tcp_peers(PortStatus& out, const std::vector<TcpConnection>& connections) {
  auto declared = parse_ip_address(out.traddr);
  bool wildcard = out.traddr.empty() || (declared && declared->is_wildcard());
  for (const TcpConnection& c : connections) {
    if (std::to_string(c.local_port) != out.trsvcid) continue;
    if (!wildcard) {
      auto local = parse_ip_address(c.local_address);
      if (!declared || !local || !declared->same_address(*local)) continue;
    }
    auto peer = std::find_if(out.tcp_peers.begin(), out.tcp_peers.end(),
                             [&](const auto& e) { return e.first == c.remote_address; });
    if (peer == out.tcp_peers.end()) out.tcp_peers.emplace_back(c.remote_address, 1);
    else ++peer->second;
  }
}

PortStatus port_status(const Port& p, PortSources& sources) {
  PortStatus out;
  out.id = p.id;
  out.enabled = p.enabled();
  out.trtype = shown_attr(p.attrs, "addr_trtype");
  out.adrfam = shown_attr(p.attrs, "addr_adrfam");
  out.traddr = shown_attr(p.attrs, "addr_traddr");
  out.trsvcid = shown_attr(p.attrs, "addr_trsvcid");
  if (p.subsystems) out.subsystems = *p.subsystems;
  if (out.trtype == "rdma" && !out.traddr.empty() && sources.network)
    find_rdma_device(out, *sources.network, sources.rdma_devices);
  if (out.trtype == "tcp" && out.enabled && !out.trsvcid.empty()) count_tcp_peers(out, sources.connections());
  for (const AnaGroup& g : p.ana_groups) out.ana_groups.emplace_back(g.id, shown_attr(g.attrs, "ana_state"));
  std::sort(out.ana_groups.begin(), out.ana_groups.end());
  for (const Referral& r : p.referrals) out.referrals.push_back(r.name);
  return out;
}

}  // namespace

TargetStatus build_target_status(const Target& live, const SystemPaths& paths, NetworkInfo* network,
                                 const std::vector<RdmaDevice>& rdma_devices, const StatusFilter& filter) {
  TargetStatus status;
  std::error_code ec;
  std::string debugfs_nvmet = paths.debugfs + "/nvmet";
  if (fs::is_directory(debugfs_nvmet, ec)) status.debugfs_dir = debugfs_nvmet;

  for (const Host& h : live.hosts) status.hosts.push_back(h.nqn);
  for (const Subsystem& s : live.subsystems) {
    if (keeps_subsystem(filter, live, s))
      status.subsystems.push_back(subsystem_status(s, live, paths, status.debugfs_dir));
  }

  PortSources sources{paths, network, rdma_devices, std::nullopt};
  for (const Port& p : live.ports)
    if (keeps_port(filter, p)) status.ports.push_back(port_status(p, sources));
  std::sort(status.ports.begin(), status.ports.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return status;
}

}  // namespace nvmetctl
