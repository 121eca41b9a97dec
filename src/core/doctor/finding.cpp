#include "nvmetctl/doctor/finding.h"

#include <algorithm>

namespace nvmetctl::doctor {

const char* severity_name(FindingSeverity severity) {
  switch (severity) {
    case FindingSeverity::Ok: return "ok";
    case FindingSeverity::Warning: return "warning";
    case FindingSeverity::Failure: return "failure";
  }
  return "?";
}

Finding& Findings::add(Finding finding) {
  items_.push_back(std::move(finding));
  return items_.back();
}

Finding& Findings::failure(std::string id, std::string object, std::string what, std::string fix) {
  return add({std::move(id), FindingSeverity::Failure, std::move(object), std::move(what), {}, std::move(fix)});
}

Finding& Findings::warning(std::string id, std::string object, std::string what, std::string fix) {
  return add({std::move(id), FindingSeverity::Warning, std::move(object), std::move(what), {}, std::move(fix)});
}

Finding& Findings::ok(std::string id, std::string object, std::string what) {
  return add({std::move(id), FindingSeverity::Ok, std::move(object), std::move(what), {}, {}});
}

bool Findings::has(const std::string& id) const { return find(id) != nullptr; }

const Finding* Findings::find(const std::string& id, const std::string& object) const {
  for (const auto& f : items_)
    if (f.id == id && (object.empty() || f.object == object)) return &f;
  return nullptr;
}

int Findings::count(FindingSeverity severity) const {
  return static_cast<int>(std::count_if(items_.begin(), items_.end(),
                                        [&](const Finding& f) { return f.severity == severity; }));
}

nlohmann::json to_json(const Finding& finding) {
  return {{"id", finding.id},
          {"severity", severity_name(finding.severity)},
          {"object", finding.object},
          {"what", finding.what},
          {"evidence", finding.evidence},
          {"fix", finding.fix}};
}

nlohmann::json to_json(const Findings& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings.all()) list.push_back(to_json(f));
  return {{"findings", list},
          {"summary",
           {{"failures", findings.count(FindingSeverity::Failure)},
            {"warnings", findings.count(FindingSeverity::Warning)},
            {"ok", findings.count(FindingSeverity::Ok)}}}};
}

}  // namespace nvmetctl::doctor
