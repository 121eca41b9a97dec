#include <keyutils.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include "nvmetctl/tls/psk_keyring.h"
#include "nvmetctl/util/shared_library.h"

namespace nvmetctl {
namespace {

const char* kPskType = "psk";

// Opened when first needed (util/shared_library): only TLS runs touch the
// keyring, and mapping libkeyutils cost every run its start (issue 16).
// clang-format off
#define NVMETCTL_KEYUTILS_FUNCTIONS(X) \
  X(find_key_by_type_and_desc) \
  X(keyctl_join_session_keyring) \
  X(keyctl_link) \
  X(keyctl_unlink) \
  X(keyctl_read_alloc) \
  X(keyctl_describe_alloc) \
  X(add_key)
// clang-format on

NVMETCTL_LIBRARY_API(Keyutils, NVMETCTL_KEYUTILS_FUNCTIONS)

Expected<const Keyutils*> libkeyutils() {
  return opened_library<Keyutils>(NVMETCTL_LIBKEYUTILS_SONAME, "libkeyutils1");
}

// Every call but the keyring's lookup comes after it succeeded: opened then.
const Keyutils& keys() { return **libkeyutils(); }

std::string serial_text(std::int32_t serial) { return "key " + std::to_string(serial); }

}  // namespace

Expected<std::int32_t> KernelPskKeyring::keyring() {
  if (keyring_ > 0) return keyring_;
  auto keyutils = libkeyutils();
  if (!keyutils) return keyutils.error();
  key_serial_t id = (*keyutils)->find_key_by_type_and_desc("keyring", name_.c_str(), 0);
  if (id < 0) return sys_error(errno, "find keyring", name_);
  keyring_ = id;
  return keyring_;
}

// A psk key is readable by its possessor only. Possession comes from a link
// in this process's session keyring; a new anonymous session keeps that link
// (and the keys unlink() keeps alive) away from the caller's login session.
Expected<void> KernelPskKeyring::possess() {
  if (possessed_) return {};
  auto id = keyring();
  if (!id) return id.error();
  if (keys().keyctl_join_session_keyring(nullptr) < 0) return sys_error(errno, "join a new session keyring for", name_);
  if (keys().keyctl_link(*id, KEY_SPEC_SESSION_KEYRING) < 0)
    return sys_error(errno, "link into the session keyring", name_);
  possessed_ = true;
  return {};
}

bool KernelPskKeyring::available() { return keyring().has_value(); }

Expected<std::vector<KeyringEntry>> KernelPskKeyring::list() {
  auto id = keyring();
  if (!id) return id.error();
  void* raw = nullptr;
  long bytes = keys().keyctl_read_alloc(*id, &raw);
  if (bytes < 0) return sys_error(errno, "list keyring", name_);
  std::unique_ptr<void, decltype(&std::free)> owned(raw, std::free);
  std::vector<KeyringEntry> entries;
  const auto* serials = static_cast<const key_serial_t*>(raw);
  for (long i = 0; i < bytes / static_cast<long>(sizeof(key_serial_t)); ++i) {
    char* text = nullptr;
    // "type;uid;gid;perm;description"; a key revoked meanwhile is skipped.
    if (keys().keyctl_describe_alloc(serials[i], &text) < 0) continue;
    std::unique_ptr<char, decltype(&std::free)> owned_text(text, std::free);
    std::string description = text;
    KeyringEntry entry;
    entry.serial = serials[i];
    entry.type = description.substr(0, description.find(';'));
    std::size_t fields = 0, at = 0;
    while (fields < 4 && (at = description.find(';', at)) != std::string::npos) ++fields, ++at;
    if (fields < 4) continue;
    entry.description = description.substr(at);
    entries.push_back(entry);
  }
  return entries;
}

Expected<SecretBytes> KernelPskKeyring::read(std::int32_t serial) {
  if (auto held = possess(); !held) return held.error();
  void* raw = nullptr;
  long bytes = keys().keyctl_read_alloc(serial, &raw);
  if (bytes < 0) return sys_error(errno, "read", serial_text(serial));
  const auto* data = static_cast<const unsigned char*>(raw);
  SecretBytes key(std::vector<unsigned char>(data, data + bytes));
  wipe_secret(raw, static_cast<std::size_t>(bytes));
  std::free(raw);
  return key;
}

Expected<std::int32_t> KernelPskKeyring::add(const std::string& identity, const SecretBytes& key) {
  auto id = keyring();
  if (!id) return id.error();
  key_serial_t serial = keys().add_key(kPskType, identity.c_str(), key.bytes().data(), key.size(), *id);
  if (serial < 0) return sys_error(errno, "add TLS PSK to " + name_ + " for", identity);
  return serial;
}

Expected<void> KernelPskKeyring::unlink(std::int32_t serial) {
  if (auto held = possess(); !held) return held.error();
  auto id = keyring();
  if (!id) return id.error();
  if (keys().keyctl_link(serial, KEY_SPEC_SESSION_KEYRING) < 0) return sys_error(errno, "keep", serial_text(serial));
  if (keys().keyctl_unlink(serial, *id) < 0) return sys_error(errno, "remove from " + name_, serial_text(serial));
  return {};
}

Expected<void> KernelPskKeyring::relink(std::int32_t serial) {
  auto id = keyring();
  if (!id) return id.error();
  if (keys().keyctl_link(serial, *id) < 0) return sys_error(errno, "put back into " + name_, serial_text(serial));
  return {};
}

std::vector<KeyringEntry> nvme_psk_entries(const std::vector<KeyringEntry>& entries) {
  std::vector<KeyringEntry> psks;
  for (const KeyringEntry& e : entries)
    if (e.type == kPskType && parse_psk_identity(e.description)) psks.push_back(e);
  return psks;
}

const KeyringEntry* find_psk_entry(const std::vector<KeyringEntry>& entries, const std::string& identity) {
  for (const KeyringEntry& e : entries)
    if (e.type == kPskType && e.description == identity) return &e;
  return nullptr;
}

}  // namespace nvmetctl
