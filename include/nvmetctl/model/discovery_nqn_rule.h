#pragma once
// The kernel refuses a discovery_nqn while a subsystem's name begins with it
// (it compares strlen(new) bytes of each name): written once, for the
// validator, the planner and the fake.
#include <string>

namespace nvmetctl {

inline bool subsystem_blocks_discovery_nqn(const std::string& subsystem_nqn, const std::string& discovery_nqn) {
  return subsystem_nqn.compare(0, discovery_nqn.size(), discovery_nqn) == 0;
}

}  // namespace nvmetctl
