#pragma once
// The fakes' "this operation fails next" switch: an operation name, the
// errno it fails with, and how many calls go through first.
#include <map>
#include <optional>
#include <string>

namespace nvmetctl {

class ScheduledFaults {
 public:
  void fail_next(const std::string& operation, int errnum, int skip = 0) { faults_[operation] = {errnum, skip}; }

  // The errno this call of the operation fails with, once; nullopt when it
  // goes through.
  std::optional<int> take(const std::string& operation) {
    auto fault = faults_.find(operation);
    if (fault == faults_.end()) return std::nullopt;
    if (fault->second.skip > 0) {
      --fault->second.skip;
      return std::nullopt;
    }
    int errnum = fault->second.errnum;
    faults_.erase(fault);
    return errnum;
  }

 private:
  struct Fault {
    int errnum = 0;
    int skip = 0;
  };
  std::map<std::string, Fault> faults_;
};

}  // namespace nvmetctl
