// The check's verdicts, and how they read as text and JSON.
#include "nvmetctl/check/check_report.h"

#include <algorithm>
#include <sstream>

namespace nvmetctl {

std::string to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::Served: return "served";
    case Verdict::Refused: return "refused";
    case Verdict::AuthFailed: return "authentication-failed";
    case Verdict::Unreachable: return "unreachable";
    case Verdict::Mismatch: return "mismatch";
    case Verdict::IoError: return "io-error";
    case Verdict::Open: return "open";
    case Verdict::NotCheckable: return "not-checkable";
  }
  return "unknown";
}

bool ProbeResult::as_promised() const {
  if (verdict == Verdict::NotCheckable) return true;
  return probe.expect == ProbeExpectation::Served ? verdict == Verdict::Served : verdict == Verdict::Refused;
}

bool CheckReport::passed() const {
  return problems.empty() &&
         std::all_of(results.begin(), results.end(), [](const ProbeResult& r) { return r.as_promised(); }) &&
         std::all_of(referrals.begin(), referrals.end(), [](const ReferralSeen& r) { return r.as_promised(); });
}

std::size_t CheckReport::count(Verdict verdict) const {
  return static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [&](const ProbeResult& r) { return r.verdict == verdict; }));
}

namespace {

std::string who(const ProbeResult& result) {
  const Probe& probe = result.probe;
  std::string host = probe.host.nqn;
  if (probe.generated_host) host += probe.expect == ProbeExpectation::Refused ? " (foreign probe host)" : " (probe host)";
  return "port " + std::to_string(probe.port_id) + " (" + probe.connect.describe() + ") subsystem " +
         probe.subsystem_nqn + " host " + host;
}

std::string outcome_text(const ProbeResult& result) {
  std::string text = to_string(result.verdict);
  if (result.verdict == Verdict::Served) {
    text += " (" + std::to_string(result.namespaces.size()) + " namespace" + (result.namespaces.size() == 1 ? "" : "s") +
            ", first 4 KiB of each read)";
  }
  if (!result.cause.empty()) text += ": " + result.cause;
  if (!result.as_promised() && result.probe.expect == ProbeExpectation::Refused) text += " (expected: refused)";
  return text;
}

std::string referral_text(const ReferralSeen& seen) {
  const ExpectedReferral& r = seen.referral;
  std::string text = "port " + std::to_string(seen.port_id) + " referral " + r.name + " (" + r.address.describe() + "): ";
  if (!seen.judged) return text + "not judged: no discovery log was read through the port";
  if (seen.as_promised()) return text + (seen.listed ? "in the port's discovery log" : "disabled, not in the discovery log");
  return text + (r.enabled ? "enabled, but not in the port's discovery log" : "disabled, but still in the port's discovery log");
}

nlohmann::json referral_json(const ReferralSeen& seen) {
  return {{"port", seen.port_id},         {"name", seen.referral.name},
          {"trtype", seen.referral.address.trtype}, {"traddr", seen.referral.address.traddr},
          {"trsvcid", seen.referral.address.trsvcid}, {"enabled", seen.referral.enabled},
          {"listed", seen.listed},         {"judged", seen.judged},
          {"as_promised", seen.as_promised()}};
}

nlohmann::json namespace_json(const NamespaceSeen& ns) {
  nlohmann::json out{{"nsid", ns.nsid}, {"block_device", ns.block_device}, {"problem", ns.problem}};
  out["expected_bytes"] = ns.expected_bytes ? nlohmann::json(*ns.expected_bytes) : nlohmann::json(nullptr);
  out["seen_bytes"] = ns.seen_bytes ? nlohmann::json(*ns.seen_bytes) : nlohmann::json(nullptr);
  return out;
}

nlohmann::json result_json(const ProbeResult& result) {
  const Probe& probe = result.probe;
  nlohmann::json out{{"port", probe.port_id},
                     {"trtype", probe.connect.trtype},
                     {"traddr", probe.connect.traddr},
                     {"trsvcid", probe.connect.trsvcid},
                     {"subsystem", probe.subsystem_nqn},
                     {"host", probe.host.nqn},
                     {"probe_host", probe.generated_host},
                     {"expect", probe.expect == ProbeExpectation::Served ? "served" : "refused"},
                     {"verdict", to_string(result.verdict)},
                     {"as_promised", result.as_promised()},
                     {"cause", result.cause},
                     {"discovered", result.discovered},
                     {"kernel_log", result.kernel_log}};
  out["namespaces"] = nlohmann::json::array();
  for (const NamespaceSeen& ns : result.namespaces) out["namespaces"].push_back(namespace_json(ns));
  return out;
}

}  // namespace

std::vector<std::string> CheckReport::failures() const {
  std::vector<std::string> lines;
  for (const ProbeResult& result : results)
    if (!result.as_promised()) lines.push_back(who(result) + ": " + outcome_text(result));
  for (const ReferralSeen& seen : referrals)
    if (!seen.as_promised()) lines.push_back(referral_text(seen));
  for (const std::string& problem : problems) lines.push_back(problem);
  return lines;
}

nlohmann::json to_json(const CheckReport& report) {
  nlohmann::json out{{"passed", report.passed()},
                     {"modules_loaded", report.modules_loaded},
                     {"modules_unloaded", report.modules_unloaded},
                     {"problems", report.problems}};
  out["results"] = nlohmann::json::array();
  for (const ProbeResult& result : report.results) out["results"].push_back(result_json(result));
  out["referrals"] = nlohmann::json::array();
  for (const ReferralSeen& seen : report.referrals) out["referrals"].push_back(referral_json(seen));
  nlohmann::json counts = nlohmann::json::object();
  for (Verdict v : {Verdict::Served, Verdict::Refused, Verdict::AuthFailed, Verdict::Unreachable, Verdict::Mismatch,
                    Verdict::IoError, Verdict::Open, Verdict::NotCheckable})
    counts[to_string(v)] = report.count(v);
  out["counts"] = counts;
  return out;
}

std::string render_text(const CheckReport& report) {
  std::ostringstream out;
  for (const ProbeResult& result : report.results) {
    out << (result.as_promised() ? "  ok    " : "  FAIL  ") << who(result) << ": " << outcome_text(result) << "\n";
    if (!result.as_promised())
      for (const std::string& line : result.kernel_log) out << "          kernel: " << line << "\n";
  }
  for (const ReferralSeen& seen : report.referrals)
    out << (seen.as_promised() ? "  ok    " : "  FAIL  ") << referral_text(seen) << "\n";
  if (!report.modules_loaded.empty()) {
    out << "host modules loaded for the check:";
    for (const std::string& m : report.modules_loaded) out << " " << m;
    out << (report.modules_unloaded.size() == report.modules_loaded.size() ? " (unloaded again)" : "") << "\n";
  }
  for (const std::string& problem : report.problems) out << "problem: " << problem << "\n";
  const std::size_t failed = static_cast<std::size_t>(std::count_if(
      report.results.begin(), report.results.end(), [](const ProbeResult& r) { return !r.as_promised(); }));
  out << report.results.size() << " checked: " << report.count(Verdict::Served) << " served, "
      << report.count(Verdict::Refused) << " refused, " << report.count(Verdict::NotCheckable)
      << " not checkable from here, " << failed << " not as the target promises\n";
  if (!report.referrals.empty()) {
    auto count = [&](auto&& pick) {
      return std::count_if(report.referrals.begin(), report.referrals.end(), pick);
    };
    out << report.referrals.size() << " referrals: "
        << count([](const ReferralSeen& r) { return r.judged && r.as_promised(); }) << " as declared, "
        << count([](const ReferralSeen& r) { return !r.as_promised(); }) << " not, "
        << count([](const ReferralSeen& r) { return !r.judged; }) << " not judged\n";
  }
  return out.str();
}

}  // namespace nvmetctl
