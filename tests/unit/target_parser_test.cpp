#include <gtest/gtest.h>

#include "nvmetctl/config/target_parser.h"

namespace nvmetctl {
namespace {

const char* kSeed = R"(version: 1
rdma_links:
  - name: rxe_eth0
    type: rxe
    netdev: ens4
hosts:
  - nqn: nqn.2014-08.org.nvmexpress:uuid:0c3a5e1e-0000-4000-8000-000000000001
subsystems:
  - nqn: nvme-subsystem-name
    allow_any_host: true
    namespaces:
      - nsid: 10
        device_path: /dev/nvme0n1
        enable: true
ports:
  - id: 1
    trtype: rdma
    adrfam: ipv4
    traddr: 192.168.11.22
    trsvcid: 4420
    subsystems: [nvme-subsystem-name]
)";

std::vector<std::string> errors_of(const ParsedTarget& parsed) {
  std::vector<std::string> out;
  for (const auto& d : parsed.diagnostics.all())
    if (d.severity == Severity::Error) out.push_back(d.format());
  return out;
}

// Exactly one error, containing `needle`, at `line`.
void expect_single_error(const std::string& yaml, const std::string& needle, int line) {
  ParsedTarget parsed = parse_target_text(yaml, "t.yaml");
  auto errors = errors_of(parsed);
  ASSERT_EQ(errors.size(), 1u) << yaml << "\nerrors:\n" << testing::PrintToString(errors);
  EXPECT_NE(errors[0].find(needle), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("t.yaml:" + std::to_string(line) + ":"), std::string::npos) << errors[0];
}

TEST(TargetParser, SeedExampleParsesWithOnlyTheNqnFormWarning) {
  ParsedTarget parsed = parse_target_text(kSeed, "seed.yaml");
  EXPECT_TRUE(parsed.ok()) << testing::PrintToString(errors_of(parsed));
  ASSERT_EQ(parsed.diagnostics.all().size(), 1u);
  EXPECT_NE(parsed.diagnostics.all()[0].message.find("not in nqn. form"), std::string::npos);
  const Target& t = parsed.target;
  ASSERT_EQ(t.subsystems.size(), 1u);
  EXPECT_EQ(t.subsystems[0].attrs.at("attr_allow_any_host"), "1");
  EXPECT_EQ(t.subsystems[0].namespaces[0].nsid, 10u);
  EXPECT_EQ(t.subsystems[0].namespaces[0].attrs.at("enable"), "1");
  ASSERT_EQ(t.ports.size(), 1u);
  EXPECT_EQ(t.ports[0].attrs.at("addr_trtype"), "rdma");
  EXPECT_EQ(t.ports[0].attrs.at("addr_trsvcid"), "4420");
  ASSERT_TRUE(t.ports[0].subsystems.has_value());
  EXPECT_EQ(t.rdma_links[0].netdev, "ens4");
}

TEST(TargetParser, DerivesAdrfamAndTrsvcid) {
  auto parsed = parse_target_text("version: 1\nports:\n  - id: 2\n    trtype: tcp\n    traddr: 'fe80::1%eth0'\n", "t.yaml");
  ASSERT_TRUE(parsed.ok()) << testing::PrintToString(errors_of(parsed));
  EXPECT_EQ(parsed.target.ports[0].attrs.at("addr_adrfam"), "ipv6");
  EXPECT_EQ(parsed.target.ports[0].attrs.at("addr_trsvcid"), "4420");
}

TEST(TargetParser, CanonicalValues) {
  auto parsed = parse_target_text(R"(version: 1
subsystems:
  - nqn: nqn.2024-01.io.example:a
    ieee_oui: 0x1B21
    version: 1.2.0
    namespaces:
      - nsid: 1
        device_nguid: "00112233:44556677-8899AABBCCDDEEFF"
        device_uuid: 4F1C2B7E-0D3A-4C55-9A1E-2B3C4D5E6F70
        enable: false
)", "t.yaml");
  ASSERT_TRUE(parsed.ok()) << testing::PrintToString(errors_of(parsed));
  const auto& s = parsed.target.subsystems[0];
  EXPECT_EQ(s.attrs.at("attr_ieee_oui"), "0x001b21");
  EXPECT_EQ(s.attrs.at("attr_version"), "1.2");
  EXPECT_EQ(s.namespaces[0].attrs.at("device_nguid"), "00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_EQ(s.namespaces[0].attrs.at("device_uuid"), "4f1c2b7e-0d3a-4c55-9a1e-2b3c4d5e6f70");
}

TEST(TargetParser, UnknownKey) { expect_single_error("version: 1\nhosts:\n  - nqn: nqn.a\n    colour: red\n", "unknown key", 4); }
TEST(TargetParser, DuplicateKey) { expect_single_error("version: 1\nversion: 1\n", "duplicate key", 2); }
TEST(TargetParser, QuotedBooleanIsAString) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    allow_any_host: 'true'\n", "expected a boolean", 4);
}
TEST(TargetParser, YesIsNotABoolean) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    allow_any_host: yes\n", "expected a boolean", 4);
}
TEST(TargetParser, NsidZero) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    namespaces:\n      - nsid: 0\n", "between 1 and 4294967294", 5);
}
TEST(TargetParser, NsidAllOnes) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    namespaces:\n      - nsid: 4294967295\n", "between 1 and 4294967294", 5);
}
TEST(TargetParser, OctalLookingNsidIsRefused) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    namespaces:\n      - nsid: 010\n", "leading zeros", 5);
}
TEST(TargetParser, PortIdOutOfRange) {
  expect_single_error("version: 1\nports:\n  - id: 65536\n    trtype: loop\n", "between 0 and 65535", 3);
}
TEST(TargetParser, DiscoveryNqnAsSubsystem) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.2014-08.org.nvmexpress.discovery\n", "reserved", 3);
}
TEST(TargetParser, NqnOver223Bytes) {
  expect_single_error("version: 1\nhosts:\n  - nqn: nqn." + std::string(220, 'a') + "\n", "223", 3);
}
TEST(TargetParser, SlashInName) { expect_single_error("version: 1\nhosts:\n  - nqn: nqn.a/b\n", "must not contain '/'", 3); }
TEST(TargetParser, DotDotName) { expect_single_error("version: 1\nsubsystems:\n  - nqn: '..'\n", "'.' or '..'", 3); }
TEST(TargetParser, ControlCharacterInName) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: \"nqn.a\\tb\"\n", "control characters", 3);
}
TEST(TargetParser, DanglingPortSubsystem) {
  expect_single_error("version: 1\nports:\n  - id: 1\n    trtype: loop\n    subsystems: [nqn.nope]\n", "not declared", 3);
}
TEST(TargetParser, DanglingAllowedHost) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    allowed_hosts: [nqn.h]\n", "not declared under 'hosts'", 3);
}
TEST(TargetParser, AllowAnyHostWithAllowList) {
  expect_single_error(
      "version: 1\nhosts:\n  - nqn: nqn.h\nsubsystems:\n  - nqn: nqn.a\n    allow_any_host: true\n    allowed_hosts: [nqn.h]\n",
      "cannot be combined", 6);
}
TEST(TargetParser, DuplicateSubsystem) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n  - nqn: nqn.a\n", "duplicate subsystem", 4);
}
TEST(TargetParser, DuplicateNsid) {
  expect_single_error(
      "version: 1\nsubsystems:\n  - nqn: nqn.a\n    namespaces:\n      - {nsid: 1, enable: false}\n      - {nsid: 1, enable: false}\n",
      "duplicate nsid", 6);
}
TEST(TargetParser, HostnameAsTraddr) {
  expect_single_error("version: 1\nports:\n  - id: 1\n    trtype: tcp\n    traddr: storage.example\n", "not an IPv4 or IPv6", 5);
}
TEST(TargetParser, MissingTrtype) { expect_single_error("version: 1\nports:\n  - id: 1\n", "missing 'trtype'", 3); }
TEST(TargetParser, TsasMustFitTransport) {
  expect_single_error("version: 1\nports:\n  - id: 1\n    trtype: rdma\n    traddr: 10.0.0.1\n    tsas: tls1.3\n", "does not apply", 6);
}
TEST(TargetParser, EnableNeedsDevicePath) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    namespaces:\n      - nsid: 1\n        enable: true\n", "needs a device_path", 5);
}
TEST(TargetParser, InvalidYamlReportsPosition) {
  expect_single_error("version: 1\nports: [\n", "not valid YAML", 3);
}
TEST(TargetParser, MissingVersion) { expect_single_error("hosts: []\n", "version", 1); }

TEST(TargetParser, ReportsEveryProblemNotJustTheFirst) {
  auto parsed = parse_target_text(
      "version: 1\nsubsystems:\n  - nqn: nqn.a/b\n    bogus: 1\nports:\n  - id: 99999\n    trtype: warp\n", "t.yaml");
  EXPECT_EQ(errors_of(parsed).size(), 4u) << testing::PrintToString(errors_of(parsed));
}

}  // namespace
}  // namespace nvmetctl
