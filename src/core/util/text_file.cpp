#include "nvmetctl/util/text_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "nvmetctl/util/unique_fd.h"

namespace nvmetctl {
namespace {

std::string kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

std::string size_text(std::size_t bytes) {
  constexpr std::size_t kMiB = 1024 * 1024;
  return bytes % kMiB == 0 ? std::to_string(bytes / kMiB) + " MiB" : std::to_string(bytes) + " bytes";
}

}  // namespace

Expected<std::string> read_text_file(const std::string& path, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO would wait for a writer; a regular file
  // ignores the flag.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) return sys_error(errno, "read", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return sys_error(errno, "read", path);
  if (S_ISDIR(st.st_mode)) return SysError{EISDIR, "read", path, "not a regular file (a directory)"};
  if (!S_ISREG(st.st_mode)) return logic_error("read", path, "not a regular file (" + kind_of(st.st_mode) + ")");
  std::string too_big = "larger than " + size_text(max_bytes);
  if (static_cast<std::size_t>(st.st_size) > max_bytes) return logic_error("read", path, too_big);
  // The size is checked again while reading: procfs shows 0, and a file
  // can grow after the fstat.
  std::string text;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error(errno, "read", path);
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > max_bytes) return logic_error("read", path, too_big);
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace nvmetctl
