#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "nvmetctl/configfs/config_fs.h"

namespace nvmetctl {
namespace {

// configfs has no symlinked attribute files (its only symlinks are the
// port and allow-list links, read with readlink): under a redirected
// --configfs one would read or write a file anywhere.
constexpr int kAttributeOpen = O_CLOEXEC | O_NOFOLLOW;

SysError open_error(int errnum, const char* action, const std::string& attr) {
  if (errnum == ELOOP) return SysError{ELOOP, action, attr, "is a symlink; configfs attributes never are"};
  return sys_error(errnum, action, attr);
}

}  // namespace

bool RealConfigFs::exists(const std::string& path) const {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

Expected<std::vector<DirEntry>> RealConfigFs::list(const std::string& dir) const {
  DIR* handle = ::opendir(dir.c_str());
  if (!handle) return sys_error(errno, "list", dir);
  std::vector<DirEntry> entries;
  while (dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    EntryType type = EntryType::File;
    if (entry->d_type == DT_DIR) {
      type = EntryType::Directory;
    } else if (entry->d_type == DT_LNK) {
      type = EntryType::Symlink;
    } else if (entry->d_type == DT_UNKNOWN) {
      struct stat st;
      if (::lstat((dir + "/" + name).c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) type = EntryType::Directory;
        if (S_ISLNK(st.st_mode)) type = EntryType::Symlink;
      }
    }
    entries.push_back({name, type});
  }
  ::closedir(handle);
  return entries;
}

Expected<std::string> RealConfigFs::read(const std::string& attr) const {
  // O_RDONLY, never O_RDWR: write-only configfs attributes refuse O_RDWR.
  int fd = ::open(attr.c_str(), O_RDONLY | kAttributeOpen);
  if (fd < 0) return open_error(errno, "read", attr);
  std::string content;
  char buffer[4096 + 1];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      return sys_error(saved, "read", attr);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    // configfs shows at most a page in one read; a short read is the end.
    if (static_cast<size_t>(n) < sizeof buffer) break;
  }
  ::close(fd);
  if (!content.empty() && content.back() == '\n') content.pop_back();
  return content;
}

Expected<std::string> RealConfigFs::read_link(const std::string& link) const {
  char buffer[PATH_MAX];
  ssize_t n = ::readlink(link.c_str(), buffer, sizeof buffer - 1);
  if (n < 0) return sys_error(errno, "readlink", link);
  return std::string(buffer, static_cast<size_t>(n));
}

Expected<void> RealConfigFs::write(const std::string& attr, const std::string& value) {
  int fd = ::open(attr.c_str(), O_WRONLY | kAttributeOpen);
  if (fd < 0) return open_error(errno, "write", attr);
  // One write() is one store call; no trailing newline (discovery_nqn
  // returns a short count for it).
  ssize_t n = ::write(fd, value.data(), value.size());
  int saved = errno;
  ::close(fd);
  if (n < 0) return sys_error(saved, "write", attr);
  if (static_cast<size_t>(n) != value.size())
    return logic_error("write", attr, "short write: the kernel took " + std::to_string(n) +
                                          " of " + std::to_string(value.size()) + " bytes");
  return {};
}

Expected<void> RealConfigFs::make_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0) return sys_error(errno, "mkdir", dir);
  return {};
}

Expected<void> RealConfigFs::remove_dir(const std::string& dir) {
  if (::rmdir(dir.c_str()) != 0) return sys_error(errno, "rmdir", dir);
  return {};
}

Expected<void> RealConfigFs::make_link(const std::string& target, const std::string& link) {
  if (::symlink(target.c_str(), link.c_str()) != 0) return sys_error(errno, "symlink", link);
  return {};
}

Expected<void> RealConfigFs::remove_link(const std::string& link) {
  if (::unlink(link.c_str()) != 0) return sys_error(errno, "unlink", link);
  return {};
}

}  // namespace nvmetctl
