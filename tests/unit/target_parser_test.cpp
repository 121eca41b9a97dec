#include <gtest/gtest.h>
#include <unistd.h>

#include "nvmetctl/config/target_parser.h"
#include "nvmetctl/config/value_syntax.h"

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
// Past INT64_MAX is out of range like any other too-large number, not a
// crash of the number conversion.
TEST(TargetParser, IntegerBeyondInt64IsOutOfRange) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    namespaces:\n      - nsid: 9999999999999999999\n",
                      "between 1 and 4294967294", 5);
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    namespaces:\n      - nsid: -9999999999999999999\n",
                      "between 1 and 4294967294", 5);
  expect_single_error("version: 1\nports:\n  - id: 18446744073709551616\n    trtype: loop\n", "between 0 and 65535", 3);
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    cntlid_min: 9999999999999999999\n",
                      "between 1 and 65519", 4);
  expect_single_error("version: 9999999999999999999\n", "unsupported version", 1);
}
// std::regex recursed once per character: a long value overflowed the
// stack (20,000 digits under ASan, ~50,000 in a release build).
TEST(TargetParser, VeryLongValuesAreCheckedWithoutRecursion) {
  const std::string digits(300000, 'f');
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    vendor_id: 0x" + digits + "\n",
                      "must be at most 0xffff", 4);
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    ieee_oui: 1" + std::string(300000, '0') + "\n",
                      "must be at most 0xffffff", 4);
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    subsys_vendor_id: 0x" + digits + "g\n",
                      "expected an integer such as 0x001b21", 4);
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    namespaces:\n      - {nsid: 1, device_uuid: " +
                          digits + "}\n",
                      "expected a UUID", 5);
  auto parsed = parse_target_text("version: 1\nsubsystems:\n  - nqn: nqn.a\n    ieee_oui: 0x" +
                                      std::string(300000, '0') + "1b21\n", "t.yaml");
  ASSERT_TRUE(parsed.ok()) << testing::PrintToString(errors_of(parsed));
  EXPECT_EQ(parsed.target.subsystems[0].attrs.at("attr_ieee_oui"), "0x001b21");
}

// The fc traddr scanner accepts what the regex it replaced did.
TEST(TargetParser, FcAddressSyntax) {
  auto fc = [](const std::string& traddr) {
    return parse_target_text("version: 1\nports:\n  - {id: 1, trtype: fc, traddr: '" + traddr + "'}\n", "t.yaml");
  };
  EXPECT_TRUE(fc("nn-0x1000000000000001:pn-0x2000000000000002").ok());
  EXPECT_TRUE(fc("nn-1000000000000001:pn-2000000000000002").ok());
  EXPECT_TRUE(fc("nn-0x1000000000000001:pn-20000000000000AF").ok());
  EXPECT_FALSE(fc("nn-0x100000000000001:pn-0x2000000000000002").ok());
  EXPECT_FALSE(fc("nn-0x1000000000000001:pn-0x2000000000000002x").ok());
  EXPECT_FALSE(fc("nn-0X1000000000000001:pn-0x2000000000000002").ok());
  EXPECT_FALSE(fc("pn-0x1000000000000001:nn-0x2000000000000002").ok());
}

// strtoull's base 0 read a leading zero as octal: 002100 became 0x000440,
// 0777 0x1ff and 0089 (no octal number) 0, all silently.
TEST(TargetParser, LeadingZeroHexAttributeIsRefusedNotReadAsOctal) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    ieee_oui: 002100\n", "leading zero", 4);
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    vendor_id: 0777\n", "leading zero", 4);
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    ieee_oui: 0089\n", "leading zero", 4);
  auto parsed = parse_target_text(
      "version: 1\nsubsystems:\n  - nqn: nqn.a\n    ieee_oui: 2100\n    vendor_id: 0\n    subsys_vendor_id: 0x0777\n",
      "t.yaml");
  ASSERT_TRUE(parsed.ok()) << testing::PrintToString(errors_of(parsed));
  EXPECT_EQ(parsed.target.subsystems[0].attrs.at("attr_ieee_oui"), "0x000834");
  EXPECT_EQ(parsed.target.subsystems[0].attrs.at("attr_vendor_id"), "0x0");
  EXPECT_EQ(parsed.target.subsystems[0].attrs.at("attr_subsys_vendor_id"), "0x777");
}

// yaml-cpp shares an aliased node, but every walk over it repeats the work:
// 300 aliased subsystems of 300 aliased namespaces (3.4 KB) took minutes
// and printed ~90,000 errors. An alias is refused before anything is read.
TEST(TargetParser, AliasesAreRefusedAtTheFirstAlias) {
  std::string yaml = "version: 1\nsubsystems:\n  - &s\n    nqn: nqn.a\n    namespaces:\n      - &n {nsid: 1}\n";
  for (int i = 0; i < 299; ++i) yaml += "      - *n\n";
  for (int i = 0; i < 299; ++i) yaml += "  - *s\n";
  ParsedTarget parsed = parse_target_text(yaml, "t.yaml");
  auto errors = errors_of(parsed);
  ASSERT_EQ(parsed.diagnostics.all().size(), 1u) << testing::PrintToString(errors);
  EXPECT_NE(errors[0].find("t.yaml:7:9: error: YAML aliases are not supported: write the value out"),
            std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("598"), std::string::npos) << errors[0];
  expect_single_error("version: 1\nhosts:\n  - &h {nqn: nqn.h}\nsubsystems:\n  - {nqn: nqn.s, <<: *h}\n",
                      "YAML aliases are not supported", 5);
  EXPECT_TRUE(parse_target_text("version: 1\nhosts:\n  - &h {nqn: nqn.h}\n", "t.yaml").ok())
      << "an anchor alone repeats nothing";
}

// Aliases and tags are refused; text that merely holds a '*' or a '!' is
// read as written.
TEST(TargetParser, StarsAndBangsInTextAreNoAliasesOrTags) {
  ParsedTarget parsed = parse_target_text(
      "version: 1  # *not* an alias!\nsubsystems:\n  - {nqn: nqn.s, model: \"disk*1!\"}\n", "t.yaml");
  ASSERT_TRUE(parsed.ok()) << testing::PrintToString(errors_of(parsed));
  EXPECT_EQ(attr_value(parsed.target.subsystems.at(0).attrs, "attr_model"), "disk*1!");
}

// Each later check skips a field already reported, or one inside an object
// reported at the same place; with thousands of errors that lookup is no
// longer a scan of all of them.
TEST(Diagnostics, ErrorOnceSkipsTheSameFieldAndFieldsInsideAReportedObject) {
  Diagnostics d;
  SourceLocation at{"t.yaml", 3, 5}, elsewhere{"t.yaml", 9, 5};
  d.error(at, "hosts[0]", "missing required key 'nqn'");
  d.error_once(at, "hosts[0].nqn", "must not be empty");
  d.error_once(elsewhere, "hosts[0]", "again");
  d.error_once(elsewhere, "hosts[0].nqn", "elsewhere is another problem");
  d.error_once(at, "hosts[0]x", "not inside hosts[0]");
  d.error_once(at, "hosts[0][1]", "inside");
  d.warning(at, "subsystems[0]", "a warning");
  d.error_once(at, "subsystems[0].nqn", "a warning suppresses nothing");
  d.error_once({"t.yaml", 0, 0}, "", "no field");
  d.error_once({"t.yaml", 0, 0}, "", "no field, again");
  std::vector<std::string> messages;
  for (const auto& item : d.all()) messages.push_back(item.message);
  EXPECT_EQ(messages, (std::vector<std::string>{"missing required key 'nqn'", "elsewhere is another problem",
                                                "not inside hosts[0]", "a warning", "a warning suppresses nothing",
                                                "no field", "no field, again"}));
  Diagnostics more;
  more.append(d);
  more.error_once(at, "hosts[0].nqn", "known through append");
  EXPECT_EQ(more.all().size(), d.all().size());
}

// The reader looked at a scalar's text only: '!!str 5' was taken as the
// integer 5 and '!!binary' text used undecoded.
TEST(TargetParser, ExplicitTagsAreRefused) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    namespaces:\n      - {nsid: !!str 5}\n",
                      "t.yaml:5:16: error: YAML tags are not supported (!!str)", 5);
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    serial: !!binary c2VyaWFs\n",
                      "YAML tags are not supported (!!binary)", 4);
  expect_single_error("version: 1\nsubsystems: !mine\n  - nqn: nqn.a\n", "YAML tags are not supported (!mine)", 2);
  expect_single_error("version: 1\nsubsystems:\n  - !!map {nqn: nqn.a}\n  - nqn: !<tag:x> nqn.b\n",
                      "(the first of 2 tags in the file)", 3);
  ParsedTarget plain = parse_target_text("version: 1\nsubsystems:\n  - nqn: ! nqn.a\n    model: ! 5\n", "t.yaml");
  ASSERT_TRUE(plain.ok()) << "the non-specific tag '!' is a quoted scalar: " << testing::PrintToString(errors_of(plain));
  EXPECT_EQ(plain.target.subsystems[0].attrs.at("attr_model"), "5");
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
  expect_single_error("version: 1\nports:\n  - id: 1\n    trtype: loop\n    subsystems: [nqn.nope]\n", "not declared", 5);
}
TEST(TargetParser, DanglingAllowedHost) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    allowed_hosts: [nqn.h]\n", "not declared under 'hosts'", 4);
}
TEST(TargetParser, AllowAnyHostWithAllowList) {
  expect_single_error(
      "version: 1\nhosts:\n  - nqn: nqn.h\nsubsystems:\n  - nqn: nqn.a\n    allow_any_host: true\n    allowed_hosts: [nqn.h]\n",
      "cannot be combined", 6);
}
TEST(TargetParser, EnabledNamespaceBesidePassthru) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    passthru: {device_path: /dev/nvme0, enable: true}\n"
                      "    namespaces:\n      - nsid: 1\n        device_path: /dev/nullb0\n        enable: true\n",
                      "cannot be enabled beside passthru", 8);
}
TEST(TargetParser, VersionOfAPassthruSubsystem) {
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.a\n    version: '1.4'\n"
                      "    passthru: {device_path: /dev/nvme0, enable: true}\n",
                      "controller's version", 4);
}
void expect_no_errors(const std::string& yaml) {
  ParsedTarget parsed = parse_target_text(yaml, "t.yaml");
  EXPECT_TRUE(parsed.ok()) << yaml << testing::PrintToString(errors_of(parsed));
}
TEST(TargetParser, PassthruBesideADisabledNamespaceIsForThePlanToJudge) {
  expect_no_errors("version: 1\nsubsystems:\n  - nqn: nqn.a\n    passthru: {device_path: /dev/nvme0, enable: true}\n"
                   "    namespaces:\n      - {nsid: 1, device_path: /dev/nullb0, enable: false}\n");
}
TEST(TargetParser, DisabledPassthruBesideNamespacesIsAWayOutOfPassthru) {
  expect_no_errors("version: 1\nsubsystems:\n  - nqn: nqn.a\n    version: '1.3'\n    passthru: {enable: false}\n"
                   "    namespaces:\n      - {nsid: 1, device_path: /dev/nullb0, enable: true}\n");
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

TEST(TargetParser, ASecondYamlDocumentIsAnError) {
  expect_single_error("version: 1\n---\nversion: 2\nbogus: 1\n", "2 YAML documents", 3);
}

// yaml-cpp 0.7 reports an endless run of empty documents for a ',' where a
// document starts, so a stray comma hung validate, plan and apply (found by
// fuzz/fuzz_target_parser.cpp; input in fuzz/regressions/target_parser/).
// The alarm turns a hang into a failure.
TEST(TargetParser, StrayCommaIsAnErrorNotAHang) {
  ::alarm(10);
  ParsedTarget parsed = parse_target_text(", f\n", "t.yaml");
  ParsedTarget later = parse_target_text("# comment\n  ,x: 1\n", "t.yaml");
  ::alarm(0);
  auto errors = errors_of(parsed);
  ASSERT_EQ(errors.size(), 1u) << testing::PrintToString(errors);
  EXPECT_EQ(errors[0], "t.yaml:1:1: error: not valid YAML: unexpected ','; a comma separates items only inside [...] or {...}");
  auto later_errors = errors_of(later);
  ASSERT_EQ(later_errors.size(), 1u) << testing::PrintToString(later_errors);
  EXPECT_NE(later_errors[0].find("t.yaml:2:3: error: not valid YAML"), std::string::npos) << later_errors[0];
}

TEST(TargetParser, UnknownTopLevelKeyNamesTheTopLevel) {
  ParsedTarget parsed = parse_target_text("version: 1\nsubsytems: []\n", "t.yaml");
  auto errors = errors_of(parsed);
  ASSERT_EQ(errors.size(), 1u) << testing::PrintToString(errors);
  EXPECT_NE(errors[0].find("t.yaml:2:1: error: subsytems: unknown key for the top level"), std::string::npos)
      << errors[0];
}

TEST(TargetParser, UnsupportedVersionSaysWhichVersionIsRead) {
  expect_single_error("version: 2\n", "unsupported version '2'; this nvmetctl reads version 1", 1);
}

TEST(TargetParser, IntegersTooLargeForAnyTypeAreOutOfRangeAndQuotedNumbersSaySo) {
  expect_single_error("version: 1\nports:\n  - {id: 99999999999999999999, trtype: loop}\n",
                      "must be between 0 and 65535, got 99999999999999999999", 3);
  expect_single_error("version: 1\nports:\n  - {id: \"7\", trtype: loop}\n",
                      "got the quoted string '7' (remove the quotes)", 3);
}

TEST(TargetParser, InvalidRdmaLinksAreKeptSoLaterIndicesMatchTheFile) {
  ParsedTarget parsed = parse_target_text(R"(version: 1
rdma_links:
  - {name: "", type: rxe, netdev: eth0}
  - {name: rxe1, type: rxe, netdev: eth1}
  - {name: rxe2, type: rxe, netdev: eth1}
)", "t.yaml");
  auto errors = errors_of(parsed);
  ASSERT_EQ(errors.size(), 2u) << testing::PrintToString(errors);
  EXPECT_NE(errors[0].find("t.yaml:3:5: error: rdma_links[0].name: '' must not be empty"), std::string::npos)
      << errors[0];
  EXPECT_NE(errors[1].find("t.yaml:5:5: error: rdma_links[2].netdev: a second link on netdev 'eth1'"),
            std::string::npos) << errors[1];
}

TEST(TargetParser, OneProblemIsOneError) {
  expect_single_error("version: 1\nsubsystems:\n  - {}\n", "missing required key 'nqn'", 3);
  expect_single_error("version: 1\nsubsystems:\n  - nqn: ~\n", "a value is required", 3);
  expect_single_error("version: 1\nports:\n  - {id: 1, trtype: tcp, traddr: " + std::string(300, '1') + "}\n",
                      "must be at most 255 characters", 3);
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn." + std::string(252, 'a') + "\n",
                      "longer than 255 bytes", 3);
}

TEST(TargetParser, NamesMustBeValidUtf8) {
  // In a file, the bytes themselves are the problem, before any name.
  expect_single_error("version: 1\nhosts:\n  - nqn: \"nqn.2024-01.io.x:h\xff\"\n", "3:29: error: not a UTF-8 text file", 3);
  expect_single_error("version: 1\nsubsystems:\n  - nqn: nqn.s\xc3\x28\n", "3:15: error: not a UTF-8 text file", 3);
  EXPECT_EQ(name_problem("nqn.s\xc3\x28"), "is not valid UTF-8");  // names read from configfs
  ParsedTarget fine = parse_target_text("version: 1\nsubsystems:\n  - nqn: nqn.2024-01.io.example:caf\xc3\xa9\n",
                                        "t.yaml");
  EXPECT_TRUE(fine.ok()) << testing::PrintToString(errors_of(fine));
}

TEST(TargetParser, ControlCharactersAreEscapedInMessages) {
  ParsedTarget parsed = parse_target_text("version: 1\nsubsystems:\n  - nqn: \"nqn.a\\x1b[2Jb\"\n", "t.yaml");
  auto errors = errors_of(parsed);
  ASSERT_EQ(errors.size(), 1u) << testing::PrintToString(errors);
  EXPECT_NE(errors[0].find("nqn.a\\x1b[2Jb"), std::string::npos) << errors[0];
  EXPECT_EQ(errors[0].find('\x1b'), std::string::npos);
}

TEST(TargetParser, AKeyFileThatIsNoRegularFileIsRefusedWithoutReadingIt) {
  // /dev/zero would never end a getline; a directory holds no key.
  for (const char* path : {"/dev/zero", "/tmp"}) {
    ParsedTarget parsed = parse_target_text(std::string("version: 1\nhosts:\n  - nqn: nqn.h\n    dhchap_key_file: ") +
                                                path + "\n",
                                            "t.yaml");
    auto errors = errors_of(parsed);
    ASSERT_EQ(errors.size(), 1u) << testing::PrintToString(errors);
    EXPECT_NE(errors[0].find("not a regular file"), std::string::npos) << errors[0];
  }
}

TEST(TargetParser, UnreadableFileIsOneLocatedError) {
  ParsedTarget parsed = parse_target_file("/nonexistent/target.yaml");
  auto errors = errors_of(parsed);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("cannot read the file: No such file or directory"), std::string::npos) << errors[0];
}

TEST(TargetParser, TwoListeningPortsOnTheSameAddressClash) {
  const std::string head = "version: 1\nsubsystems:\n  - nqn: nqn.s\nports:\n";
  expect_single_error(head +
                          "  - {id: 1, trtype: tcp, traddr: 10.0.0.1, subsystems: [nqn.s]}\n"
                          "  - {id: 2, trtype: tcp, traddr: 10.0.0.1, trsvcid: 4420, subsystems: [nqn.s]}\n",
                      "tcp 10.0.0.1:4420 is already taken by port 1", 6);
  expect_single_error(head +
                          "  - {id: 1, trtype: tcp, traddr: 0.0.0.0, subsystems: [nqn.s]}\n"
                          "  - {id: 2, trtype: tcp, traddr: 10.0.0.1, subsystems: [nqn.s]}\n",
                      "already taken by port 1 (0.0.0.0:4420)", 6);
  // Another service, another transport, or a port with nothing linked: no clash.
  for (const char* second : {"  - {id: 2, trtype: tcp, traddr: 10.0.0.1, trsvcid: 4421, subsystems: [nqn.s]}\n",
                             "  - {id: 2, trtype: rdma, traddr: 10.0.0.1, subsystems: [nqn.s]}\n",
                             "  - {id: 2, trtype: tcp, traddr: 10.0.0.1}\n"}) {
    ParsedTarget parsed =
        parse_target_text(head + "  - {id: 1, trtype: tcp, traddr: 10.0.0.1, subsystems: [nqn.s]}\n" + second, "t.yaml");
    EXPECT_TRUE(parsed.ok()) << second << testing::PrintToString(errors_of(parsed));
  }
}

TEST(TargetParser, ListEntriesAreLocatedAtTheirOwnLine) {
  expect_single_error("version: 1\nhosts:\n  - nqn: nqn.h\nsubsystems:\n  - nqn: nqn.a\n    allowed_hosts:\n"
                      "      - nqn.h\n      - nqn.h\n",
                      "host 'nqn.h' is listed twice", 8);
  expect_single_error("version: 1\nmodules:\n  - nvme-fabrics\n  - ../../evil\n", "is not a module name", 4);
  expect_single_error("version: 1\nmodules: [\"a b\"]\n", "is not a module name", 2);
}

TEST(TargetParser, ProblemsAreListedInFileOrder) {
  // The validator finds the dangling host (line 4) after the parser found
  // the bad nsid (line 6); a reader wants them top to bottom.
  ParsedTarget parsed = parse_target_text(
      "version: 1\nsubsystems:\n  - nqn: nqn.a\n    allowed_hosts: [nqn.h]\n    namespaces:\n      - {nsid: 0}\n",
      "t.yaml");
  std::vector<int> lines;
  for (const Diagnostic& d : parsed.diagnostics.in_file_order())
    if (d.severity == Severity::Error) lines.push_back(d.where.line);
  EXPECT_EQ(lines, (std::vector<int>{4, 6}));
}

TEST(TargetParser, BinaryAndNonUtf8FilesAreNamedAsSuch) {
  const char with_nul[] = "version: 1\nsubsystems:\n  - nqn: a\0b\n";
  expect_single_error(std::string(with_nul, sizeof with_nul - 1), "t.yaml:3:11: error: not a UTF-8 text file", 3);
  expect_single_error("version: 1\n# caf\xe9 in Latin-1\n", "not a UTF-8 text file", 2);
  expect_single_error(std::string("\xff\xfev\0e\0r\0", 8), "not a UTF-8 text file", 1);  // UTF-16
}

TEST(TargetParser, MaxQueueSizeMustBeAValueTheKernelKeeps) {
  const std::string head = "version: 1\nports:\n";
  expect_single_error(head + "  - {id: 1, trtype: tcp, traddr: 10.0.0.1, max_queue_size: 2048}\n",
                      "must be -1 (the transport's default) or 16..1024", 3);
  expect_single_error(head + "  - {id: 1, trtype: rdma, traddr: 10.0.0.1, max_queue_size: 512}\n", "16..256 on rdma",
                      3);
  for (const char* fine : {"-1", "16", "1024"}) {
    ParsedTarget parsed = parse_target_text(
        head + "  - {id: 1, trtype: tcp, traddr: 10.0.0.1, max_queue_size: " + fine + "}\n", "t.yaml");
    EXPECT_TRUE(parsed.ok()) << fine << testing::PrintToString(errors_of(parsed));
  }
}

TEST(TargetParser, P2pmemBooleanIsWrittenAsTheKernelShowsIt) {
  ParsedTarget parsed = parse_target_text(
      "version: 1\nsubsystems:\n  - nqn: nqn.a\n    namespaces:\n"
      "      - {nsid: 1, p2pmem: true}\n      - {nsid: 2, p2pmem: 0000:01:00.0}\n",
      "t.yaml");
  ASSERT_EQ(parsed.target.subsystems.size(), 1u);
  ASSERT_EQ(parsed.target.subsystems[0].namespaces.size(), 2u);
  EXPECT_EQ(parsed.target.subsystems[0].namespaces[0].attrs.at("p2pmem"), "1");
  EXPECT_EQ(parsed.target.subsystems[0].namespaces[1].attrs.at("p2pmem"), "0000:01:00.0");
}

}  // namespace
}  // namespace nvmetctl
