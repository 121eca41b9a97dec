// Each check result as a finding; ids are in catalog.cpp (probe-*).
#include "nvmetctl/doctor/probe_findings.h"

namespace nvmetctl::doctor {
namespace {

std::string object_of(const ProbeResult& result) {
  const Probe& probe = result.probe;
  return "port " + std::to_string(probe.port_id) + " subsystem " + probe.subsystem_nqn + " host " + probe.host.nqn;
}

std::string apply_fix(const ProbeEvidence& evidence) {
  return evidence.file.empty() ? "apply the target file again: nvmetctl apply <file>"
                               : "nvmetctl apply " + evidence.file;
}

void add_kernel_lines(Finding& finding, const ProbeResult& result) {
  for (const std::string& line : result.kernel_log) finding.evidence.push_back("kernel: " + line);
}

void unreachable(const ProbeResult& result, const ProbeEvidence& evidence, Findings& out) {
  const Probe& probe = result.probe;
  Finding& f = out.failure("probe-unreachable", object_of(result),
                           "nothing answered at " + probe.connect.describe() + ": " + result.cause);
  add_kernel_lines(f, result);
  f.fix = "check that port " + std::to_string(probe.port_id) + " listens (ss -ltn 'sport = :" + probe.connect.trsvcid +
          "') and that nothing between host and target drops " + probe.connect.describe();
  if (probe.connect.trtype != "tcp") return;
  if (!evidence.firewall) {
    if (!evidence.firewall_error.empty()) f.evidence.push_back("the firewall could not be read: " + evidence.firewall_error);
    return;
  }
  std::uint32_t port = 0;
  try {
    port = static_cast<std::uint32_t>(std::stoul(probe.connect.trsvcid));
  } catch (const std::exception&) {
    return;
  }
  auto rules = rules_blocking_tcp_port(*evidence.firewall, port);
  for (const FirewallRule& rule : rules) f.evidence.push_back("nftables rule " + rule.describe());
  if (!rules.empty()) {
    f.what += "; the likely cause: nftables rule " + rules.front().describe();
    f.fix = rules.front().delete_command() + " (or add a rule that accepts tcp dport " + probe.connect.trsvcid +
            " before it)";
    return;
  }
  for (const FirewallChain& chain : evidence.firewall->dropping_chains)
    f.evidence.push_back("nftables chain " + chain.family + " " + chain.table + " " + chain.name + " (hook " +
                         chain.hook + ") drops what no rule accepts");
}

// A namespace enabled on an empty device: configfs and verify accept it,
// the host makes no block device for it.
const ExpectedNamespace* empty_device(const ProbeResult& result) {
  for (const ExpectedNamespace& expected : result.probe.namespaces)
    if (expected.bytes && *expected.bytes == 0) return &expected;
  return nullptr;
}

void mismatch(const ProbeResult& result, const ProbeEvidence& evidence, Findings& out) {
  Finding& f = out.failure("probe-mismatch", object_of(result),
                           "the host does not see what the target declares: " + result.cause, apply_fix(evidence));
  for (const NamespaceSeen& ns : result.namespaces)
    if (!ns.problem.empty()) f.evidence.push_back("namespace " + std::to_string(ns.nsid) + ": " + ns.problem);
  if (const ExpectedNamespace* empty = empty_device(result)) {
    f.what += "; namespace " + std::to_string(empty->nsid) + " is on an empty device (" + empty->device_path +
              ", 0 bytes)";
    f.fix = "put the data behind " + empty->device_path + " (a disk, or losetup with its backing file), then " +
            apply_fix(evidence);
  }
}

void io_error(const ProbeResult& result, Findings& out) {
  Finding& f = out.failure("probe-io-error", object_of(result),
                           "the host connects but cannot read: " + result.cause);
  std::string devices;
  for (const NamespaceSeen& ns : result.namespaces) {
    if (ns.problem.empty()) continue;
    f.evidence.push_back("namespace " + std::to_string(ns.nsid) + ": " + ns.problem);
    for (const ExpectedNamespace& expected : result.probe.namespaces)
      if (expected.nsid == ns.nsid) devices += (devices.empty() ? "" : " ") + expected.device_path;
  }
  f.fix = devices.empty() ? "check the namespaces' backing devices"
                          : "check the backing device: dd if=" + devices.substr(0, devices.find(' ')) +
                                " of=/dev/null bs=4096 count=1 iflag=direct (a device-mapper error target, a failed disk)";
}

}  // namespace

void add_probe_findings(const CheckReport& report, const ProbeEvidence& evidence, Findings& out) {
  const std::string cfs = evidence.configfs_nvmet;
  for (const ProbeResult& result : report.results) {
    const Probe& probe = result.probe;
    switch (result.verdict) {
      case Verdict::Served:
        if (probe.expect == ProbeExpectation::Served)
          out.ok("probe-served", object_of(result),
                 "served: connected, " + std::to_string(result.namespaces.size()) + " namespace(s) seen and read");
        else
          out.failure("probe-open", object_of(result), "served, though it is not on the allow-list");
        break;
      case Verdict::Refused:
        if (probe.expect == ProbeExpectation::Refused) {
          out.ok("probe-refused", object_of(result), "a host not on the allow-list is refused, as it must be");
        } else {
          Finding& f = out.failure("probe-not-allowed", object_of(result),
                                   "the target refused a host the file allows" +
                                       (result.cause.empty() ? std::string() : ": " + result.cause),
                                   "ln -s " + cfs + "/hosts/" + probe.host.nqn + " " + cfs + "/subsystems/" +
                                       probe.subsystem_nqn + "/allowed_hosts/" + probe.host.nqn + " (or " +
                                       apply_fix(evidence) + ")");
          add_kernel_lines(f, result);
        }
        break;
      case Verdict::Open: {
        Finding& f = out.failure("probe-open", object_of(result),
                                 "a host that is not on the allow-list was let in",
                                 "echo 0 > " + cfs + "/subsystems/" + probe.subsystem_nqn +
                                     "/attr_allow_any_host, then link the allowed hosts (or " + apply_fix(evidence) + ")");
        f.evidence.push_back("connected as " + probe.host.nqn + ", a host NQN made up for the probe");
        break;
      }
      case Verdict::AuthFailed: {
        Finding& f = out.failure("probe-auth-failed", object_of(result),
                                 "DH-HMAC-CHAP authentication failed for host " + probe.host.nqn + ": " + result.cause,
                                 "make the target's key (" + cfs + "/hosts/" + probe.host.nqn +
                                     "/dhchap_key) and the host's key file the same: " + apply_fix(evidence));
        add_kernel_lines(f, result);
        break;
      }
      case Verdict::Unreachable:
        unreachable(result, evidence, out);
        break;
      case Verdict::Mismatch:
        mismatch(result, evidence, out);
        break;
      case Verdict::IoError:
        io_error(result, out);
        break;
      case Verdict::NotCheckable:
        out.warning("probe-not-checkable", object_of(result), "not checkable from here: " + result.cause);
        break;
    }
  }
  for (const ReferralSeen& seen : report.referrals) {
    const std::string object = "port " + std::to_string(seen.port_id) + " referral " + seen.referral.name;
    const std::string address = seen.referral.address.describe();
    if (!seen.judged)
      out.warning("probe-referral-not-judged", object, "no discovery log was read through the port");
    else if (seen.as_promised())
      out.ok("probe-referral", object, seen.listed ? address + " is in the port's discovery log"
                                                   : "disabled, and not in the port's discovery log");
    else
      out.failure("probe-referral", object,
                  seen.referral.enabled ? "enabled, but " + address + " is not in the port's discovery log"
                                        : "disabled, but " + address + " is still in the port's discovery log",
                  "echo " + std::string(seen.referral.enabled ? "1" : "0") + " > " + cfs + "/ports/" +
                      std::to_string(seen.port_id) + "/referrals/" + seen.referral.name + "/enable (or " +
                      apply_fix(evidence) + ")");
  }
  for (const std::string& problem : report.problems) out.warning("probe-problem", "check", problem);
}

}  // namespace nvmetctl::doctor
