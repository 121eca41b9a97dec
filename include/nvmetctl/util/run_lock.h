#pragma once
// Keeps two nvmetctl runs from interleaving their configfs changes.
#include <string>

#include "nvmetctl/expected.h"

namespace nvmetctl {

class RunLock {
 public:
  // Waits up to `timeout_ms` for the lock; the error names the holder's pid.
  static Expected<RunLock> acquire(const std::string& path, int timeout_ms);
  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&&) = delete;
  RunLock(const RunLock&) = delete;
  ~RunLock();

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace nvmetctl
