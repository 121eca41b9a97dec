#pragma once
// An in-memory configfs that behaves like the kernel's nvmet tree for the
// rules the engine relies on (default groups, EACCES on enabled ports, EBUSY
// on enabled namespaces, link checks), with a journal of every mutation and
// fault injection. Fast logic tests run against it; behaviour is proven
// against the real kernel in the guest suite.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "nvmetctl/configfs/config_fs.h"
#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/model/kernel_version.h"
#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/model/target.h"

namespace nvmetctl {

class FakeNvmetFs final : public ConfigFs {
 public:
  struct Options {
    KernelVersion kernel{6, 12};
    bool nvmet_loaded = true;
    bool auth = true;        // CONFIG_NVME_TARGET_AUTH
    bool passthru = true;    // CONFIG_NVME_TARGET_PASSTHRU
    std::set<std::string> transports{"rdma", "tcp", "loop"};
    std::set<std::string> devices{"/dev/nvme0n1", "/dev/nullb0", "/dev/loop0"};
    // A newer kernel's attribute files, unknown to the table, on every new
    // object of the kind: file -> fresh value ("" for a write-only file,
    // which cannot be read).
    std::map<ObjectKind, std::map<std::string, std::string>> newer_attributes;
  };

  // What the guest's emulated NVMe controller reports (QEMU: 1.4).
  static constexpr const char* kPassthruControllerVersion = "1.4";

  explicit FakeNvmetFs(std::string mount = "/cfg");
  FakeNvmetFs(std::string mount, Options options);

  const NvmetLayout& layout() const { return layout_; }

  // The n-th mutation from now (1-based) fails with errnum.
  void fail_mutation(int nth, int errnum);
  // Any mutation of this exact path fails with errnum; with `action`
  // ("mkdir", "rmdir", "write", "symlink", "unlink") only that one, so a
  // rollback's rmdir can fail where the apply's mkdir went through.
  void fail_path(const std::string& path, int errnum, const std::string& action = {});
  void clear_faults();
  void mark_discovered(const std::string& subsystem_nqn);
  void load_nvmet();

  const std::vector<std::string>& journal() const { return journal_; }
  int mutations() const { return static_cast<int>(journal_.size()); }
  int reads() const { return reads_; }
  void reset_counters();

  bool exists(const std::string& path) const override;
  Expected<std::vector<DirEntry>> list(const std::string& dir) const override;
  Expected<std::string> read(const std::string& attr) const override;
  Expected<std::string> read_link(const std::string& link) const override;
  Expected<void> write(const std::string& attr, const std::string& value) override;
  Expected<void> make_dir(const std::string& dir) override;
  Expected<void> remove_dir(const std::string& dir) override;
  Expected<void> make_link(const std::string& target, const std::string& link) override;
  Expected<void> remove_link(const std::string& link) override;

 private:
  struct Node {
    EntryType type = EntryType::File;
    std::string value;          // file content or link target
    bool default_group = false;
    bool user_made = false;     // created by mkdir (vs. a default group)
  };

  std::string parent_of(const std::string& path) const;
  std::string name_of(const std::string& path) const;
  std::vector<std::string> children(const std::string& dir) const;
  Expected<void> injected_fault(const std::string& action, const std::string& path);
  void add_dir(const std::string& path, bool default_group);
  void add_file(const std::string& path, std::string value);
  void populate_subsystem(const std::string& path);
  void populate_namespace(const std::string& path);
  void populate_port(const std::string& path);
  void add_newer_attributes(ObjectKind kind, const std::string& dir);
  bool port_enabled(const std::string& port_dir) const;
  bool has_links_to(const std::string& target) const;
  std::string value(const std::string& path) const;
  Expected<void> check_write(const std::string& attr, const std::string& value);
  Expected<void> enable_port(const std::string& port_dir);
  void couple_port_attributes(const std::string& attr, const std::string& written);
  bool passthru_enabled(const std::string& subsystem_dir) const;
  bool cntlid_range_valid(const std::string& subsystem_dir, const std::string& name, const std::string& new_value) const;
  AttrMap port_attributes(const std::string& port_dir) const;
  void store_port_attributes(const std::string& port_dir, const AttrMap& attrs);
  std::string default_version() const;

  NvmetLayout layout_;
  Options options_;
  std::map<std::string, Node> nodes_;
  std::set<std::string> write_only_;  // newer attributes without a show
  std::set<std::string> discovered_;
  std::map<int, int> fail_nth_;
  struct PathFault {
    int errnum = 0;
    std::string action;  // empty: every action
  };
  std::map<std::string, PathFault> fail_paths_;
  int mutation_index_ = 0;
  int serial_counter_ = 0;
  std::vector<std::string> journal_;
  mutable int reads_ = 0;
};

}  // namespace nvmetctl
