#pragma once
// Constant-time name lookups over a Target. Target's find_* scan linearly,
// which made planning a 1024-subsystem target quadratic. The index points
// into the Target: it must outlive the index and stay unchanged.
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "nvmetctl/model/target.h"

namespace nvmetctl {

class TargetIndex {
 public:
  explicit TargetIndex(const Target& target);

  const Subsystem* subsystem(const std::string& nqn) const;
  const Host* host(const std::string& nqn) const;
  // Some port links the subsystem.
  bool linked_anywhere(const std::string& nqn) const { return linked_.count(nqn) != 0; }

 private:
  std::unordered_map<std::string_view, const Subsystem*> subsystems_;
  std::unordered_map<std::string_view, const Host*> hosts_;
  std::unordered_set<std::string_view> linked_;
};

}  // namespace nvmetctl
