#pragma once
// One shape for both sides of the reconcile: the target the file declares and
// the target configfs holds. Attributes are keyed by their configfs file name
// and hold canonical values, so the two sides compare directly.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nvmetctl/tls/tls_psk.h"

namespace nvmetctl {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when the value did not come from a file
  int column = 0;
};

// configfs attribute file name -> canonical value. Looked up by the
// table's file names (const char*) without making a std::string of each.
using AttrMap = std::map<std::string, std::string, std::less<>>;

// The attribute's value, or "" when the map does not hold it.
std::string attr_value(const AttrMap& attrs, const std::string& file);
using AttrLocations = std::map<std::string, SourceLocation>;
// Where the file set the attribute, or `fallback` (the object) when it did not.
SourceLocation attr_location(const AttrLocations& where, const std::string& file, const SourceLocation& fallback);

struct Host {
  std::string nqn;
  AttrMap attrs;
  // Secrets are declared by file; the key itself is read at plan time.
  std::map<std::string, std::string> key_files;  // configfs attr -> file path
  SourceLocation where;
  AttrLocations attr_where;
  // NVMe/TCP TLS: the host's PSK in the interchange format, by file. Not in
  // configfs: it goes to the kernel's .nvme keyring, once per subsystem that
  // allows the host (tls/tls_psk.h).
  std::optional<std::string> tls_psk_file;
  SourceLocation tls_psk_where;
  std::optional<ConfiguredPsk> tls_psk;  // read from tls_psk_file at plan time
};

struct Namespace {
  std::uint32_t nsid = 0;
  AttrMap attrs;
  SourceLocation where;
  AttrLocations attr_where;
};

struct Passthru {
  AttrMap attrs;
  SourceLocation where;
  AttrLocations attr_where;
};

struct Subsystem {
  std::string nqn;
  AttrMap attrs;
  std::vector<Namespace> namespaces;
  // nullopt: the file leaves the allow-list alone; a value is authoritative.
  std::optional<std::vector<std::string>> allowed_hosts;
  std::vector<SourceLocation> allowed_hosts_where;  // per entry, when read from a file
  std::optional<Passthru> passthru;
  SourceLocation where;
  AttrLocations attr_where;

  const Namespace* find_namespace(std::uint32_t nsid) const;
  // passthru/enable is 1: the subsystem serves its controller, not namespaces.
  bool passthru_enabled() const;
};

struct Referral {
  std::string name;
  AttrMap attrs;
  SourceLocation where;
  AttrLocations attr_where;
};

struct AnaGroup {
  std::uint32_t id = 0;
  AttrMap attrs;  // ana_state
  SourceLocation where;
  AttrLocations attr_where;
};

struct Port {
  std::uint16_t id = 0;
  AttrMap attrs;
  std::optional<std::vector<std::string>> subsystems;  // nullopt as for allowed_hosts
  std::vector<SourceLocation> subsystems_where;        // per entry, when read from a file
  std::vector<Referral> referrals;
  std::vector<AnaGroup> ana_groups;
  SourceLocation where;
  AttrLocations attr_where;

  bool enabled() const { return subsystems && !subsystems->empty(); }
  const Referral* find_referral(const std::string& name) const;
  const AnaGroup* find_ana_group(std::uint32_t id) const;
};

struct RdmaLink {
  std::string name;
  std::string type;    // rxe | siw
  std::string netdev;
  SourceLocation where;
};

struct Target {
  int version = 1;
  // The root discovery_nqn (6.9+): the NQN hosts discover under. nullopt:
  // the file leaves it to the kernel.
  std::optional<std::string> discovery_nqn;
  SourceLocation discovery_nqn_where;
  std::vector<std::string> modules;  // extra modules to load
  std::vector<SourceLocation> modules_where;  // per entry, when read from a file
  std::vector<RdmaLink> rdma_links;
  std::vector<Host> hosts;
  std::vector<Subsystem> subsystems;
  std::vector<Port> ports;

  const Host* find_host(const std::string& nqn) const;
  const Subsystem* find_subsystem(const std::string& nqn) const;
  const Port* find_port(std::uint16_t id) const;
  const RdmaLink* find_rdma_link(const std::string& name) const;
  bool empty() const { return hosts.empty() && subsystems.empty() && ports.empty(); }
};

}  // namespace nvmetctl
