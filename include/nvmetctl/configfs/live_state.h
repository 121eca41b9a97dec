#pragma once
// What configfs holds right now, read without changing anything.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "nvmetctl/configfs/config_fs.h"
#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/expected.h"
#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/model/target.h"

namespace nvmetctl {

// One namespace: its subsystem's NQN and its nsid.
using NamespaceKey = std::pair<std::string, std::uint32_t>;

// A namespace whose device's size is no longer what the kernel serves
// (engine/served_sizes.h): `served` as recorded, `now` as the device has it.
struct NamespaceGrowth {
  std::uint64_t served = 0, now = 0;
  bool operator==(const NamespaceGrowth&) const = default;
};

// The kernel's .nvme keyring, as far as the target's keys go. Not from
// configfs: the engine fills it (tls/psk_keyring.h).
struct LiveTlsKey {
  std::int32_t serial = 0;
  std::string identity;
  PskIdentity id;
  std::optional<SecretBytes> key;  // read only where the file declares the key
};
struct LiveTlsKeys {
  bool read = false;     // false: keys are not managed in this run
  bool keyring = false;  // the .nvme keyring exists
  std::string error;     // the keyring exists but could not be listed
  std::vector<LiveTlsKey> keys;
  const LiveTlsKey* find(const std::string& identity) const;
};

struct LiveState {
  bool configfs_mounted = false;     // <mount>/ exists and is configfs-like
  bool nvmet_loaded = false;         // <mount>/nvmet exists
  Target target;                     // every attribute the kernel shows
  std::set<std::string> root_attrs;  // e.g. discovery_nqn (6.9+)
  // Attribute files seen per kind: proof of what this kernel offers.
  std::map<ObjectKind, std::set<std::string>> attribute_files;
  // Not from configfs: the engine fills it from the recorded sizes.
  std::map<NamespaceKey, NamespaceGrowth> resized_namespaces;
  // Not from configfs: the file's device paths that are kernel names
  // (/dev/sdb), each with the udev link naming the same device.
  std::map<std::string, std::string> stable_device_names;
  LiveTlsKeys tls;
};

// What the reader may skip: plan needs only the attributes the file declares,
// export needs all of them.
struct ReadScope {
  bool all_attributes = true;
  const Target* declared = nullptr;  // with all_attributes=false
  // With both: a host, subsystem (with its namespaces, passthru and allowed
  // hosts) or port (with its links, referrals and ANA groups) whose directory
  // is not in `touched` is taken from `unchanged` rather than read again.
  // Verify after a run: its steps changed only the objects they touched.
  // Directory listings are read all the same, so an object that came or
  // went is still seen.
  const LiveState* unchanged = nullptr;
  const std::set<std::string>* touched = nullptr;
};

Expected<LiveState> read_live_state(const ConfigFs& fs, const NvmetLayout& layout, const ReadScope& scope = {});

}  // namespace nvmetctl
