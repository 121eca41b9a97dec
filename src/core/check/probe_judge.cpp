#include "probe_judge.h"

#include <algorithm>

#include "nvmetctl/net/ip_address.h"

namespace nvmetctl {
namespace {

// The log pads its fields with spaces or NULs; IP addresses compare by value.
bool same_traddr(const std::string& listed, const std::string& wanted) {
  auto a = parse_ip_address(listed), b = parse_ip_address(wanted);
  if (a && b) return a->same_address(*b);
  return listed == wanted;
}

bool lists(const std::vector<DiscoveryRecord>& records, const Probe& probe) {
  return std::any_of(records.begin(), records.end(), [&](const DiscoveryRecord& r) {
    return !r.referral && r.subsystem_nqn == probe.subsystem_nqn && r.trtype == probe.connect.trtype &&
           (probe.connect.traddr.empty() || same_traddr(r.traddr, probe.connect.traddr)) &&
           r.trsvcid == probe.connect.trsvcid;
  });
}

bool lists_referral(const std::vector<DiscoveryRecord>& records, const FabricsAddress& address) {
  return std::any_of(records.begin(), records.end(), [&](const DiscoveryRecord& r) {
    return r.referral && r.trtype == address.trtype && same_traddr(r.traddr, address.traddr) &&
           r.trsvcid == address.trsvcid;
  });
}

std::uint64_t round_down(std::uint64_t bytes, std::uint32_t block) { return block ? bytes / block * block : bytes; }

std::string join_nsids(const std::vector<std::uint32_t>& nsids) {
  std::string out;
  for (std::uint32_t nsid : nsids) out += (out.empty() ? "" : ", ") + std::to_string(nsid);
  return out;
}

}  // namespace

std::vector<std::string> ProbeJudge::kernel_lines() {
  std::vector<std::string> lines;
  if (env_.kernel_log == nullptr) return lines;
  for (const KernelLogLine& line : env_.kernel_log->take_new())
    if (line.text.find("nvme") != std::string::npos) lines.push_back(line.text);
  return lines;
}

const ProbeJudge::Discovery& ProbeJudge::discovery(const Probe& probe) {
  const std::string key = probe.connect.describe() + " " + probe.host.nqn;
  auto found = discoveries_.find(key);
  if (found != discoveries_.end()) return found->second;
  Discovery d;
  kernel_lines();
  auto records = env_.host.discover(probe.connect, probe.host);
  if (records) {
    d.ok = true;
    d.records = std::move(*records);
  } else {
    d.error = records.error();
    d.kernel_lines = kernel_lines();
  }
  return discoveries_.emplace(key, std::move(d)).first->second;
}

ProbeResult ProbeJudge::judge(const Probe& probe) {
  ProbeResult result;
  result.probe = probe;
  if (!probe.not_checkable.empty()) {
    result.verdict = Verdict::NotCheckable;
    result.cause = probe.not_checkable;
  } else if (!probe.broken.empty()) {
    result.verdict = Verdict::Mismatch;
    result.cause = probe.broken;
  } else if (probe.expect == ProbeExpectation::Served) {
    judge_served(result);
  } else {
    judge_refused(result);
  }
  return result;
}

void ProbeJudge::judge_served(ProbeResult& result) {
  const Probe& probe = result.probe;
  const Discovery& found = discovery(probe);
  if (!found.ok) {
    ConnectFailure failure = classify_connect_failure(found.error, found.kernel_lines);
    if (failure.verdict == Verdict::Unreachable) {
      result.verdict = failure.verdict;
      result.cause = "discovery at " + probe.connect.describe() + ": " + failure.cause;
      result.kernel_log = found.kernel_lines;
      return;
    }
  }
  result.discovered = found.ok && lists(found.records, probe);
  if (found.ok) judge_referrals(probe, &found.records);
  kernel_lines();
  auto controller = env_.host.connect(probe.connect, probe.subsystem_nqn, probe.host, env_.settle_seconds);
  if (!controller) {
    result.kernel_log = kernel_lines();
    ConnectFailure failure = classify_connect_failure(controller.error(), result.kernel_log);
    result.verdict = failure.verdict;
    result.cause = failure.cause;
    return;
  }
  result.controller = controller->name;
  if (!controller->problem.empty()) {
    result.verdict = Verdict::IoError;
    result.cause = controller->problem;
    take_down(result);
    return;
  }
  compare_namespaces(result, *controller);
  take_down(result);
  if (result.verdict == Verdict::Served && !result.discovered) {
    result.verdict = Verdict::Mismatch;
    result.cause = found.ok ? "connected, but the port's discovery log does not list the subsystem for this host"
                            : "connected, but the port's discovery log could not be read: " + found.error.reason;
  }
}

// Referrals are the port's, the same in every host's log: judged from the
// first log read through the port.
// `records` nullptr: no log was read through the port, the referrals stay unjudged.
void ProbeJudge::judge_referrals(const Probe& probe, const std::vector<DiscoveryRecord>* records) {
  if (probe.referrals.empty() || !referral_ports_.insert(probe.port_id).second) return;
  for (const ExpectedReferral& referral : probe.referrals)
    report_.referrals.push_back(
        {probe.port_id, referral, records && lists_referral(*records, referral.address), records != nullptr});
}

void ProbeJudge::note_unjudged_referrals(const std::vector<Probe>& probes) {
  for (const Probe& probe : probes) judge_referrals(probe, nullptr);
}

void ProbeJudge::compare_namespaces(ProbeResult& result, const ProbeController& controller) {
  const Probe& probe = result.probe;
  std::vector<std::string> mismatches, read_errors;
  for (const ExpectedNamespace& expected : probe.namespaces) {
    NamespaceSeen seen{expected.nsid, expected.bytes, std::nullopt, {}, {}};
    auto visible = std::find_if(controller.namespaces.begin(), controller.namespaces.end(),
                                [&](const VisibleNamespace& v) { return v.nsid == expected.nsid; });
    if (visible == controller.namespaces.end()) {
      seen.problem = "not visible to the host";
    } else {
      seen.seen_bytes = visible->bytes;
      seen.block_device = visible->block_device;
      if (seen.expected_bytes) seen.expected_bytes = round_down(*seen.expected_bytes, visible->block_size);
      if (seen.expected_bytes && *seen.expected_bytes != visible->bytes)
        seen.problem = "the host sees " + std::to_string(visible->bytes) + " bytes, " + expected.device_path + " holds " +
                       std::to_string(*seen.expected_bytes);
      else if (visible->block_device.empty())
        seen.problem = "the host made no block device for it";
      else if (auto read = env_.host.read_first_block(visible->block_device); !read)
        seen.problem = "reading the first 4 KiB of " + visible->block_device + " failed: " + read.error().reason;
    }
    if (!seen.problem.empty())
      (seen.problem.rfind("reading", 0) == 0 ? read_errors : mismatches)
          .push_back("namespace " + std::to_string(seen.nsid) + ": " + seen.problem);
    result.namespaces.push_back(std::move(seen));
  }
  if (probe.namespaces.empty() && !(probe.passthru && !controller.namespaces.empty())) {
    mismatches.push_back(probe.disabled_nsids.empty()
                             ? "the subsystem serves no namespace"
                             : "the subsystem serves no namespace: namespace " + join_nsids(probe.disabled_nsids) +
                                   (probe.disabled_nsids.size() == 1 ? " is" : " are") + " disabled");
  }
  if (probe.passthru)
    for (const VisibleNamespace& v : controller.namespaces)
      if (!v.block_device.empty())
        if (auto read = env_.host.read_first_block(v.block_device); !read)
          read_errors.push_back("namespace " + std::to_string(v.nsid) + ": reading " + v.block_device +
                                " failed: " + read.error().reason);
  auto joined = [](const std::vector<std::string>& parts) {
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
    return out;
  };
  if (!mismatches.empty()) {
    result.verdict = Verdict::Mismatch;
    result.cause = joined(mismatches);
  } else if (!read_errors.empty()) {
    result.verdict = Verdict::IoError;
    result.cause = joined(read_errors);
  }
}

void ProbeJudge::judge_refused(ProbeResult& result) {
  const Probe& probe = result.probe;
  kernel_lines();
  auto controller = env_.host.connect(probe.connect, probe.subsystem_nqn, probe.host, 0);
  if (!controller) {
    result.kernel_log = kernel_lines();
    ConnectFailure failure = classify_connect_failure(controller.error(), result.kernel_log);
    result.verdict = failure.verdict;
    if (failure.verdict != Verdict::Refused) result.cause = failure.cause;
    return;
  }
  result.controller = controller->name;
  result.verdict = Verdict::Open;
  result.cause = "a host that is not on the allow-list was let in (is allow_any_host on?)";
  take_down(result);
}

void ProbeJudge::take_down(ProbeResult& result) {
  if (auto done = env_.host.disconnect(result.controller); !done)
    report_.problems.push_back("the probe's controller " + result.controller +
                               " could not be removed: " + done.error().describe());
}

}  // namespace nvmetctl
