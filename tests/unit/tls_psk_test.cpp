// Known answers computed by tests/vm/tools/nvme_tls_psk.py, an independent
// Python implementation of the NVMe TCP transport specification's
// derivation (RFC 8446 HKDF-Expand-Label); the VM test checks the keyring's
// payload with the same script.
#include "nvmetctl/tls/tls_psk.h"

#include <gtest/gtest.h>

namespace nvmetctl {
namespace {

const char* kHost = "nqn.2014-08.org.nvmexpress:uuid:host-a";
const char* kSubsystem = "nqn.2024-01.io.example:tls";
const char* kSha256Key = "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:";
const char* kSha384Key = "NVMeTLSkey-1:02:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vcSEgBQ==:";

std::string derived_hex(const std::string& interchange) {
  auto configured = parse_psk_interchange(interchange);
  EXPECT_TRUE(configured.has_value()) << configured.error().reason;
  auto psk = derive_tls_psk(*configured, kHost, kSubsystem);
  EXPECT_TRUE(psk.has_value());
  return psk->identity + " " + secret_to_hex(psk->key);
}

std::string parse_error(const std::string& text) {
  auto parsed = parse_psk_interchange(text);
  EXPECT_FALSE(parsed.has_value()) << text;
  return parsed ? "" : parsed.error().reason;
}

TEST(TlsPsk, Sha256KeyDerivesTheTlsPskAHostDerives) {
  EXPECT_EQ(derived_hex(kSha256Key),
            "NVMe0R01 nqn.2014-08.org.nvmexpress:uuid:host-a nqn.2024-01.io.example:tls "
            "d834c4b59628515a10c68faa75ba7b940e51bf594121b5f0e8fd17a7c8ff57a9");
}

TEST(TlsPsk, Sha384KeyUsesTheSha384Suite) {
  EXPECT_EQ(derived_hex(kSha384Key),
            "NVMe0R02 nqn.2014-08.org.nvmexpress:uuid:host-a nqn.2024-01.io.example:tls "
            "7b3ae04664361a1617f8beaf7ae63e47dcdfd3ee961349163450719e7ac4156624cccdd5f7823bda4b4c0a735ab735ec");
}

TEST(TlsPsk, UntransformedKeyIsTheRetainedKeyAndItsLengthPicksTheSuite) {
  EXPECT_EQ(derived_hex("NVMeTLSkey-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:"),
            "NVMe0R01 nqn.2014-08.org.nvmexpress:uuid:host-a nqn.2024-01.io.example:tls "
            "4810a52f64f217aab1c1a79407b3b8b64fd1bde95e0d18a2a06954c880caab04");
  EXPECT_EQ(derived_hex("NVMeTLSkey-1:00:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vcSEgBQ==:"),
            "NVMe0R02 nqn.2014-08.org.nvmexpress:uuid:host-a nqn.2024-01.io.example:tls "
            "553dcb409562855e7d927bafff57f545d626a16dc0bf8269c158ea3062e811c3bfb8388562758dc8eefd4c0dd47a228f");
}

TEST(TlsPsk, EachSubsystemGetsItsOwnKey) {
  auto configured = parse_psk_interchange(kSha256Key);
  ASSERT_TRUE(configured.has_value());
  auto a = derive_tls_psk(*configured, kHost, "nqn.2024-01.io.example:a");
  auto b = derive_tls_psk(*configured, kHost, "nqn.2024-01.io.example:b");
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(a->key == b->key);
}

TEST(TlsPsk, MalformedKeysAreRefusedWithoutQuotingTheKey) {
  const std::string body = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR";
  const std::pair<std::string, std::string> cases[] = {
      {"DHHC-1:00:" + body + ":", "interchange format"},
      {"NVMeTLSkey-1:03:" + body + ":", "unknown hash '03'"},
      {"NVMeTLSkey-1:1:" + body + ":", "two digits"},
      {"NVMeTLSkey-1:01:" + body, "end with ':'"},
      {"NVMeTLSkey-1:01:" + body + ":x", "end with ':'"},
      {"NVMeTLSkey-1:01:AAEC*wQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:", "base64"},
      {"NVMeTLSkey-1:01:AAECAwQF:", "holds 2 bytes"},
      // A 48-byte key that claims SHA-256.
      {std::string(kSha384Key).replace(14, 1, "1"), "needs a 32-byte key"},
      // One character changed: the CRC catches it.
      {"NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaS:", "CRC-32"},
  };
  for (const auto& [key, reason] : cases) {
    std::string said = parse_error(key);
    EXPECT_NE(said.find(reason), std::string::npos) << key << ": " << said;
    EXPECT_EQ(said.find("AAEC"), std::string::npos) << said;
  }
}

TEST(TlsPsk, IdentityRoundTripsAndForeignDescriptionsAreNotOurs) {
  auto id = parse_psk_identity(tls_psk_identity(2, kHost, kSubsystem));
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->cipher, 2);
  EXPECT_EQ(id->host_nqn, kHost);
  EXPECT_EQ(id->subsystem_nqn, kSubsystem);
  for (const char* foreign :
       {"NVMe1R01 a b", "NVMe0R03 a b", "NVMe0R01 a", "NVMe0R01  b", "NVMe0R01 a b c", "nvme", ""})
    EXPECT_FALSE(parse_psk_identity(foreign).has_value()) << foreign;
}

TEST(TlsPsk, HexRoundTrip) {
  SecretBytes key(std::vector<unsigned char>{0x00, 0x7f, 0x80, 0xff});
  EXPECT_EQ(secret_to_hex(key), "007f80ff");
  EXPECT_TRUE(secret_from_hex("007f80ff") == key);
}

// The comparison is nvmetctl's own now (constant time, as CRYPTO_memcmp
// was): every byte counts, and so does the length.
TEST(TlsPsk, SecretsAreEqualOnlyByteForByte) {
  using Bytes = std::vector<unsigned char>;
  const SecretBytes key(Bytes{1, 2, 3, 4});
  EXPECT_TRUE(key == SecretBytes(Bytes{1, 2, 3, 4}));
  EXPECT_FALSE(key == SecretBytes(Bytes{0, 2, 3, 4}));
  EXPECT_FALSE(key == SecretBytes(Bytes{1, 2, 3, 5}));
  EXPECT_FALSE(key == SecretBytes(Bytes{1, 2, 3}));
  EXPECT_FALSE(key == SecretBytes());
  EXPECT_TRUE(SecretBytes() == SecretBytes());
}

TEST(TlsPsk, WipeSecretZeroesTheBuffer) {
  std::vector<unsigned char> buffer{0xde, 0xad, 0xbe, 0xef};
  wipe_secret(buffer.data(), buffer.size());
  EXPECT_EQ(buffer, std::vector<unsigned char>(4, 0));
  wipe_secret(nullptr, 0);  // an empty secret is no error
}

}  // namespace
}  // namespace nvmetctl
