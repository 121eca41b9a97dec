#pragma once
// The one seam between nvmetctl and the kernel's configfs tree. Every read
// and mutation goes through it, so the engine can run against the real
// /sys/kernel/config, an in-memory fake, or a recording wrapper.
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
};

// Operates on the real filesystem with plain syscalls.
class RealConfigFs final : public ConfigFs {
 public:
  bool exists(const std::string& path) const override;
  Expected<std::vector<DirEntry>> list(const std::string& dir) const override;
  Expected<std::string> read(const std::string& attr) const override;
  Expected<std::string> read_link(const std::string& link) const override;
  Expected<void> write(const std::string& attr, const std::string& value) override;
  Expected<void> make_dir(const std::string& dir) override;
  Expected<void> remove_dir(const std::string& dir) override;
  Expected<void> make_link(const std::string& target, const std::string& link) override;
  Expected<void> remove_link(const std::string& link) override;
};

}  // namespace nvmetctl
