#pragma once
// The one seam between nvmetctl and the kernel's configfs tree. Every read
// and mutation goes through it, so the engine can run against the real
// /sys/kernel/config, an in-memory fake, or a recording wrapper.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "nvmetctl/expected.h"

namespace nvmetctl {

enum class EntryType { Directory, File, Symlink };

struct DirEntry {
  std::string name;
  EntryType type;
};

class ConfigFs {
 public:
  virtual ~ConfigFs() = default;

  virtual bool exists(const std::string& path) const = 0;
  virtual Expected<std::vector<DirEntry>> list(const std::string& dir) const = 0;
  // The attribute's value with the kernel's trailing newline removed.
  virtual Expected<std::string> read(const std::string& attr) const = 0;
  virtual Expected<std::string> read_link(const std::string& link) const = 0;

  virtual Expected<void> write(const std::string& attr, const std::string& value) = 0;
  virtual Expected<void> make_dir(const std::string& dir) = 0;
  virtual Expected<void> remove_dir(const std::string& dir) = 0;
  // configfs resolves the target when the link is made: it must be absolute.
  virtual Expected<void> make_link(const std::string& target, const std::string& link) = 0;
  virtual Expected<void> remove_link(const std::string& link) = 0;

  // While on, an attribute written stays open until it is next read (or
  // this is turned off, or its directory removed): the verify of an apply
  // then reads it back with one pread instead of an open, a read and a
  // close, a quarter of the cost under emulation (issue 16). The value is
  // still the kernel's show() at that read, so a change since the write is
  // seen. Off closes whatever is still open. A no-op where nothing is
  // opened (the fakes).
  virtual void keep_written_open(bool keep) { (void)keep; }
};

// Turns keep_written_open on for a scope.
class KeptWrittenFiles {
 public:
  explicit KeptWrittenFiles(ConfigFs& fs) : fs_(fs) { fs_.keep_written_open(true); }
  ~KeptWrittenFiles() { fs_.keep_written_open(false); }
  KeptWrittenFiles(const KeptWrittenFiles&) = delete;
  KeptWrittenFiles& operator=(const KeptWrittenFiles&) = delete;

 private:
  ConfigFs& fs_;
};

// Operates on the real filesystem with plain syscalls. Given the configfs
// mount point, paths under it are walked from a descriptor of the mount
// rather than from "/": an absolute path's walk through the root (an
// overlay in the test guests), sys and kernel was a quarter of each
// attribute's open under emulation (issue 16). The mount is taken only once
// it is a configfs, so a mount made by this run (apply mounts configfs when
// it is missing) is the one used; `Always` takes any directory (tests).
class RealConfigFs final : public ConfigFs {
 public:
  enum class Anchor { WhenConfigfs, Always };

  RealConfigFs() = default;
  explicit RealConfigFs(std::string configfs_mount, Anchor anchor = Anchor::WhenConfigfs);
  RealConfigFs(const RealConfigFs&) = delete;
  RealConfigFs& operator=(const RealConfigFs&) = delete;
  ~RealConfigFs() override;

  bool exists(const std::string& path) const override;
  Expected<std::vector<DirEntry>> list(const std::string& dir) const override;
  Expected<std::string> read(const std::string& attr) const override;
  Expected<std::string> read_link(const std::string& link) const override;
  Expected<void> write(const std::string& attr, const std::string& value) override;
  Expected<void> make_dir(const std::string& dir) override;
  Expected<void> remove_dir(const std::string& dir) override;
  Expected<void> make_link(const std::string& target, const std::string& link) override;
  Expected<void> remove_link(const std::string& link) override;
  void keep_written_open(bool keep) override;

  std::size_t kept_open() const { return kept_.size(); }
  // Whether paths under the mount are walked from its descriptor (so far).
  bool anchored() const { return anchor_fd_ >= 0; }
  // Closes the mount's descriptor (the next call under it takes it again):
  // a held descriptor keeps `umount` of configfs from working, so a
  // long-running agent lets go between its runs.
  void release_mount();

 private:
  // A path as the *at() calls take it: relative to the mount's descriptor
  // when it lies under the mount and the mount is held, else as given.
  struct AtPath {
    int dir;
    const char* path;
  };
  AtPath at(const std::string& path) const;
  bool hold_mount() const;
  void close_kept_under(const std::string& dir);

  std::string mount_;         // as given, empty when none was
  std::string mount_prefix_;  // "<mount>/"
  Anchor anchor_ = Anchor::WhenConfigfs;
  mutable int anchor_fd_ = -1;
  bool keep_ = false;
  std::size_t keep_limit_ = 0;
  // Written attribute -> its descriptor, open for reading and writing.
  mutable std::map<std::string, int> kept_;
};

}  // namespace nvmetctl
