#pragma once
// Every finding id the doctor can report, with what it checks. Ids are
// stable: scripts match them. `nvmetctl doctor --list` prints this table.
#include <span>
#include <string_view>

namespace nvmetctl::doctor {

struct FindingKind {
  std::string_view id;
  std::string_view checks;  // one line: what it means when reported
};

std::span<const FindingKind> finding_catalog();
const FindingKind* find_finding_kind(std::string_view id);

}  // namespace nvmetctl::doctor
