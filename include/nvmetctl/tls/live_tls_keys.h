#pragma once
// Reads the .nvme keyring's NVMe TLS PSKs into the live state. Key material
// is read only for the identities the file declares (to compare), never for
// the others.
#include <set>
#include <string>

#include "nvmetctl/configfs/live_state.h"
#include "nvmetctl/model/target.h"
#include "nvmetctl/tls/psk_keyring.h"

namespace nvmetctl {

LiveTlsKeys read_live_tls_keys(PskKeyring& keyring, const std::set<std::string>& identities_to_read);

// One key the file asks for: a host with a tls_psk_file and a subsystem of
// the file that lets it in (its allowed_hosts, or the live allow-list where
// the file leaves it alone, or allow_any_host).
struct WantedTlsKey {
  const Host* host = nullptr;
  std::string subsystem_nqn;
  std::string identity;
};
std::vector<WantedTlsKey> wanted_tls_keys(const Target& desired, const Target& live);
std::set<std::string> wanted_tls_identities(const Target& desired, const Target& live);

}  // namespace nvmetctl
