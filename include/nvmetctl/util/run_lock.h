#pragma once
// Keeps two nvmetctl runs from interleaving their configfs changes.
#include <cerrno>
#include <optional>
#include <string>

#include "nvmetctl/expected.h"

namespace nvmetctl {

// The longest --lock-timeout honoured: a day. Longer is no different in
// practice, and the milliseconds must fit an int.
inline constexpr int kLongestLockTimeoutMs = 24 * 60 * 60 * 1000;

// --lock-timeout's seconds as acquire()'s milliseconds, at most a day;
// nullopt for NaN, an infinity or a negative number.
std::optional<int> lock_timeout_ms(double seconds);

class RunLock {
 public:
  // Waits up to `timeout_ms` for the lock. When another run holds it the
  // error names the holder's pid; any other error is the lock file's own.
  static Expected<RunLock> acquire(const std::string& path, int timeout_ms);
  static bool held_by_another_run(const SysError& error) { return error.errnum == EWOULDBLOCK; }
  RunLock(RunLock&& other) noexcept;
  RunLock& operator=(RunLock&&) = delete;
  RunLock(const RunLock&) = delete;
  ~RunLock();

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace nvmetctl
