// doctor FILE: can this file be applied here, and how far is the live target from it.
#include <algorithm>
#include <cstdlib>

#include "check_util.h"
#include "checks_internal.h"
#include "nvmetctl/engine/engine.h"
#include "nvmetctl/kernel/module_names.h"
#include "nvmetctl/net/ip_address.h"
#include "nvmetctl/rdma/rdma_address_coverage.h"

namespace nvmetctl::doctor {

using namespace util;

namespace {

std::string where(const SourceLocation& at) {
  if (at.file.empty()) return "";
  std::string text = at.file;
  if (at.line) text += ':' + std::to_string(at.line);
  return text;
}

void file_diagnostics(const DoctorInputs& in, Findings& out) {
  for (const Diagnostic& d : in.file_problems.all()) {
    bool error = d.severity == Severity::Error;
    std::string line = d.where.line ? "line " + std::to_string(d.where.line) + ": " : "";
    auto& f = out.add({error ? "file-invalid" : "file-warning", error ? FindingSeverity::Failure : FindingSeverity::Warning,
                       "file " + in.file, line + (d.field.empty() ? "" : d.field + ": ") + d.message, {},
                       "edit " + (where(d.where).empty() ? in.file : where(d.where)) +
                           "; check with: nvmetctl validate " + in.file});
    f.evidence.push_back(d.format());
  }
}

// "module X is not available for kernel R. <hint> (needed for port 1 (trtype rdma))", in
// whatever order: keep the first clause and the "(needed ...)" part; the hint is the fix.
std::string without_hint(const std::string& message) {
  std::size_t end = message.size();
  for (const char* stop : {". ", "; ", " (needed "})
    end = std::min(end, message.find(stop));
  std::string text = message.substr(0, end);
  auto needed = message.find(" (needed ");
  if (needed == std::string::npos) return text;
  int depth = 0;
  for (std::size_t i = needed + 1; i < message.size(); ++i) {
    if (message[i] == '(') ++depth;
    if (message[i] == ')' && --depth == 0) return text + message.substr(needed, i + 1 - needed);
  }
  return text;
}

// Plan problems the doctor does not compute itself, mapped to finding ids.
void plan_problems(const DoctorInputs& in, Findings& out) {
  for (const Diagnostic& d : in.plan->problems.all()) {
    bool error = d.severity == Severity::Error;
    FindingSeverity severity = error ? FindingSeverity::Failure : FindingSeverity::Warning;
    const std::string& field = d.field;
    if (field.rfind("port ", 0) == 0 &&
        (d.message.find("(-99)") != std::string::npos || d.message.find("(-19)") != std::string::npos))
      continue;  // check_file_ports says it with the interface named
    Finding f{error ? "plan-error" : "plan-warning", severity, field.empty() ? "file " + in.file : field, d.message, {}, ""};
    if (field.rfind("module ", 0) == 0) {
      std::string module = field.substr(7);
      f.id = "module-unavailable";
      f.what = without_hint(d.message);
      f.fix = unavailable_module_fix(in, module);
    } else if (field.rfind("rdma link ", 0) == 0) {
      f.object = "link " + field.substr(10);
      f.id = d.message.find("does not exist") != std::string::npos ? "netdev-missing" : "rdma-link-conflict";
      f.fix = f.id == "netdev-missing" ? "ip link show   # then fix rdma_links.netdev in " + in.file
                                       : "rdma link show; fix rdma_links in " + in.file;
    } else if (field.rfind("port ", 0) == 0 && d.message.find("EADDRINUSE") != std::string::npos) {
      f.id = "port-addr-in-use";
      f.what = without_hint(d.message);
      const Port* port = in.desired->find_port(static_cast<std::uint16_t>(std::strtoul(field.c_str() + 5, nullptr, 10)));
      std::string service = port ? attr_value(port->attrs, "addr_trsvcid") : "";
      f.fix = "ss -ltnp 'sport = :" + service + "'   # stop that process, or change trsvcid in " + in.file;
    } else {
      f.fix = "nvmetctl plan " + in.file;
    }
    if (!where(d.where).empty()) f.evidence.push_back("declared at " + where(d.where));
    out.add(std::move(f));
  }
}

void check_file_ports(const DoctorInputs& in, Findings& out) {
  if (!in.network) return;
  std::vector<RdmaDevice> devices =
      devices_after_links(in.rdma_devices.value_or(std::vector<RdmaDevice>{}), in.desired->rdma_links);
  for (const Port& port : in.desired->ports) {
    std::string trtype = attr_value(port.attrs, "addr_trtype");
    std::string traddr = attr_value(port.attrs, "addr_traddr");
    std::string object = port_object(port.id);
    std::string at = where(port.where);
    std::string change = "change traddr of port " + std::to_string(port.id) + " in " + (at.empty() ? in.file : at);
    if (trtype == "rdma") {
      auto check = check_rdma_address(traddr, *in.network, devices);
      if (!check) continue;
      if (check->coverage == RdmaAddressCoverage::NotLocal) {
        auto& f = out.failure("rdma-addr-not-local", object,
                              "traddr " + traddr + " is not assigned to any local interface: apply would fail when it "
                              "links the port (binding CM ID failed (-99), EADDRNOTAVAIL)",
                              "ip addr add " + traddr + "/24 dev " + guess_netdev(in) + "   # or " + change);
        f.evidence.push_back("local addresses: " + local_addresses(in));
      } else if (check->coverage == RdmaAddressCoverage::NoRdmaDevice) {
        auto& f = out.failure("rdma-no-device", object,
                              "traddr " + traddr + " is on " + check->interface + ", which no RDMA device covers and the "
                              "file creates no rdma link for: apply would fail when it links the port (-19, ENODEV)",
                              "add to " + in.file + ": rdma_links: [{name: rxe_" + check->interface + ", type: rxe, netdev: " +
                                  check->interface + "}]   # or: rdma link add rxe_" + check->interface +
                                  " type rxe netdev " + check->interface);
        std::string list;
        for (const auto& d : devices) list += (list.empty() ? "" : ", ") + d.name + (d.netdev.empty() ? "" : " on " + d.netdev);
        f.evidence.push_back("RDMA devices (existing and declared): " + (list.empty() ? std::string("none") : list));
      }
    } else if (trtype == "tcp" && !traddr.empty() && !is_wildcard_address(traddr)) {
      auto owner = in.network->find_interface_for_address(traddr);
      if (owner && !owner->has_value()) {
        auto& f = out.failure("tcp-addr-not-local", object,
                              "traddr " + traddr + " is not assigned to any local interface: apply would fail when it "
                              "links the port (EADDRNOTAVAIL)",
                              "ip addr add " + traddr + "/24 dev " + guess_netdev(in) + "   # or " + change);
        f.evidence.push_back("local addresses: " + local_addresses(in));
      }
    }
  }
}

void check_file_namespaces(const DoctorInputs& in, Findings& out) {
  auto events = parse_log_events(in.kernel_log);
  for (const Subsystem& s : in.desired->subsystems)
    for (const Namespace& n : s.namespaces) {
      auto path = n.attrs.find("device_path");
      if (path == n.attrs.end()) continue;  // the validator insists where it matters
      NamespaceSubject subject;
      subject.object = namespace_object(s.nqn, n.nsid);
      subject.device_path = path->second;
      subject.buffered_io = attr_value(n.attrs, "buffered_io") == "1";
      subject.in_file = true;
      check_namespace_device(in, out, subject, events);
    }
}

void check_drift(const DoctorInputs& in, Findings& out) {
  if (in.plan->empty()) {
    out.ok("no-drift", "file " + in.file, "the live target matches " + in.file);
    return;
  }
  auto lines = describe_drift(*in.plan, NvmetLayout(in.paths.configfs));
  auto summary = in.plan->summary();
  auto& f = out.warning("drift", "file " + in.file,
                        "the live target differs from " + in.file + ": " + std::to_string(in.plan->steps.size()) +
                            " steps pending (" + std::to_string(summary.create) + " to create, " +
                            std::to_string(summary.update) + " to update, " + std::to_string(summary.replace) +
                            " to replace, " + std::to_string(summary.remove) + " to remove)",
                        "nvmetctl plan " + in.file + "; nvmetctl apply " + in.file);
  constexpr std::size_t kMax = 20;
  for (std::size_t i = 0; i < lines.size() && i < kMax; ++i) f.evidence.push_back(lines[i]);
  if (lines.size() > kMax) f.evidence.push_back("... and " + std::to_string(lines.size() - kMax) + " more");
}

}  // namespace

void check_file(const DoctorInputs& in, Findings& out) {
  if (in.file.empty()) return;
  file_diagnostics(in, out);
  if (!in.desired) return;
  check_file_ports(in, out);
  check_file_namespaces(in, out);
  if (!in.plan) {
    if (!in.plan_error.empty())
      out.failure("plan-failed", "file " + in.file, "cannot plan " + in.file + ": " + in.plan_error,
                  "nvmetctl plan " + in.file);
    return;
  }
  plan_problems(in, out);
  check_drift(in, out);
}

}  // namespace nvmetctl::doctor
