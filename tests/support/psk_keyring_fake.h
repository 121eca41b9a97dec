#pragma once
// In-memory .nvme keyring for tests, with the kernel's semantics that the
// engine relies on: adding a key whose type and description a linked key
// already has displaces that key; an unlinked key stays alive (the process
// holds it) and can be linked back; serials are never reused.
#include <map>
#include <string>
#include <vector>

#include "nvmetctl/tls/psk_keyring.h"
#include "scheduled_faults.h"

namespace nvmetctl {

class FakePskKeyring final : public PskKeyring {
 public:
  // A keyring that does not exist (kernel without NVMe/TCP TLS).
  FakePskKeyring& make_unavailable();
  // A key put there by someone else (nvme-cli, another tool).
  std::int32_t preload(const std::string& type, const std::string& description, const SecretBytes& key);
  // The next call of that operation ("list", "read", "add", "unlink",
  // "relink") fails with errnum, after `skip` calls that go through.
  FakePskKeyring& fail_next(const std::string& operation, int errnum, int skip = 0);

  bool available() override { return available_; }
  Expected<std::vector<KeyringEntry>> list() override;
  Expected<SecretBytes> read(std::int32_t serial) override;
  Expected<std::int32_t> add(const std::string& identity, const SecretBytes& key) override;
  Expected<void> unlink(std::int32_t serial) override;
  Expected<void> relink(std::int32_t serial) override;

  // The key linked under this psk identity, or nullptr.
  const SecretBytes* linked(const std::string& identity) const;
  std::vector<std::string> linked_identities() const;
  // Every key read back through read(), by serial: a test checks no key was
  // read that the run had no business reading.
  const std::vector<std::int32_t>& reads() const { return reads_; }

 private:
  struct Key {
    std::string type;
    std::string description;
    SecretBytes payload;
    bool linked = false;
  };
  bool take_failure(const std::string& operation, int& errnum);
  void displace(const std::string& type, const std::string& description);

  bool available_ = true;
  std::map<std::int32_t, Key> keys_;
  std::int32_t next_serial_ = 1000;
  ScheduledFaults faults_;
  std::vector<std::int32_t> reads_;
};

}  // namespace nvmetctl
