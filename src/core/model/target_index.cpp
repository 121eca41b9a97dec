#include "nvmetctl/model/target_index.h"

namespace nvmetctl {

TargetIndex::TargetIndex(const Target& target) {
  // emplace keeps the first of duplicates, as the linear find_* did.
  for (const Subsystem& s : target.subsystems) subsystems_.emplace(s.nqn, &s);
  for (const Host& h : target.hosts) hosts_.emplace(h.nqn, &h);
  for (const Port& p : target.ports)
    if (p.subsystems)
      for (const std::string& nqn : *p.subsystems) linked_.insert(nqn);
}

const Subsystem* TargetIndex::subsystem(const std::string& nqn) const {
  auto it = subsystems_.find(nqn);
  return it == subsystems_.end() ? nullptr : it->second;
}

const Host* TargetIndex::host(const std::string& nqn) const {
  auto it = hosts_.find(nqn);
  return it == hosts_.end() ? nullptr : it->second;
}

}  // namespace nvmetctl
