#include "nvmetctl/util/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

namespace nvmetctl {

std::optional<int> lock_timeout_ms(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
  // Compared as seconds: the product of a huge value would not fit an int.
  if (seconds >= kLongestLockTimeoutMs / 1000.0) return kLongestLockTimeoutMs;
  return static_cast<int>(std::lround(seconds * 1000));
}

// flock works on any descriptor, a read-only one too: whoever can open
// the file can hold the lock and block every apply. So it is a regular
// file of the running user (root in production), nobody else's to open.
// O_NOFOLLOW: a symlink planted there was followed and its target
// truncated. O_NONBLOCK: a FIFO there would block the open.
Expected<RunLock> RunLock::acquire(const std::string& path, int timeout_ms) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  if (fd < 0 && errno == ELOOP)
    return SysError{ELOOP, "open lock file", path, "is a symlink; a lock file never is (remove it)"};
  if (fd < 0) return sys_error(errno, "open lock file", path);
  struct stat st {};
  std::string refused;
  if (::fstat(fd, &st) != 0) refused = std::strerror(errno);
  else if (!S_ISREG(st.st_mode)) refused = "not a regular file (remove it)";
  else if (st.st_uid != ::geteuid())
    refused = "owned by uid " + std::to_string(st.st_uid) + ", not by uid " + std::to_string(::geteuid()) +
              " running nvmetctl: another user could hold the lock (remove it)";
  else if ((st.st_mode & 077) != 0 && ::fchmod(fd, 0600) != 0)  // an older run's 0644 file
    refused = std::string("cannot make it private: ") + std::strerror(errno);
  if (!refused.empty()) {
    ::close(fd);
    return logic_error("open lock file", path, refused);
  }
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
