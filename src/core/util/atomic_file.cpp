#include "nvmetctl/util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace nvmetctl {
namespace {

std::string directory_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Expected<void> write_all(int fd, const std::string& content, const std::string& path) {
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error(errno, "write", path);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return sys_error(errno, "sync", path);
  return {};
}

}  // namespace

Expected<void> write_file_atomically(const std::string& path, const std::string& content, mode_t mode) {
  std::string dir = directory_of(path);
  std::vector<char> name(path.begin(), path.end());
  for (char c : std::string(".nvmetctl-XXXXXX")) name.push_back(c);
  name.push_back('\0');
  // mkstemp: a fresh name, O_EXCL, mode 0600 whatever the umask.
  int fd = ::mkstemp(name.data());
  std::string temp(name.data());
  if (fd < 0) return sys_error(errno, "create a temporary file in", dir);
  auto written = write_all(fd, content, temp);
  if (written && ::fchmod(fd, mode) != 0) written = sys_error(errno, "chmod", temp);
  if (::close(fd) != 0 && written) written = sys_error(errno, "close", temp);
  if (written && ::rename(temp.c_str(), path.c_str()) != 0) written = sys_error(errno, "rename over", path);
  if (!written) {
    ::unlink(temp.c_str());
    return written;
  }
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {  // the rename itself is durable only once its directory is
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

}  // namespace nvmetctl
