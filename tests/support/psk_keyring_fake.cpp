#include "psk_keyring_fake.h"

#include <cerrno>

namespace nvmetctl {

FakePskKeyring& FakePskKeyring::make_unavailable() {
  available_ = false;
  return *this;
}

void FakePskKeyring::displace(const std::string& type, const std::string& description) {
  for (auto& [serial, key] : keys_)
    if (key.linked && key.type == type && key.description == description) key.linked = false;
}

std::int32_t FakePskKeyring::preload(const std::string& type, const std::string& description, const SecretBytes& key) {
  displace(type, description);
  std::int32_t serial = next_serial_++;
  keys_[serial] = {type, description, key, true};
  return serial;
}

FakePskKeyring& FakePskKeyring::fail_next(const std::string& operation, int errnum, int skip) {
  faults_.fail_next(operation, errnum, skip);
  return *this;
}

bool FakePskKeyring::take_failure(const std::string& operation, int& errnum) {
  auto fault = faults_.take(operation);
  if (fault) errnum = *fault;
  return fault.has_value();
}

Expected<std::vector<KeyringEntry>> FakePskKeyring::list() {
  int errnum = 0;
  if (!available_) return sys_error(ENOKEY, "find keyring", ".nvme");
  if (take_failure("list", errnum)) return sys_error(errnum, "list keyring", ".nvme");
  std::vector<KeyringEntry> entries;
  for (const auto& [serial, key] : keys_)
    if (key.linked) entries.push_back({serial, key.type, key.description});
  return entries;
}

Expected<SecretBytes> FakePskKeyring::read(std::int32_t serial) {
  int errnum = 0;
  if (take_failure("read", errnum)) return sys_error(errnum, "read", "key " + std::to_string(serial));
  auto it = keys_.find(serial);
  if (it == keys_.end()) return sys_error(ENOKEY, "read", "key " + std::to_string(serial));
  reads_.push_back(serial);
  return it->second.payload;
}

Expected<std::int32_t> FakePskKeyring::add(const std::string& identity, const SecretBytes& key) {
  int errnum = 0;
  if (!available_) return sys_error(ENOKEY, "find keyring", ".nvme");
  if (take_failure("add", errnum)) return sys_error(errnum, "add TLS PSK to .nvme for", identity);
  return preload("psk", identity, key);
}

Expected<void> FakePskKeyring::unlink(std::int32_t serial) {
  int errnum = 0;
  if (take_failure("unlink", errnum)) return sys_error(errnum, "remove from .nvme", "key " + std::to_string(serial));
  auto it = keys_.find(serial);
  if (it == keys_.end() || !it->second.linked)
    return sys_error(ENOENT, "remove from .nvme", "key " + std::to_string(serial));
  it->second.linked = false;
  return {};
}

Expected<void> FakePskKeyring::relink(std::int32_t serial) {
  int errnum = 0;
  if (take_failure("relink", errnum)) return sys_error(errnum, "put back into .nvme", "key " + std::to_string(serial));
  auto it = keys_.find(serial);
  if (it == keys_.end()) return sys_error(ENOKEY, "put back into .nvme", "key " + std::to_string(serial));
  displace(it->second.type, it->second.description);
  it->second.linked = true;
  return {};
}

const SecretBytes* FakePskKeyring::linked(const std::string& identity) const {
  for (const auto& [serial, key] : keys_)
    if (key.linked && key.type == "psk" && key.description == identity) return &key.payload;
  return nullptr;
}

std::vector<std::string> FakePskKeyring::linked_identities() const {
  std::vector<std::string> out;
  for (const auto& [serial, key] : keys_)
    if (key.linked) out.push_back(key.description);
  return out;
}

}  // namespace nvmetctl
