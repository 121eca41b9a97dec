#pragma once
// One thing the doctor found: a stable id scripts can match, how bad it is,
// the object it concerns, what is wrong, the evidence, and a command to fix it.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nvmetctl::doctor {

enum class FindingSeverity { Ok, Warning, Failure };

const char* severity_name(FindingSeverity severity);  // "ok" "warning" "failure"

struct Finding {
  std::string id;          // "rdma-addr-not-local"; stable, documented
  FindingSeverity severity = FindingSeverity::Failure;
  std::string object;      // "port 1", "namespace 10 of nqn.x", "link rxe0", "system"
  std::string what;        // one sentence
  std::vector<std::string> evidence;  // file read, errno, stamped kernel log line
  std::string fix;         // a pasteable command or file change; "" when none
};

class Findings {
 public:
  Finding& add(Finding finding);
  Finding& failure(std::string id, std::string object, std::string what, std::string fix = {});
  Finding& warning(std::string id, std::string object, std::string what, std::string fix = {});
  Finding& ok(std::string id, std::string object, std::string what);

  const std::vector<Finding>& all() const { return items_; }
  std::vector<Finding>& all() { return items_; }
  bool has(const std::string& id) const;
  const Finding* find(const std::string& id, const std::string& object = {}) const;
  int count(FindingSeverity severity) const;
  bool has_failures() const { return count(FindingSeverity::Failure) > 0; }

 private:
  std::vector<Finding> items_;
};

nlohmann::json to_json(const Finding& finding);
nlohmann::json to_json(const Findings& findings);

}  // namespace nvmetctl::doctor
