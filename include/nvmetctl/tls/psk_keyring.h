#pragma once
// The kernel's .nvme keyring, where nvmet-tcp's TLS handshake (tlshd) finds
// the PSK a host presents. Behind an interface so tests use a fake
// (tests/support/psk_keyring_fake.h).
#include <cstdint>
#include <string>
#include <vector>

#include "nvmetctl/expected.h"
#include "nvmetctl/tls/tls_psk.h"

namespace nvmetctl {

struct KeyringEntry {
  std::int32_t serial = 0;
  std::string type;         // "psk" for NVMe TLS keys
  std::string description;  // the identity, for a psk
};

class PskKeyring {
 public:
  virtual ~PskKeyring() = default;
  // The keyring exists (nvme-keyring is loaded, 6.7+ with TLS built in).
  virtual bool available() = 0;
  virtual Expected<std::vector<KeyringEntry>> list() = 0;
  virtual Expected<SecretBytes> read(std::int32_t serial) = 0;
  // Adds a psk key; one with the same identity is displaced from the keyring.
  virtual Expected<std::int32_t> add(const std::string& identity, const SecretBytes& key) = 0;
  // Takes the key out of the keyring; it stays alive until this process ends,
  // so relink() can put it back (rollback).
  virtual Expected<void> unlink(std::int32_t serial) = 0;
  virtual Expected<void> relink(std::int32_t serial) = 0;
};

// The real keyring through libkeyutils. `name` is ".nvme" but for tests.
class KernelPskKeyring final : public PskKeyring {
 public:
  explicit KernelPskKeyring(std::string name = ".nvme") : name_(std::move(name)) {}
  bool available() override;
  Expected<std::vector<KeyringEntry>> list() override;
  Expected<SecretBytes> read(std::int32_t serial) override;
  Expected<std::int32_t> add(const std::string& identity, const SecretBytes& key) override;
  Expected<void> unlink(std::int32_t serial) override;
  Expected<void> relink(std::int32_t serial) override;

 private:
  Expected<std::int32_t> keyring();
  Expected<void> possess();

  std::string name_;
  std::int32_t keyring_ = 0;
  bool possessed_ = false;
};

// The psk entries whose identity names this host and subsystem pair form.
std::vector<KeyringEntry> nvme_psk_entries(const std::vector<KeyringEntry>& entries);
// The psk key linked under this identity, or nullptr.
const KeyringEntry* find_psk_entry(const std::vector<KeyringEntry>& entries, const std::string& identity);

}  // namespace nvmetctl
