#pragma once
// NVMe/TCP TLS pre-shared keys (NVMe TCP transport specification 3.6.1):
// the interchange format an operator's key file holds ("configured PSK"),
// and the TLS PSK the kernel's .nvme keyring must hold, under the identity a
// host presents, for one host and one subsystem. The derivation is the one
// nvme-cli's `check-tls-key --insert` performs (RFC 8446 HKDF-Expand-Label),
// so a host and this target holding the same interchange key agree.
#include <optional>
#include <string>
#include <vector>

#include "nvmetctl/expected.h"

namespace nvmetctl {

// Key bytes that are wiped when they go out of scope.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::vector<unsigned char> bytes) : bytes_(std::move(bytes)) {}
  SecretBytes(const SecretBytes& other) = default;
  SecretBytes& operator=(const SecretBytes& other);
  ~SecretBytes();
  const std::vector<unsigned char>& bytes() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }
  bool operator==(const SecretBytes& other) const;

 private:
  std::vector<unsigned char> bytes_;
};

// Zeroes a buffer that held a secret, in a way the compiler keeps.
void wipe_secret(void* bytes, std::size_t size);

// The hash the interchange key names: 0 none (use the key as is), 1 SHA-256,
// 2 SHA-384.
struct ConfiguredPsk {
  int hash = 0;
  SecretBytes key;  // 32 or 48 bytes
};

// For the plan's operation, which carries the key to the executor.
std::string secret_to_hex(const SecretBytes& key);
SecretBytes secret_from_hex(const std::string& hex);

// "NVMeTLSkey-1:01:<base64 of key and its CRC-32>:". The reason never quotes
// the key.
Expected<ConfiguredPsk> parse_psk_interchange(const std::string& text);

// The cipher suite's hash a key is used with: the key's own hash, or for an
// untransformed key (00) the one its length fits (32: SHA-256, 48: SHA-384).
int tls_cipher(const ConfiguredPsk& psk);

// The identity (the keyring description) of a version-0 TLS PSK:
// "NVMe0R0<cipher> <host NQN> <subsystem NQN>"; cipher 1 is SHA-256, 2 SHA-384.
std::string tls_psk_identity(int cipher, const std::string& host_nqn, const std::string& subsystem_nqn);

struct PskIdentity {
  int cipher = 0;
  std::string host_nqn;
  std::string subsystem_nqn;
};
// nullopt for a description that is no version-0 NVMe TLS PSK identity.
std::optional<PskIdentity> parse_psk_identity(const std::string& description);

struct TlsPsk {
  std::string identity;
  SecretBytes key;
};
// The TLS PSK a host holding `configured` presents to this subsystem.
Expected<TlsPsk> derive_tls_psk(const ConfiguredPsk& configured, const std::string& host_nqn,
                                const std::string& subsystem_nqn);

}  // namespace nvmetctl
