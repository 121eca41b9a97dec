#include "nvmetctl/util/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace nvmetctl {
namespace {

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// write(2) may write less than asked (a signal, a full disk): loop.
Expected<void> write_all(int fd, const std::string& data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error(errno, "write", path);
    done += static_cast<std::size_t>(n);
  }
  return {};
}

// The rename is durable only once the directory entry is.
Expected<void> sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return sys_error(errno, "open", dir);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) return sys_error(err, "fsync", dir);  // EINVAL: no fsync on this fs
  return {};
}

}  // namespace

Expected<void> ensure_private_dir(const std::string& dir, unsigned mode) {
  // Always call mkdir (no stat first): the run's syscalls stay the same
  // whether or not the directory exists.
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) return sys_error(errno, "create", dir);
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return sys_error(errno, "stat", dir);
  if (!S_ISDIR(st.st_mode)) return logic_error("create", dir, "exists and is not a directory");
  return {};
}

Expected<void> write_file_atomically(const std::string& path, const std::string& content, unsigned mode) {
  // mkstemp: a fresh name beside the file (never someone's FILE.tmp), O_EXCL,
  // 0600 whatever the umask until fchmod sets `mode`. A run killed while
  // writing leaves only that temporary file behind.
  std::string name = path + ".nvmetctl-XXXXXX";
  int fd = ::mkstemp(name.data());
  if (fd < 0) return sys_error(errno, "create a temporary file for", path);
  auto written = write_all(fd, content, name);
  if (written && ::fsync(fd) != 0) written = sys_error(errno, "fsync", name);
  if (written && ::fchmod(fd, static_cast<mode_t>(mode)) != 0) written = sys_error(errno, "chmod", name);
  if (::close(fd) != 0 && written) written = sys_error(errno, "close", name);
  if (written && ::rename(name.c_str(), path.c_str()) != 0) written = sys_error(errno, "rename to", path);
  if (!written) {
    ::unlink(name.c_str());
    return written;
  }
  return sync_dir(parent_of(path));
}

Expected<void> remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return sys_error(errno, "remove", path);
  return {};
}

}  // namespace nvmetctl
