// Which (port, subsystem, host) triples a target promises to serve or refuse.
#include "nvmetctl/check/probe_plan.h"

#include <algorithm>

#include "nvmetctl/net/ip_address.h"

namespace nvmetctl {
namespace {

FabricsAddress declared_address_of(const AttrMap& attrs) {
  return {attr_value(attrs, "addr_trtype"), attr_value(attrs, "addr_traddr"), attr_value(attrs, "addr_trsvcid")};
}

FabricsAddress declared_address(const Port& port) { return declared_address_of(port.attrs); }

// A host connects to a wildcard listener through the loopback of its family.
FabricsAddress connect_address(const FabricsAddress& declared) {
  FabricsAddress address = declared;
  if (declared.trtype == "tcp" && is_wildcard_address(declared.traddr)) {
    auto ip = parse_ip_address(declared.traddr);
    address.traddr = ip && ip->family == IpFamily::V6 ? "::1" : "127.0.0.1";
  }
  return address;
}

std::string not_checkable_reason(const Port& port, const FabricsAddress& address, const ProbeSources& sources) {
  if (address.trtype == "fc") return "an fc port needs an FC host adapter (or nvme-fcloop) on this node";
  if (address.trtype == "rdma" && is_wildcard_address(address.traddr))
    return "an rdma port on a wildcard address names no address a host could connect to";
  if (sources.unreachable_reason) return sources.unreachable_reason(port);
  return {};
}

void add_namespaces(Probe& probe, const Subsystem& subsystem, const ProbeSources& sources) {
  probe.passthru = subsystem.passthru_enabled();
  if (probe.passthru) return;
  for (const Namespace& ns : subsystem.namespaces) {
    if (attr_value(ns.attrs, "enable") != "1") {
      probe.disabled_nsids.push_back(ns.nsid);
      continue;
    }
    ExpectedNamespace expected{ns.nsid, attr_value(ns.attrs, "device_path"), std::nullopt};
    if (sources.device_bytes && !expected.device_path.empty()) expected.bytes = sources.device_bytes(expected.device_path);
    probe.namespaces.push_back(std::move(expected));
  }
  std::sort(probe.namespaces.begin(), probe.namespaces.end(),
            [](const ExpectedNamespace& a, const ExpectedNamespace& b) { return a.nsid < b.nsid; });
}

HostIdentity declared_host(const Target& target, const std::string& nqn) {
  HostIdentity host{nqn, {}, {}, {}};
  if (const Host* declared = target.find_host(nqn)) {
    host.dhchap_key = attr_value(declared->attrs, "dhchap_key");
    host.dhchap_ctrl_key = attr_value(declared->attrs, "dhchap_ctrl_key");
  }
  return host;
}

std::string generated_nqn(const ProbeSources& sources) {
  return sources.new_host_nqn ? sources.new_host_nqn() : "nqn.2014-08.org.nvmexpress:uuid:nvmetctl-check";
}

// The hosts of one (port, subsystem) pair and what each must see.
void add_host_probes(std::vector<Probe>& out, const Probe& base, const Target& target, const Subsystem& subsystem,
                     const ProbeSources& sources) {
  const bool any_host = attr_value(subsystem.attrs, "attr_allow_any_host") == "1";
  const std::vector<std::string> allowed = subsystem.allowed_hosts.value_or(std::vector<std::string>{});
  for (const std::string& nqn : allowed) {
    Probe probe = base;
    probe.host = declared_host(target, nqn);
    out.push_back(std::move(probe));
  }
  if (any_host && allowed.empty()) {
    Probe probe = base;
    probe.host.nqn = generated_nqn(sources);
    probe.generated_host = true;
    out.push_back(std::move(probe));
    return;
  }
  if (!any_host && allowed.empty()) {
    Probe probe = base;
    probe.host.nqn = generated_nqn(sources);
    probe.generated_host = true;
    probe.broken = subsystem.allowed_hosts ? "no host may connect: allow_any_host is off and the allow-list is empty"
                                           : "the file does not say which hosts may connect, and allow_any_host is off";
    out.push_back(std::move(probe));
    return;
  }
  Probe foreign = base;
  foreign.host.nqn = generated_nqn(sources);
  foreign.generated_host = true;
  foreign.expect = ProbeExpectation::Refused;
  foreign.namespaces.clear();
  out.push_back(std::move(foreign));
}

}  // namespace

std::vector<Probe> plan_probes(const Target& target, const ProbeSources& sources) {
  std::vector<Probe> probes;
  for (const Port& port : target.ports) {
    if (!port.enabled()) continue;
    for (const std::string& nqn : *port.subsystems) {
      const Subsystem* subsystem = target.find_subsystem(nqn);
      if (subsystem == nullptr) continue;
      Probe base;
      base.port_id = port.id;
      base.declared = declared_address(port);
      base.connect = connect_address(base.declared);
      base.subsystem_nqn = nqn;
      base.not_checkable = not_checkable_reason(port, base.declared, sources);
      add_namespaces(base, *subsystem, sources);
      // A file that leaves a referral's enable to the kernel promises
      // nothing about its listing.
      for (const Referral& referral : port.referrals)
        if (referral.attrs.count("enable"))
          base.referrals.push_back({referral.name, declared_address_of(referral.attrs),
                                    attr_value(referral.attrs, "enable") == "1"});
      add_host_probes(probes, base, target, *subsystem, sources);
    }
  }
  return probes;
}

namespace {

// `object` ("/ports/1") names the object itself or something under it, not "/ports/10".
bool names_object(const std::string& path, const std::string& object) {
  for (auto at = path.find(object); at != std::string::npos; at = path.find(object, at + 1)) {
    const auto end = at + object.size();
    if (end == path.size() || path[end] == '/') return true;
  }
  return false;
}

}  // namespace

std::vector<Probe> probes_touching(const std::vector<Probe>& probes, const std::vector<std::string>& changed_paths) {
  auto touched = [&](const std::string& object) {
    return std::any_of(changed_paths.begin(), changed_paths.end(),
                       [&](const std::string& path) { return names_object(path, object); });
  };
  std::vector<Probe> out;
  for (const Probe& probe : probes) {
    if (touched("/ports/" + std::to_string(probe.port_id)) || touched("/subsystems/" + probe.subsystem_nqn) ||
        (!probe.generated_host && touched("/hosts/" + probe.host.nqn)))
      out.push_back(probe);
  }
  return out;
}

}  // namespace nvmetctl
