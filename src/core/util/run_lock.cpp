#include "nvmetctl/util/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <thread>

namespace nvmetctl {

std::optional<int> lock_timeout_ms(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
  // Compared as seconds: the product of a huge value would not fit an int.
  if (seconds >= kLongestLockTimeoutMs / 1000.0) return kLongestLockTimeoutMs;
  return static_cast<int>(std::lround(seconds * 1000));
}

Expected<RunLock> RunLock::acquire(const std::string& path, int timeout_ms) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return sys_error(errno, "open lock file", path);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      int saved = errno;
      ::close(fd);
      return sys_error(saved, "lock", path);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      char holder[32] = {};
      ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
      ::close(fd);
      std::string who = n > 0 ? std::string(holder, static_cast<size_t>(n)) : std::string("unknown");
      while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
      // EWOULDBLOCK tells the caller it is the other run, not the file.
      return SysError{EWOULDBLOCK, "lock", path,
                      "another nvmetctl (pid " + who + ") is changing the target; waited " +
                          std::to_string(timeout_ms / 1000) + "s"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
  return RunLock(fd);
}

RunLock::RunLock(RunLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace nvmetctl
