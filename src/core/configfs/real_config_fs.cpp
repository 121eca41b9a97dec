#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string_view>

#include "nvmetctl/configfs/config_fs.h"
#include "nvmetctl/util/unique_fd.h"

namespace nvmetctl {
namespace {

// configfs has no symlinked attribute files (its only symlinks are the
// port and allow-list links, read with readlink): under a redirected
// --configfs one would read or write a file anywhere.
constexpr int kAttributeOpen = O_CLOEXEC | O_NOFOLLOW;

// statfs f_type of a configfs (the kernel's include/linux/configfs.h; not
// in the UAPI headers).
constexpr decltype(statfs::f_type) kConfigfsMagic = 0x62656570;

SysError open_error(int errnum, const char* action, const std::string& attr) {
  if (errnum == ELOOP) return SysError{ELOOP, action, attr, "is a symlink; configfs attributes never are"};
  return sys_error(errnum, action, attr);
}

// Each kept file holds the page configfs buffers its value in: at most
// 64 MiB of kernel memory for the few seconds between a write and the
// verify, and never more descriptors than the limit leaves room for.
constexpr std::size_t kMostKept = 16384;
constexpr rlim_t kDescriptorsLeftFree = 256;

// The soft descriptor limit raised to the hard one (1024 is the usual soft
// limit; nvmetctl uses no select()), and how many files may be kept.
std::size_t keepable_files() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return kMostKept;
  if (limit.rlim_cur <= kDescriptorsLeftFree) return 0;
  return std::min<std::size_t>(kMostKept, limit.rlim_cur - kDescriptorsLeftFree);
}

// The whole value from offset 0 of an open attribute, trailing newline
// removed. configfs shows at most a page in one read; a short read is the end.
Expected<std::string> read_open_attribute(int fd, const std::string& attr) {
  std::string content;
  char buffer[4096 + 1];
  for (;;) {
    ssize_t n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(content.size()));
    if (n < 0) return sys_error(errno, "read", attr);
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    if (static_cast<size_t>(n) < sizeof buffer) break;
  }
  if (!content.empty() && content.back() == '\n') content.pop_back();
  return content;
}

}  // namespace

RealConfigFs::RealConfigFs(std::string configfs_mount, Anchor anchor)
    : mount_(std::move(configfs_mount)),
      mount_prefix_(mount_.empty() ? std::string() : mount_ + "/"),
      anchor_(anchor) {}

RealConfigFs::~RealConfigFs() {
  keep_written_open(false);
  release_mount();
}

void RealConfigFs::release_mount() {
  if (anchor_fd_ >= 0) ::close(anchor_fd_);
  anchor_fd_ = -1;
}

// Until the mount point is a configfs (before this run mounts it, or under a
// --configfs that is a plain directory) paths stay absolute; one statfs a
// call until then.
bool RealConfigFs::hold_mount() const {
  if (anchor_fd_ >= 0) return true;
  struct statfs fs_info {};
  if (anchor_ == Anchor::WhenConfigfs && (::statfs(mount_.c_str(), &fs_info) != 0 || fs_info.f_type != kConfigfsMagic))
    return false;
  int fd = ::open(mount_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  // The same check on what was opened: a mount between the two calls.
  if (anchor_ == Anchor::WhenConfigfs && (::fstatfs(fd, &fs_info) != 0 || fs_info.f_type != kConfigfsMagic)) {
    ::close(fd);
    return false;
  }
  anchor_fd_ = fd;
  return true;
}

RealConfigFs::AtPath RealConfigFs::at(const std::string& path) const {
  if (!mount_prefix_.empty() && path.size() > mount_prefix_.size() &&
      path.compare(0, mount_prefix_.size(), mount_prefix_) == 0 && hold_mount())
    return {anchor_fd_, path.c_str() + mount_prefix_.size()};
  return {AT_FDCWD, path.c_str()};
}

void RealConfigFs::keep_written_open(bool keep) {
  if (keep && !keep_) keep_limit_ = keepable_files();
  keep_ = keep;
  if (keep) return;
  for (auto& [attr, fd] : kept_) ::close(fd);
  kept_.clear();
}

void RealConfigFs::close_kept_under(const std::string& dir) {
  const std::string prefix = dir + "/";
  auto it = kept_.lower_bound(prefix);
  while (it != kept_.end() && it->first.compare(0, prefix.size(), prefix) == 0) {
    ::close(it->second);
    it = kept_.erase(it);
  }
}

bool RealConfigFs::exists(const std::string& path) const {
  struct stat st;
  AtPath where = at(path);
  return ::fstatat(where.dir, where.path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

// getdents64 straight into a buffer on the stack: opendir/fdopendir would
// add an fstat and an fcntl and a 32 KiB allocation to each of the hundreds
// of directories a big target's read lists.
Expected<std::vector<DirEntry>> RealConfigFs::list(const std::string& dir) const {
  AtPath where = at(dir);
  const UniqueFd directory(::openat(where.dir, where.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (directory.get() < 0) return sys_error(errno, "list", dir);
  const int fd = directory.get();
  std::vector<DirEntry> entries;
  alignas(dirent64) char buffer[16384];
  for (;;) {
    const ssize_t filled = ::getdents64(fd, buffer, sizeof buffer);
    if (filled < 0) return sys_error(errno, "list", dir);
    if (filled == 0) break;
    for (ssize_t offset = 0; offset < filled;) {
      const auto* entry = reinterpret_cast<const dirent64*>(buffer + offset);
      offset += entry->d_reclen;
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      EntryType type = EntryType::File;
      unsigned char kind = entry->d_type;
      if (kind == DT_UNKNOWN) {
        struct stat st;
        if (::fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
          kind = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
      }
      if (kind == DT_DIR) type = EntryType::Directory;
      else if (kind == DT_LNK) type = EntryType::Symlink;
      entries.push_back({std::string(name), type});
    }
  }
  return entries;
}

Expected<std::string> RealConfigFs::read(const std::string& attr) const {
  int fd = -1;
  if (auto kept = kept_.find(attr); kept != kept_.end()) {
    // Nothing read it since the write, so configfs calls show() afresh.
    fd = kept->second;
    kept_.erase(kept);
  } else {
    // O_RDONLY, never O_RDWR: write-only configfs attributes refuse O_RDWR.
    AtPath where = at(attr);
    fd = ::openat(where.dir, where.path, O_RDONLY | kAttributeOpen);
    if (fd < 0) return open_error(errno, "read", attr);
  }
  auto content = read_open_attribute(fd, attr);
  ::close(fd);
  return content;
}

Expected<std::string> RealConfigFs::read_link(const std::string& link) const {
  char buffer[PATH_MAX];
  AtPath where = at(link);
  ssize_t n = ::readlinkat(where.dir, where.path, buffer, sizeof buffer - 1);
  if (n < 0) return sys_error(errno, "readlink", link);
  return std::string(buffer, static_cast<size_t>(n));
}

Expected<void> RealConfigFs::write(const std::string& attr, const std::string& value) {
  int fd = -1;
  bool keep = keep_ && kept_.size() < keep_limit_;
  AtPath where = at(attr);
  // Write-only attributes (revalidate_size) refuse O_RDWR: written as ever.
  if (keep && (fd = ::openat(where.dir, where.path, O_RDWR | kAttributeOpen)) < 0) keep = false;
  if (!keep) fd = ::openat(where.dir, where.path, O_WRONLY | kAttributeOpen);
  if (fd < 0) return open_error(errno, "write", attr);
  // One write() is one store call; no trailing newline (discovery_nqn
  // returns a short count for it).
  ssize_t n = ::write(fd, value.data(), value.size());
  int saved = errno;
  if (keep && n >= 0) {
    auto [it, fresh] = kept_.try_emplace(attr, fd);
    if (!fresh) {
      ::close(it->second);  // written again: the newer file is read back
      it->second = fd;
    }
  } else {
    ::close(fd);
  }
  if (n < 0) return sys_error(saved, "write", attr);
  if (static_cast<size_t>(n) != value.size())
    return logic_error("write", attr, "short write: the kernel took " + std::to_string(n) +
                                          " of " + std::to_string(value.size()) + " bytes");
  return {};
}

Expected<void> RealConfigFs::make_dir(const std::string& dir) {
  AtPath where = at(dir);
  if (::mkdirat(where.dir, where.path, 0755) != 0) return sys_error(errno, "mkdir", dir);
  return {};
}

Expected<void> RealConfigFs::remove_dir(const std::string& dir) {
  close_kept_under(dir);
  AtPath where = at(dir);
  if (::unlinkat(where.dir, where.path, AT_REMOVEDIR) != 0) return sys_error(errno, "rmdir", dir);
  return {};
}

Expected<void> RealConfigFs::make_link(const std::string& target, const std::string& link) {
  AtPath where = at(link);
  if (::symlinkat(target.c_str(), where.dir, where.path) != 0) return sys_error(errno, "symlink", link);
  return {};
}

Expected<void> RealConfigFs::remove_link(const std::string& link) {
  AtPath where = at(link);
  if (::unlinkat(where.dir, where.path, 0) != 0) return sys_error(errno, "unlink", link);
  return {};
}

}  // namespace nvmetctl
