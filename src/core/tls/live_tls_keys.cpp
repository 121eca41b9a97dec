#include "nvmetctl/tls/live_tls_keys.h"

#include <algorithm>

namespace nvmetctl {

const LiveTlsKey* LiveTlsKeys::find(const std::string& identity) const {
  auto it = std::find_if(keys.begin(), keys.end(), [&](const LiveTlsKey& k) { return k.identity == identity; });
  return it == keys.end() ? nullptr : &*it;
}

namespace {

bool lets_in(const Subsystem& desired, const Subsystem* live, const std::string& host) {
  std::string any = attr_value(desired.attrs, "attr_allow_any_host");
  if (any.empty() && live) any = attr_value(live->attrs, "attr_allow_any_host");
  if (any == "1") return true;
  const auto& allowed = desired.allowed_hosts ? desired.allowed_hosts : live ? live->allowed_hosts : std::nullopt;
  return allowed && std::find(allowed->begin(), allowed->end(), host) != allowed->end();
}

}  // namespace

std::vector<WantedTlsKey> wanted_tls_keys(const Target& desired, const Target& live) {
  std::vector<WantedTlsKey> wanted;
  for (const Host& host : desired.hosts) {
    if (!host.tls_psk) continue;
    for (const Subsystem& s : desired.subsystems)
      if (lets_in(s, live.find_subsystem(s.nqn), host.nqn))
        wanted.push_back({&host, s.nqn, tls_psk_identity(tls_cipher(*host.tls_psk), host.nqn, s.nqn)});
  }
  return wanted;
}

std::set<std::string> wanted_tls_identities(const Target& desired, const Target& live) {
  std::set<std::string> identities;
  for (const WantedTlsKey& w : wanted_tls_keys(desired, live)) identities.insert(w.identity);
  return identities;
}

LiveTlsKeys read_live_tls_keys(PskKeyring& keyring, const std::set<std::string>& identities_to_read) {
  LiveTlsKeys live;
  live.read = true;
  live.keyring = keyring.available();
  if (!live.keyring) return live;
  auto entries = keyring.list();
  if (!entries) {
    live.error = entries.error().describe();
    return live;
  }
  for (const KeyringEntry& entry : nvme_psk_entries(*entries)) {
    LiveTlsKey key;
    key.serial = entry.serial;
    key.identity = entry.description;
    key.id = *parse_psk_identity(entry.description);
    // An unreadable key compares as different, so the file's key replaces it.
    if (identities_to_read.count(entry.description))
      if (auto bytes = keyring.read(entry.serial)) key.key = std::move(*bytes);
    live.keys.push_back(std::move(key));
  }
  return live;
}

}  // namespace nvmetctl
