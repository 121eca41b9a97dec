#include "nvmetctl/tls/tls_psk.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "nvmetctl/util/shared_library.h"

namespace nvmetctl {
namespace {

// Opened when first needed (util/shared_library): only runs that read an
// interchange-format PSK or derive a retained one ask OpenSSL, and mapping
// libcrypto cost every other run a tenth of a small export's time under
// emulation (issue 16).
// clang-format off
#define NVMETCTL_CRYPTO_FUNCTIONS(X) \
  X(EVP_DecodeBlock) \
  X(EVP_KDF_fetch) \
  X(EVP_KDF_free) \
  X(EVP_KDF_CTX_new) \
  X(EVP_KDF_CTX_free) \
  X(EVP_KDF_derive) \
  X(OSSL_PARAM_construct_utf8_string) \
  X(OSSL_PARAM_construct_octet_string) \
  X(OSSL_PARAM_construct_end)
// clang-format on

NVMETCTL_LIBRARY_API(Crypto, NVMETCTL_CRYPTO_FUNCTIONS)

Expected<const Crypto*> libcrypto() { return opened_library<Crypto>(NVMETCTL_LIBCRYPTO_SONAME, "libssl3"); }

// zlib for the interchange format's CRC-32, opened as libcrypto is.
#define NVMETCTL_ZLIB_FUNCTIONS(X) X(crc32)
NVMETCTL_LIBRARY_API(Zlib, NVMETCTL_ZLIB_FUNCTIONS)

Expected<const Zlib*> zlib() { return opened_library<Zlib>(NVMETCTL_LIBZLIB_SONAME, "zlib1g"); }

constexpr const char* kInterchangePrefix = "NVMeTLSkey-1:";

SysError key_error(const std::string& reason) { return logic_error("read TLS PSK", "", reason); }

Expected<SecretBytes> decode_base64(const std::string& text) {
  const SysError invalid = key_error("the key is not valid base64");
  if (text.empty() || text.size() % 4 != 0) return invalid;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    bool padding = c == '=' && i + 2 >= text.size();
    if (!alphabet && !padding) return invalid;
  }
  auto crypto = libcrypto();
  if (!crypto) return crypto.error();
  std::vector<unsigned char> out(text.size() / 4 * 3);
  int n = (*crypto)->EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  // EVP_DecodeBlock counts the bytes the padding stands for (zeros).
  std::size_t pad = text.size() - text.find_last_not_of('=') - 1;
  if (n < 0 || pad > 2) {
    wipe_secret(out.data(), out.size());
    return invalid;
  }
  out.resize(static_cast<std::size_t>(n) - pad);
  return SecretBytes(std::move(out));
}

const char* digest_name(int hash) {
  if (hash == 1) return "SHA256";
  if (hash == 2) return "SHA384";
  return nullptr;
}

// HKDF-Extract(0, ikm) then HKDF-Expand-Label(prk, label, context, length)
// as TLS 1.3 defines the label (RFC 8446 7.1): length, "tls13 " + label and
// context, each behind its length.
Expected<SecretBytes> hkdf_expand_label(int hash, const SecretBytes& ikm, const std::string& label,
                                        const std::string& context, std::size_t length) {
  std::string full_label = "tls13 " + label;
  if (full_label.size() > 255 || context.size() > 255 || length > 0xffff)
    return key_error("an NQN is too long for a TLS PSK identity");
  std::vector<unsigned char> info;
  info.push_back(static_cast<unsigned char>(length >> 8));
  info.push_back(static_cast<unsigned char>(length & 0xff));
  info.push_back(static_cast<unsigned char>(full_label.size()));
  info.insert(info.end(), full_label.begin(), full_label.end());
  info.push_back(static_cast<unsigned char>(context.size()));
  info.insert(info.end(), context.begin(), context.end());

  auto opened = libcrypto();
  if (!opened) return opened.error();
  const Crypto& crypto = **opened;
  std::unique_ptr<EVP_KDF, decltype(crypto.EVP_KDF_free)> kdf(crypto.EVP_KDF_fetch(nullptr, "HKDF", nullptr),
                                                              crypto.EVP_KDF_free);
  if (!kdf) return key_error("OpenSSL has no HKDF");
  std::unique_ptr<EVP_KDF_CTX, decltype(crypto.EVP_KDF_CTX_free)> ctx(crypto.EVP_KDF_CTX_new(kdf.get()),
                                                                      crypto.EVP_KDF_CTX_free);
  if (!ctx) return key_error("out of memory");
  std::string digest = digest_name(hash);
  std::vector<unsigned char> key = ikm.bytes();
  OSSL_PARAM params[] = {
      crypto.OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0),
      crypto.OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, key.data(), key.size()),
      crypto.OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info.data(), info.size()),
      crypto.OSSL_PARAM_construct_end(),
  };
  std::vector<unsigned char> out(length);
  int derived = crypto.EVP_KDF_derive(ctx.get(), out.data(), out.size(), params);
  wipe_secret(key.data(), key.size());
  if (derived <= 0) {
    wipe_secret(out.data(), out.size());
    return key_error("HKDF failed");
  }
  return SecretBytes(std::move(out));
}

}  // namespace

SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    wipe_secret(bytes_.data(), bytes_.size());
    bytes_ = other.bytes_;
  }
  return *this;
}

SecretBytes::~SecretBytes() { wipe_secret(bytes_.data(), bytes_.size()); }

// In constant time, as OpenSSL's CRYPTO_memcmp: how long a comparison takes
// says nothing about where two keys differ.
bool SecretBytes::operator==(const SecretBytes& other) const {
  if (bytes_.size() != other.bytes_.size()) return false;
  volatile unsigned char differ = 0;
  for (std::size_t i = 0; i < bytes_.size(); ++i) differ = differ | (bytes_[i] ^ other.bytes_[i]);
  return differ == 0;
}

void wipe_secret(void* bytes, std::size_t size) {
  if (size != 0) ::explicit_bzero(bytes, size);  // never optimized away, unlike memset
}

Expected<ConfiguredPsk> parse_psk_interchange(const std::string& text) {
  const std::string prefix = kInterchangePrefix;
  if (text.compare(0, prefix.size(), prefix) != 0)
    return key_error("not an NVMe TLS PSK in the interchange format (NVMeTLSkey-1:<hash>:<base64>:)");
  std::size_t hash_end = text.find(':', prefix.size());
  if (hash_end == std::string::npos || hash_end - prefix.size() != 2)
    return key_error("the hash field must be two digits (00, 01 or 02)");
  std::string hash_field = text.substr(prefix.size(), 2);
  ConfiguredPsk psk;
  if (hash_field == "00") psk.hash = 0;
  else if (hash_field == "01") psk.hash = 1;
  else if (hash_field == "02") psk.hash = 2;
  else return key_error("unknown hash '" + hash_field + "' (00 none, 01 SHA-256, 02 SHA-384)");
  std::size_t body_end = text.find(':', hash_end + 1);
  if (body_end == std::string::npos || body_end + 1 != text.size())
    return key_error("the key must end with ':' and nothing after it");
  auto decoded = decode_base64(text.substr(hash_end + 1, body_end - hash_end - 1));
  if (!decoded) return decoded.error();
  const auto& bytes = decoded->bytes();
  if (bytes.size() != 36 && bytes.size() != 52)
    return key_error("the key holds " + std::to_string(bytes.size() < 4 ? 0 : bytes.size() - 4) +
                     " bytes; an NVMe TLS PSK holds 32 or 48");
  std::size_t key_len = bytes.size() - 4;
  if ((psk.hash == 1 && key_len != 32) || (psk.hash == 2 && key_len != 48))
    return key_error("hash " + hash_field + " needs a " + (psk.hash == 1 ? "32" : "48") + "-byte key, this one has " +
                     std::to_string(key_len));
  auto checksum = zlib();
  if (!checksum) return checksum.error();
  uLong crc = (*checksum)->crc32(0L, bytes.data(), static_cast<uInt>(key_len));
  std::uint32_t stored =
      static_cast<std::uint32_t>(bytes[key_len]) | static_cast<std::uint32_t>(bytes[key_len + 1]) << 8 |
      static_cast<std::uint32_t>(bytes[key_len + 2]) << 16 | static_cast<std::uint32_t>(bytes[key_len + 3]) << 24;
  if (stored != static_cast<std::uint32_t>(crc)) return key_error("the key's CRC-32 does not match (a typo?)");
  psk.key = SecretBytes(std::vector<unsigned char>(bytes.begin(), bytes.begin() + static_cast<long>(key_len)));
  return psk;
}

std::string secret_to_hex(const SecretBytes& key) {
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : key.bytes()) {
    hex += digits[b >> 4];
    hex += digits[b & 15];
  }
  return hex;
}

SecretBytes secret_from_hex(const std::string& hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::vector<unsigned char> bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<unsigned char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  SecretBytes key(bytes);
  wipe_secret(bytes.data(), bytes.size());
  return key;
}

int tls_cipher(const ConfiguredPsk& psk) { return psk.hash != 0 ? psk.hash : (psk.key.size() == 48 ? 2 : 1); }

std::string tls_psk_identity(int cipher, const std::string& host_nqn, const std::string& subsystem_nqn) {
  return "NVMe0R0" + std::to_string(cipher) + " " + host_nqn + " " + subsystem_nqn;
}

std::optional<PskIdentity> parse_psk_identity(const std::string& description) {
  if (description.size() < 10 || description.compare(0, 7, "NVMe0R0") != 0 || description[8] != ' ')
    return std::nullopt;
  PskIdentity id;
  if (description[7] == '1') id.cipher = 1;
  else if (description[7] == '2') id.cipher = 2;
  else return std::nullopt;
  std::string rest = description.substr(9);
  std::size_t space = rest.find(' ');
  if (space == std::string::npos || space == 0 || space + 1 >= rest.size()) return std::nullopt;
  id.host_nqn = rest.substr(0, space);
  id.subsystem_nqn = rest.substr(space + 1);
  if (id.subsystem_nqn.find(' ') != std::string::npos) return std::nullopt;
  return id;
}

Expected<TlsPsk> derive_tls_psk(const ConfiguredPsk& configured, const std::string& host_nqn,
                                const std::string& subsystem_nqn) {
  std::size_t length = configured.key.size();
  if (length != 32 && length != 48) return key_error("an NVMe TLS PSK holds 32 or 48 bytes");
  // hash 0: the configured key is the retained key, and its length picks the
  // cipher suite's hash.
  int cipher = tls_cipher(configured);
  SecretBytes retained = configured.key;
  if (configured.hash != 0) {
    auto derived = hkdf_expand_label(configured.hash, configured.key, "HostNQN", host_nqn, length);
    if (!derived) return derived.error();
    retained = *derived;
  }
  TlsPsk psk;
  psk.identity = tls_psk_identity(cipher, host_nqn, subsystem_nqn);
  auto key = hkdf_expand_label(cipher, retained, "nvme-tls-psk", psk.identity, length);
  if (!key) return key.error();
  psk.key = *key;
  return psk;
}

}  // namespace nvmetctl
