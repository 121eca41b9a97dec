#include "nvmetctl/doctor/doctor.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace nvmetctl::doctor {
namespace {

// The live pass and the pre-flight can say the same thing about the same
// object; keep one finding, the more severe, with all the evidence.
void merge_duplicates(Findings& findings) {
  std::vector<Finding> merged;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  for (auto& f : findings.all()) {
    // Problems in the file are one finding each, even on the same object.
    bool per_message = f.id == "file-invalid" || f.id == "file-warning" || f.id == "plan-error" || f.id == "plan-warning";
    auto key = std::make_pair(f.id, f.object + (per_message ? "\n" + f.what : ""));
    auto it = index.find(key);
    if (it == index.end()) {
      index[key] = merged.size();
      merged.push_back(std::move(f));
      continue;
    }
    Finding& kept = merged[it->second];
    if (f.severity > kept.severity) {
      std::swap(kept.what, f.what);
      std::swap(kept.fix, f.fix);
      kept.severity = f.severity;
    }
    for (auto& e : f.evidence)
      if (std::find(kept.evidence.begin(), kept.evidence.end(), e) == kept.evidence.end())
        kept.evidence.push_back(std::move(e));
  }
  findings.all() = std::move(merged);
}

const char* tag(FindingSeverity severity) {
  switch (severity) {
    case FindingSeverity::Failure: return "FAIL";
    case FindingSeverity::Warning: return "WARN";
    case FindingSeverity::Ok: return "ok  ";
  }
  return "?";
}

}  // namespace

Findings run_checks(const DoctorInputs& in) {
  Findings out;
  check_privileges(in, out);
  check_configfs(in, out);
  check_kernel_log_access(in, out);
  check_interrupted_run(in, out);
  check_modules(in, out);
  check_module_log(in, out);
  check_ports(in, out);
  check_namespaces(in, out);
  check_subsystems(in, out);
  check_rdma_links(in, out);
  check_connect_log(in, out);
  check_tls(in, out);
  check_file(in, out);
  merge_duplicates(out);
  return out;
}

std::string format_findings(const Findings& findings, bool verbose) {
  // Objects in order of their worst finding, then of first appearance.
  std::vector<std::string> order;
  std::map<std::string, FindingSeverity> worst;
  for (const auto& f : findings.all()) {
    if (f.severity == FindingSeverity::Ok && !verbose) continue;
    if (!worst.count(f.object)) {
      order.push_back(f.object);
      worst[f.object] = f.severity;
    }
    worst[f.object] = std::max(worst[f.object], f.severity);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](const std::string& a, const std::string& b) { return worst[a] > worst[b]; });
  std::ostringstream text;
  for (const auto& object : order) {
    text << object << "\n";
    for (FindingSeverity severity : {FindingSeverity::Failure, FindingSeverity::Warning, FindingSeverity::Ok})
      for (const auto& f : findings.all()) {
        if (f.object != object || f.severity != severity) continue;
        text << "  " << tag(f.severity) << " " << f.id << ": " << f.what << "\n";
        for (const auto& e : f.evidence) text << "       why: " << e << "\n";
        if (!f.fix.empty()) text << "       fix: " << f.fix << "\n";
      }
  }
  int failures = findings.count(FindingSeverity::Failure);
  int warnings = findings.count(FindingSeverity::Warning);
  if (failures == 0 && warnings == 0)
    text << "doctor: no problems found\n";
  else
    text << "doctor: " << failures << (failures == 1 ? " failure, " : " failures, ") << warnings
         << (warnings == 1 ? " warning\n" : " warnings\n");
  return text.str();
}

}  // namespace nvmetctl::doctor
