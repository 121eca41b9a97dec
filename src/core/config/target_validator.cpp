#include "nvmetctl/config/target_validator.h"

#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "nvmetctl/config/key_secrets.h"
#include "nvmetctl/config/value_syntax.h"
#include "nvmetctl/model/discovery_nqn_rule.h"
#include "nvmetctl/model/kernel_behaviour.h"
#include "nvmetctl/model/port_listener.h"
#include "nvmetctl/model/target_index.h"
#include "nvmetctl/util/parse_number.h"

namespace nvmetctl {
namespace {

bool is_ip_transport(const std::string& trtype) { return trtype == "tcp" || trtype == "rdma"; }

SourceLocation entry_at(const std::vector<SourceLocation>& locations, size_t index, const SourceLocation& fallback) {
  return index < locations.size() ? locations[index] : fallback;
}

bool is_module_name(const std::string& name) {
  return !name.empty() && name.size() < 56 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

void derive_address(AttrMap& attrs) {
  std::string trtype = attr_value(attrs, "addr_trtype");
  if (is_ip_transport(trtype)) {
    bool ipv6 = false;
    std::string traddr = attr_value(attrs, "addr_traddr");
    if (!attrs.count("addr_adrfam") && is_ip_literal(traddr, ipv6))
      attrs["addr_adrfam"] = ipv6 ? "ipv6" : "ipv4";
    if (!attrs.count("addr_trsvcid")) attrs["addr_trsvcid"] = "4420";
  } else if (trtype == "fc" && !attrs.count("addr_adrfam")) {
    attrs["addr_adrfam"] = "fc";
  }
}

class Checker {
 public:
  Checker(const Target& target, Diagnostics& diagnostics) : t_(target), index_(target), d_(diagnostics) {}

  void run() {
    check_links();
    check_hosts();
    check_subsystems();
    check_discovery_nqn();
    check_ports();
    check_modules();
  }

 private:
  void check_name(const std::string& name, const SourceLocation& where, const std::string& field) {
    std::string problem = name_problem(name);
    if (!problem.empty()) d_.error_once(where, field, "'" + escape_control_characters(name) + "' " + problem);
  }

  void check_nqn(const std::string& nqn, const SourceLocation& where, const std::string& field) {
    check_name(nqn, where, field);
    if (nqn.size() > kMaxNqnBytes)
      d_.error_once(where, field, "NQN is " + std::to_string(nqn.size()) +
                                 " bytes; the kernel keeps only 223, so hosts could never match it");
    else if (nqn.rfind("nqn.", 0) != 0 && name_problem(nqn).empty())
      d_.warning(where, field, "'" + nqn + "' is not in nqn. form (e.g. nqn.2014-08.org.example:name); "
                               "the kernel accepts it, but some hosts may not");
  }

  void check_links() {
    std::set<std::string> names, netdevs;
    for (size_t i = 0; i < t_.rdma_links.size(); ++i) {
      const auto& link = t_.rdma_links[i];
      std::string field = "rdma_links[" + std::to_string(i) + "]";
      check_name(link.name, link.where, field + ".name");
      if (link.name.find('%') != std::string::npos)
        d_.error_once(link.where, field + ".name", "must not contain '%' (the kernel refuses name templates)");
      if (link.name.size() > 63) d_.error_once(link.where, field + ".name", "must be at most 63 characters");
      if (link.netdev.size() > 15 || !name_problem(link.netdev).empty())
        d_.error_once(link.where, field + ".netdev", "'" + link.netdev + "' is not a valid interface name");
      if (!names.insert(link.name).second)
        d_.error_once(link.where, field + ".name", "duplicate rdma link '" + link.name + "'");
      if (!netdevs.insert(link.netdev).second)
        d_.error_once(link.where, field + ".netdev",
                 "a second link on netdev '" + link.netdev + "': the kernel allows one per netdev");
    }
  }

  void check_hosts() {
    std::set<std::string> seen;
    for (size_t i = 0; i < t_.hosts.size(); ++i) {
      const Host& host = t_.hosts[i];
      std::string field = "hosts[" + std::to_string(i) + "]";
      check_nqn(host.nqn, host.where, field + ".nqn");
      if (!seen.insert(host.nqn).second)
        d_.error_once(host.where, field + ".nqn", "duplicate host '" + host.nqn + "'");
      for (const auto& [attr, path] : host.key_files) check_key_file(host, attr, path, field);
    }
  }

  void check_key_file(const Host& host, const std::string& attr, const std::string& path,
                      const std::string& field) {
    SourceLocation where = attr_location(host.attr_where, attr, host.where);
    std::string key = field + "." + attr + "_file";
    auto content = read_key_file(path);
    if (!content) {
      d_.error_once(where, key, "cannot " + content.error().describe());
      return;
    }
    if (content->rfind("DHHC-1:", 0) != 0)
      d_.error_once(where, key, "key file " + path + " does not hold a DH-HMAC-CHAP secret (DHHC-1:...), "
                           "e.g. from 'nvme gen-dhchap-key'");
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 0077))
      d_.warning(where, key, "key file " + path + " is readable by other users; chmod 600 it");
  }

  // The kernel takes 1-255 bytes, and refuses the value while a subsystem's
  // name begins with it (and a new subsystem named like it).
  void check_discovery_nqn() {
    if (!t_.discovery_nqn) return;
    const std::string& nqn = *t_.discovery_nqn;
    const SourceLocation& where = t_.discovery_nqn_where;
    if (nqn.empty() || nqn.size() > 255) {
      d_.error(where, "discovery_nqn", "must be 1 to 255 bytes, got " + std::to_string(nqn.size()));
      return;
    }
    if (std::any_of(nqn.begin(), nqn.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
      d_.error(where, "discovery_nqn", "must not contain control characters");
      return;
    }
    if (nqn.rfind("nqn.", 0) != 0)
      d_.warning(where, "discovery_nqn", "'" + nqn + "' is not in nqn. form; the kernel accepts it, but hosts may not");
    for (const Subsystem& s : t_.subsystems)
      if (subsystem_blocks_discovery_nqn(s.nqn, nqn))
        d_.error(where, "discovery_nqn",
                 "subsystem '" + s.nqn + "' begins with it; the kernel refuses a discovery NQN that a subsystem's "
                 "name begins with");
  }

  void check_subsystems() {
    std::set<std::string> seen;
    for (size_t i = 0; i < t_.subsystems.size(); ++i) {
      const Subsystem& s = t_.subsystems[i];
      std::string field = "subsystems[" + std::to_string(i) + "]";
      check_nqn(s.nqn, s.where, field + ".nqn");
      if (s.nqn == kDiscoveryNqn)
        d_.error_once(s.where, field + ".nqn", "the discovery NQN is reserved; the kernel refuses it as a subsystem");
      if (!seen.insert(s.nqn).second)
        d_.error_once(s.where, field + ".nqn", "duplicate subsystem '" + s.nqn + "'");
      check_allowed_hosts(s, field);
      check_namespaces(s, field);
      check_cntlid(s, field);
      if (s.passthru_enabled()) check_passthru_only(s, field);
    }
  }

  // With passthru enabled the kernel serves the controller alone: it refuses
  // passthru beside an enabled namespace and shows the controller's version.
  // (6.19 refuses it beside any namespace: the plan knows the kernel.)
  void check_passthru_only(const Subsystem& s, const std::string& field) {
    for (size_t j = 0; j < s.namespaces.size(); ++j)
      if (attr_value(s.namespaces[j].attrs, "enable") == "1")
        d_.error_once(attr_location(s.namespaces[j].attr_where, "enable", s.namespaces[j].where),
                      field + ".namespaces[" + std::to_string(j) + "].enable",
                      "a namespace cannot be enabled beside passthru (passthru.enable is true): the kernel "
                      "refuses passthru beside an enabled namespace; set one of them to false");
    if (s.attrs.count("attr_version"))
      d_.error_once(attr_location(s.attr_where, "attr_version", s.where), field + ".version",
                    "a passthru subsystem shows its controller's version, and the kernel refuses another; "
                    "leave version out");
  }

  void check_allowed_hosts(const Subsystem& s, const std::string& field) {
    if (!s.allowed_hosts) return;
    std::set<std::string> seen;
    for (size_t j = 0; j < s.allowed_hosts->size(); ++j) {
      const std::string& nqn = (*s.allowed_hosts)[j];
      std::string sub = field + ".allowed_hosts[" + std::to_string(j) + "]";
      SourceLocation where = entry_at(s.allowed_hosts_where, j, s.where);
      if (!index_.host(nqn))
        d_.error_once(where, sub, "host '" + nqn + "' is not declared under 'hosts'");
      if (!seen.insert(nqn).second) d_.error_once(where, sub, "host '" + nqn + "' is listed twice");
    }
    if (attr_value(s.attrs, "attr_allow_any_host") == "1" && !s.allowed_hosts->empty())
      d_.error_once(attr_location(s.attr_where, "attr_allow_any_host", s.where), field + ".allow_any_host",
               "allow_any_host: true cannot be combined with allowed_hosts; the kernel refuses "
               "host links while any host is allowed");
  }

  void check_namespaces(const Subsystem& s, const std::string& field) {
    std::set<std::uint32_t> seen;
    for (size_t j = 0; j < s.namespaces.size(); ++j) {
      const Namespace& ns = s.namespaces[j];
      std::string sub = field + ".namespaces[" + std::to_string(j) + "]";
      if (ns.nsid != 0 && !seen.insert(ns.nsid).second)
        d_.error_once(ns.where, sub + ".nsid", "duplicate nsid " + std::to_string(ns.nsid));
      bool enabled = attr_value(ns.attrs, "enable") == "1";
      if (enabled && !ns.attrs.count("device_path"))
        d_.error_once(ns.where, sub, "enable: true needs a device_path");
      if (!ns.attrs.count("enable"))
        d_.warning(ns.where, sub, "no 'enable' key: a new namespace stays disabled (hosts will not see it)");
    }
  }

  void check_cntlid(const Subsystem& s, const std::string& field) {
    auto min = s.attrs.find("attr_cntlid_min");
    auto max = s.attrs.find("attr_cntlid_max");
    if (min == s.attrs.end() || max == s.attrs.end()) return;
    auto low = parse_number<long long>(min->second), high = parse_number<long long>(max->second);
    if (low && high && *low > *high)
      d_.error_once(attr_location(s.attr_where, "attr_cntlid_min", s.where), field + ".cntlid_min",
               "cntlid_min " + min->second + " is above cntlid_max " + max->second);
  }

  void check_ports() {
    std::set<std::uint16_t> seen;
    for (size_t i = 0; i < t_.ports.size(); ++i) {
      const Port& p = t_.ports[i];
      std::string field = "ports[" + std::to_string(i) + "]";
      if (!seen.insert(p.id).second)
        d_.error_once(p.where, field + ".id", "duplicate port id " + std::to_string(p.id));
      check_address(p.attrs, p.attr_where, p.where, field, true);
      if (p.subsystems) {
        std::set<std::string> linked;
        for (size_t j = 0; j < p.subsystems->size(); ++j) {
          const std::string& nqn = (*p.subsystems)[j];
          std::string sub = field + ".subsystems[" + std::to_string(j) + "]";
          SourceLocation where = entry_at(p.subsystems_where, j, p.where);
          if (!index_.subsystem(nqn))
            d_.error_once(where, sub, "subsystem '" + nqn + "' is not declared under 'subsystems'");
          if (!linked.insert(nqn).second) d_.error_once(where, sub, "subsystem '" + nqn + "' is listed twice");
        }
      }
      std::set<std::string> referrals;
      for (size_t j = 0; j < p.referrals.size(); ++j) {
        const Referral& r = p.referrals[j];
        std::string sub = field + ".referrals[" + std::to_string(j) + "]";
        check_name(r.name, r.where, sub + ".name");
        if (!referrals.insert(r.name).second) d_.error_once(r.where, sub + ".name", "duplicate referral '" + r.name + "'");
        check_address(r.attrs, r.attr_where, r.where, sub, false);
      }
      check_listener_clash(i, field);
      std::set<std::uint32_t> groups;
      for (size_t j = 0; j < p.ana_groups.size(); ++j) {
        const AnaGroup& g = p.ana_groups[j];
        if (!groups.insert(g.id).second)
          d_.error_once(g.where, field + ".ana_groups[" + std::to_string(j) + "].id", "duplicate ana group " + std::to_string(g.id));
      }
    }
  }

  // Two ports that listen (have subsystems) where the kernel binds only one:
  // it refuses the second (EADDRINUSE) half-way through apply.
  void check_listener_clash(size_t i, const std::string& field) {
    const Port& p = t_.ports[i];
    auto listening = [](const Port& port) { return port.subsystems && !port.subsystems->empty(); };
    if (!listening(p)) return;
    for (size_t k = 0; k < i; ++k) {
      const Port& earlier = t_.ports[k];
      if (!listening(earlier) || !listeners_clash(p.attrs, earlier.attrs)) continue;
      d_.error_once(attr_location(p.attr_where, "addr_traddr", p.where), field + ".traddr",
               attr_value(p.attrs, "addr_trtype") + " " + listen_address(p.attrs) + " is already taken by port " +
                   std::to_string(earlier.id) + " (" + listen_address(earlier.attrs) +
                   "); the kernel would refuse this port (EADDRINUSE): give it another trsvcid or address");
      return;
    }
  }

  // The kernel clamps max_queue_size (queue_size_limits) when the port is enabled and writes the result back: any other value would read
  // back different, fail verify and roll back on every apply.
  void check_queue_size(const AttrMap& attrs, const AttrLocations& where_map, const SourceLocation& where,
                        const std::string& field, const std::string& trtype) {
    auto it = attrs.find("param_max_queue_size");
    if (it == attrs.end() || it->second == "-1") return;
    long long value = parse_number<long long>(it->second).value_or(0);
    QueueSizeLimits limits = queue_size_limits(trtype);
    if (value < limits.min || value > limits.max)
      d_.error_once(attr_location(where_map, "param_max_queue_size", where), field + ".max_queue_size",
                    "must be -1 (the transport's default) or " + std::to_string(limits.min) + ".." +
                        std::to_string(limits.max) +
                        (trtype == "rdma" ? " on rdma" : "") + "; the kernel would change " + it->second +
                        " when the port starts");
  }

  void check_address(const AttrMap& attrs, const AttrLocations& where_map, const SourceLocation& where,
                     const std::string& field, bool is_port) {
    std::string trtype = attr_value(attrs, "addr_trtype");
    if (trtype.empty()) {
      if (is_port && !where_map.count("addr_trtype"))
        d_.error_once(where, field, "missing 'trtype': the kernel cannot enable a port without a transport");
      return;
    }
    std::string adrfam = attr_value(attrs, "addr_adrfam");
    std::string traddr = attr_value(attrs, "addr_traddr");
    if (is_ip_transport(trtype)) {
      if (traddr.empty()) {
        if (!where_map.count("addr_traddr"))  // given but invalid: reported where it was read
          d_.error_once(where, field, "missing 'traddr': a " + trtype + " port listens on an IP address");
        return;
      }
      bool ipv6 = false;
      SourceLocation addr_at = attr_location(where_map, "addr_traddr", where);
      if (!is_ip_literal(traddr, ipv6)) {
        d_.error_once(addr_at, field + ".traddr", "'" + traddr + "' is not an IPv4 or IPv6 address (the kernel does not resolve names)");
      } else if (adrfam != (ipv6 ? "ipv6" : "ipv4")) {
        d_.error_once(attr_location(where_map, "addr_adrfam", where), field + ".adrfam",
                 "adrfam '" + adrfam + "' does not match traddr " + traddr);
      }
      long long port_number = 0;
      std::string trsvcid = attr_value(attrs, "addr_trsvcid");
      if (!parse_decimal(trsvcid, port_number) || port_number < 0 || port_number > 65535)
        d_.error_once(attr_location(where_map, "addr_trsvcid", where), field + ".trsvcid",
                 "expected a TCP/UDP port number 0-65535 in decimal, got '" + trsvcid + "'");
    } else if (trtype == "fc") {
      if (!is_fc_address(traddr))
        d_.error_once(attr_location(where_map, "addr_traddr", where), field + ".traddr",
                 "an fc traddr looks like nn-0x<16 hex>:pn-0x<16 hex>, got '" + traddr + "'");
      if (adrfam != "fc") d_.error_once(attr_location(where_map, "addr_adrfam", where), field + ".adrfam", "fc ports need adrfam: fc");
    }
    std::string tsas = attr_value(attrs, "addr_tsas");
    if (!tsas.empty()) {
      bool fits = (trtype == "tcp" && (tsas == "none" || tsas == "tls1.3")) ||
                  (trtype == "rdma" && tsas == "connected");
      if (!fits)
        d_.error_once(attr_location(where_map, "addr_tsas", where), field + ".tsas",
                 "tsas '" + tsas + "' does not apply to trtype " + trtype +
                     " (tcp: none or tls1.3; rdma: connected)");
    }
    if (is_port) check_queue_size(attrs, where_map, where, field, trtype);
    if (is_port && attr_value(attrs, "param_pi_enable") == "1" && trtype != "rdma")
      d_.error_once(attr_location(where_map, "param_pi_enable", where), field + ".pi_enable",
               "T10-PI works only on rdma ports; the kernel refuses to enable a " + trtype + " port with it");
  }

  void check_modules() {
    for (size_t i = 0; i < t_.modules.size(); ++i)
      if (!is_module_name(t_.modules[i]))
        d_.error_once(entry_at(t_.modules_where, i, {}), "modules[" + std::to_string(i) + "]",
                 "'" + escape_control_characters(t_.modules[i]) + "' is not a module name (letters, digits, '_' and '-')");
  }

  const Target& t_;
  const TargetIndex index_;
  Diagnostics& d_;
};

}  // namespace

void complete_derived_values(Target& target) {
  for (Port& port : target.ports) {
    derive_address(port.attrs);
    for (Referral& referral : port.referrals) derive_address(referral.attrs);
  }
  // A list of allowed hosts means only those hosts. The kernel refuses host
  // links while allow_any_host is 1, so it must be 0 even when the file
  // leaves it out (the natural edit from 'allow_any_host: true').
  for (Subsystem& s : target.subsystems)
    if (s.allowed_hosts && !s.allowed_hosts->empty() && !s.attrs.count("attr_allow_any_host"))
      s.attrs["attr_allow_any_host"] = "0";
}

void validate_target(const Target& target, Diagnostics& diagnostics) {
  Checker(target, diagnostics).run();
}

}  // namespace nvmetctl
