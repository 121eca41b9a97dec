#include "nvmetctl/status/live_status.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "nvmetctl/net/ip_address.h"
#include "nvmetctl/net/tcp_sockets.h"
#include "nvmetctl/rdma/rdma_address_coverage.h"
#include "nvmetctl/util/block_device_sysfs.h"
#include "nvmetctl/util/sys_files.h"

namespace nvmetctl {
namespace {

namespace fs = std::filesystem;

// As shown to people: an unset path reads "(null)" in configfs.
std::string shown_attr(const AttrMap& attrs, const std::string& file) {
  std::string value = attr_value(attrs, file);
  return value == "(null)" ? std::string() : value;
}

bool parse_u32(const std::string& text, std::uint32_t& out) {
  if (text.empty() || text.size() > 10) return false;
  unsigned long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 0xffffffffULL) return false;
  out = static_cast<std::uint32_t>(value);
  return true;
}

std::string address_text(const PortStatus& p) {
  return p.traddr.empty() ? "-" : address_and_port(p.traddr, p.trsvcid);
}

}  // namespace

std::vector<TcpConnection> read_tcp_connections(const std::string& proc_root) {
  std::vector<TcpConnection> out;
  for (const TcpSocket& s : read_tcp_sockets(proc_root))
    if (s.state == TcpState::Established) out.push_back({s.local_address, s.remote_address, s.local_port});
  return out;
}

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

std::optional<std::uint64_t> backing_device_size(const std::string& path, const SystemPaths& paths) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return std::nullopt;
  if (S_ISREG(st.st_mode)) return static_cast<std::uint64_t>(st.st_size);
  if (!S_ISBLK(st.st_mode)) return std::nullopt;
  return block_device_bytes(paths, st.st_rdev);
}

std::vector<ConnectedController> read_connected_controllers(const std::string& debugfs_nvmet, const std::string& nqn) {
  std::vector<ConnectedController> out;
  std::error_code ec;
  fs::path dir = fs::path(debugfs_nvmet) / nqn;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    std::uint32_t cntlid = 0;
    if (name.rfind("ctrl", 0) != 0 || !parse_u32(name.substr(4), cntlid)) continue;
    ConnectedController c;
    c.subsystem = nqn;
    c.cntlid = cntlid;
    std::uint32_t port = 0;
    if (auto text = sys_files::read_trimmed(entry.path() / "port"); text && parse_u32(*text, port) && port <= 0xffff)
      c.port = static_cast<std::uint16_t>(port);
    c.hostnqn = sys_files::read_trimmed(entry.path() / "hostnqn").value_or("");
    c.host_traddr = sys_files::read_trimmed(entry.path() / "host_traddr").value_or("");
    c.state = sys_files::read_trimmed(entry.path() / "state").value_or("");
    c.kato = sys_files::read_trimmed(entry.path() / "kato").value_or("");
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.cntlid < b.cntlid; });
  return out;
}

TargetStatus build_target_status(const Target& live, const SystemPaths& paths, NetworkInfo* network,
                                 const std::vector<RdmaDevice>& rdma_devices, const StatusFilter& filter) {
  TargetStatus status;
  std::error_code ec;
  std::string debugfs_nvmet = paths.debugfs + "/nvmet";
  if (fs::is_directory(debugfs_nvmet, ec)) status.debugfs_dir = debugfs_nvmet;

  for (const Host& h : live.hosts) status.hosts.push_back(h.nqn);

  // Which subsystems and ports the filter keeps.
  auto port_links = [&](const Port& p, const std::string& nqn) {
    return p.subsystems && std::find(p.subsystems->begin(), p.subsystems->end(), nqn) != p.subsystems->end();
  };
  auto keep_subsystem = [&](const Subsystem& s) {
    if (!filter.subsystem.empty() && s.nqn != filter.subsystem) return false;
    if (filter.port) {
      const Port* p = live.find_port(*filter.port);
      return p && port_links(*p, s.nqn);
    }
    return true;
  };
  auto keep_port = [&](const Port& p) {
    if (filter.port && p.id != *filter.port) return false;
    if (!filter.subsystem.empty()) return port_links(p, filter.subsystem);
    return true;
  };

  for (const Subsystem& s : live.subsystems) {
    if (!keep_subsystem(s)) continue;
    SubsystemStatus out;
    out.nqn = s.nqn;
    out.allow_any_host = shown_attr(s.attrs, "attr_allow_any_host") == "1";
    if (s.allowed_hosts) out.allowed_hosts = *s.allowed_hosts;
    for (const Namespace& ns : s.namespaces) {
      NamespaceStatus n;
      n.nsid = ns.nsid;
      n.enabled = shown_attr(ns.attrs, "enable") == "1";
      n.device = shown_attr(ns.attrs, "device_path");
      std::uint32_t grpid = 1;
      if (parse_u32(shown_attr(ns.attrs, "ana_grpid"), grpid)) n.ana_grpid = grpid;
      n.size_bytes = backing_device_size(n.device, paths);
      n.device_present = !n.device.empty() && fs::exists(n.device, ec);
      out.namespaces.push_back(n);
    }
    std::sort(out.namespaces.begin(), out.namespaces.end(), [](const auto& a, const auto& b) { return a.nsid < b.nsid; });
    if (s.passthru) {
      std::string device = shown_attr(s.passthru->attrs, "device_path");
      if (!device.empty()) out.passthru_device = device;
      out.passthru_enabled = shown_attr(s.passthru->attrs, "enable") == "1";
    }
    for (const Port& p : live.ports)
      if (port_links(p, s.nqn)) out.ports.push_back(p.id);
    if (status.debugfs_dir) out.controllers = read_connected_controllers(*status.debugfs_dir, s.nqn);
    status.subsystems.push_back(out);
  }

  std::optional<std::vector<TcpConnection>> tcp_connections;  // read once, when needed
  for (const Port& p : live.ports) {
    if (!keep_port(p)) continue;
    PortStatus out;
    out.id = p.id;
    out.enabled = p.enabled();
    out.trtype = shown_attr(p.attrs, "addr_trtype");
    out.adrfam = shown_attr(p.attrs, "addr_adrfam");
    out.traddr = shown_attr(p.attrs, "addr_traddr");
    out.trsvcid = shown_attr(p.attrs, "addr_trsvcid");
    if (p.subsystems) out.subsystems = *p.subsystems;
    if (out.trtype == "rdma" && !out.traddr.empty() && network) {
      auto check = check_rdma_address(out.traddr, *network, rdma_devices);
      if (!check) {
        out.rdma_problem = check.error().describe();
      } else {
        switch (check->coverage) {
          case RdmaAddressCoverage::Covered: out.rdma_device = check->device; break;
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
    }
    if (out.trtype == "tcp" && out.enabled && !out.trsvcid.empty()) {
      if (!tcp_connections) tcp_connections = read_tcp_connections(paths.proc);
      auto declared = parse_ip_address(out.traddr);
      bool wildcard = out.traddr.empty() || (declared && declared->is_wildcard());
      for (const TcpConnection& c : *tcp_connections) {
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
    for (const AnaGroup& g : p.ana_groups) out.ana_groups.emplace_back(g.id, shown_attr(g.attrs, "ana_state"));
    std::sort(out.ana_groups.begin(), out.ana_groups.end());
    for (const Referral& r : p.referrals) out.referrals.push_back(r.name);
    status.ports.push_back(out);
  }
  std::sort(status.ports.begin(), status.ports.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return status;
}

nlohmann::json status_to_json(const TargetStatus& status) {
  using json = nlohmann::json;
  json doc{{"nvmet_loaded", status.nvmet_loaded},
           {"connected_hosts_known", status.debugfs_dir.has_value()},
           {"hosts", status.hosts},
           {"subsystems", json::array()},
           {"ports", json::array()}};
  for (const SubsystemStatus& s : status.subsystems) {
    json sub{{"nqn", s.nqn},
             {"allow_any_host", s.allow_any_host},
             {"allowed_hosts", s.allowed_hosts},
             {"ports", s.ports},
             {"namespaces", json::array()}};
    for (const NamespaceStatus& n : s.namespaces) {
      json ns{{"nsid", n.nsid}, {"enabled", n.enabled}, {"device", n.device}, {"device_present", n.device_present},
              {"ana_grpid", n.ana_grpid}};
      ns["size_bytes"] = n.size_bytes ? json(*n.size_bytes) : json(nullptr);
      sub["namespaces"].push_back(ns);
    }
    if (s.passthru_device) sub["passthru"] = {{"device", *s.passthru_device}, {"enabled", s.passthru_enabled}};
    if (status.debugfs_dir) {
      sub["connected_hosts"] = json::array();
      for (const ConnectedController& c : s.controllers) {
        json ctrl{{"cntlid", c.cntlid}, {"hostnqn", c.hostnqn}, {"host_traddr", c.host_traddr}, {"state", c.state}};
        ctrl["port"] = c.port ? json(*c.port) : json(nullptr);
        if (!c.kato.empty()) ctrl["kato"] = c.kato;
        sub["connected_hosts"].push_back(ctrl);
      }
    } else {
      sub["connected_hosts"] = nullptr;  // unknown on this kernel
    }
    doc["subsystems"].push_back(sub);
  }
  for (const PortStatus& p : status.ports) {
    json port{{"id", p.id},         {"enabled", p.enabled}, {"trtype", p.trtype},
              {"adrfam", p.adrfam}, {"traddr", p.traddr},   {"trsvcid", p.trsvcid},
              {"subsystems", p.subsystems}, {"referrals", p.referrals}};
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
    doc["ports"].push_back(port);
  }
  return doc;
}

void print_status_tree(std::ostream& out, const TargetStatus& status) {
  if (!status.nvmet_loaded) {
    out << "nvmet is not loaded: no target\n";
    return;
  }
  if (status.subsystems.empty() && status.ports.empty()) out << "no subsystems, no ports\n";
  auto branch = [&](bool last) { return last ? "`-- " : "|-- "; };
  for (const SubsystemStatus& s : status.subsystems) {
    out << "subsystem " << s.nqn;
    if (s.allow_any_host) out << "  (any host)";
    else out << "  (" << s.allowed_hosts.size() << " allowed host" << (s.allowed_hosts.size() == 1 ? "" : "s") << ")";
    out << "\n";
    std::vector<std::string> lines;
    for (const NamespaceStatus& n : s.namespaces) {
      std::string line = "namespace " + std::to_string(n.nsid) + "  " + (n.enabled ? "enabled" : "disabled") + "  " +
                         (n.device.empty() ? "(no device)" : n.device);
      if (n.size_bytes) line += "  " + human_size(*n.size_bytes);
      else if (!n.device.empty() && !n.device_present) line += "  (missing)";
      if (n.ana_grpid != 1) line += "  ana group " + std::to_string(n.ana_grpid);
      lines.push_back(line);
    }
    if (s.passthru_device) {
      lines.push_back("passthru " + *s.passthru_device + "  " + (s.passthru_enabled ? "enabled" : "disabled"));
    }
    {
      std::string ports;
      for (auto id : s.ports) ports += (ports.empty() ? "" : ", ") + std::to_string(id);
      lines.push_back("ports: " + (ports.empty() ? std::string("none") : ports));
    }
    if (!status.debugfs_dir) {
      lines.push_back("connected hosts: unknown (no nvmet debugfs; kernel 6.11+ with CONFIG_NVME_TARGET_DEBUGFS)");
    } else if (s.controllers.empty()) {
      lines.push_back("connected hosts: none");
    } else {
      for (const ConnectedController& c : s.controllers) {
        std::string line = "host " + c.hostnqn + "  ctrl " + std::to_string(c.cntlid);
        if (c.port) line += "  port " + std::to_string(*c.port);
        if (!c.host_traddr.empty()) line += "  from " + c.host_traddr;
        if (!c.state.empty()) line += "  " + c.state;
        lines.push_back(line);
      }
    }
    for (std::size_t i = 0; i < lines.size(); ++i) out << branch(i + 1 == lines.size()) << lines[i] << "\n";
  }
  for (const PortStatus& p : status.ports) {
    out << "port " << p.id << "  " << (p.enabled ? "enabled" : "disabled") << "  "
        << (p.trtype.empty() ? "(no transport)" : p.trtype) << "  " << address_text(p) << "\n";
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
    for (std::size_t i = 0; i < lines.size(); ++i) out << branch(i + 1 == lines.size()) << lines[i] << "\n";
  }
}

}  // namespace nvmetctl
