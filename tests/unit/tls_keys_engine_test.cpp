// Hosts' TLS PSKs through plan, apply, verify, rollback and clear, on the
// fake configfs and the fake .nvme keyring.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cerrno>

#include "engine_fixture.h"
#include "nvmetctl/config/key_secrets.h"
#include "nvmetctl/engine/rollback.h"
#include "psk_keyring_fake.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::EngineFixture;
using testing_support::TempDir;

const char* kKeyA = "NVMeTLSkey-1:01:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+KfiaR:";
// 32 bytes of 0x01..0x20 (tests/vm/tools/nvme_tls_psk.py interchange 1 ...).
const char* kKeyB = "NVMeTLSkey-1:01:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAl7OaH:";
const char* kHost = "nqn.host-a";
const char* kDisk1 = "nqn.2024-01.io.example:disk1";
const char* kDisk2 = "nqn.2024-01.io.example:disk2";

struct TlsFixture : EngineFixture {
  TlsFixture() {
    ctx.keyring = &keyring;
    key_file = dir.path() + "/host-a.psk";
    write_key(kKeyA);
  }
  void write_key(const char* key) {
    dir.write("host-a.psk", std::string(key) + "\n");
    ::chmod(key_file.c_str(), 0600);
  }
  // Two subsystems; host-a is allowed on those listed in `allowed_on`.
  Target desired(const std::vector<std::string>& allowed_on = {kDisk1, kDisk2}) {
    std::string yaml = "version: 1\nhosts:\n  - nqn: nqn.host-a\n    tls_psk_file: " + key_file +
                       "\n  - nqn: nqn.host-b\nsubsystems:\n";
    for (const char* nqn : {kDisk1, kDisk2}) {
      bool allowed = std::find(allowed_on.begin(), allowed_on.end(), nqn) != allowed_on.end();
      yaml +=
          std::string("  - nqn: ") + nqn + "\n    allowed_hosts: [" + (allowed ? "nqn.host-a, " : "") + "nqn.host-b]\n";
    }
    yaml +=
        "ports:\n  - id: 1\n    trtype: tcp\n    traddr: 127.0.0.1\n    trsvcid: 4420\n    tsas: tls1.3\n"
        "    treq: required\n    subsystems: [" +
        std::string(kDisk1) + ", " + kDisk2 + "]\n";
    Target target = testing_support::parse_ok(yaml);
    Diagnostics diagnostics;
    load_key_secrets(target, diagnostics);
    EXPECT_FALSE(diagnostics.has_errors());
    return target;
  }
  SecretBytes expected_key(const char* interchange, const std::string& subsystem) {
    auto configured = parse_psk_interchange(interchange);
    EXPECT_TRUE(configured.has_value());
    return derive_tls_psk(*configured, kHost, subsystem)->key;
  }
  static std::string identity(const std::string& subsystem) { return tls_psk_identity(1, kHost, subsystem); }

  TempDir dir;
  std::string key_file;
  FakePskKeyring keyring;
};

std::vector<std::string> key_steps(const Plan& plan) {
  std::vector<std::string> out;
  for (const Step& s : plan.steps)
    if (s.op.kind == OpKind::AddTlsKey || s.op.kind == OpKind::RemoveTlsKey)
      out.push_back(std::string(change_symbol(s.change)) + " " + s.object);
  return out;
}

TEST(TlsKeys, ApplyAddsOneKeyPerSubsystemThatLetsTheHostInAndASecondApplyDoesNothing) {
  TlsFixture f;
  Plan plan = f.plan(f.desired());
  EXPECT_EQ(key_steps(plan), (std::vector<std::string>{"+ TLS PSK of host nqn.host-a for " + std::string(kDisk1),
                                                       "+ TLS PSK of host nqn.host-a for " + std::string(kDisk2)}));
  for (const Step& s : plan.steps)
    if (s.op.kind == OpKind::AddTlsKey) {
      EXPECT_TRUE(s.secret);
    }
  // Keys go in before the port links that let hosts connect.
  auto first_key =
      std::find_if(plan.steps.begin(), plan.steps.end(), [](const Step& s) { return s.op.kind == OpKind::AddTlsKey; });
  auto first_link =
      std::find_if(plan.steps.begin(), plan.steps.end(), [](const Step& s) { return s.op.kind == OpKind::Symlink; });
  EXPECT_LT(first_key - plan.steps.begin(), first_link - plan.steps.begin());

  ApplyReport report = f.apply(f.desired());
  ASSERT_EQ(report.status, ApplyStatus::Applied) << testing::PrintToString(report.verify_drift);
  ASSERT_NE(f.keyring.linked(f.identity(kDisk1)), nullptr);
  EXPECT_TRUE(*f.keyring.linked(f.identity(kDisk1)) == f.expected_key(kKeyA, kDisk1));
  EXPECT_TRUE(*f.keyring.linked(f.identity(kDisk2)) == f.expected_key(kKeyA, kDisk2));
  EXPECT_EQ(f.keyring.linked_identities().size(), 2u);
  EXPECT_TRUE(f.plan(f.desired()).empty());
  EXPECT_EQ(f.apply(f.desired()).status, ApplyStatus::NoChanges);
}

TEST(TlsKeys, OnlyTheDeclaredIdentitiesAreRead) {
  TlsFixture f;
  std::int32_t foreign = f.keyring.preload("psk", "NVMe0R01 nqn.host-a nqn.remote:array", f.expected_key(kKeyB, "x"));
  ASSERT_EQ(f.apply(f.desired()).status, ApplyStatus::Applied);
  f.plan(f.desired());
  for (std::int32_t serial : f.keyring.reads()) EXPECT_NE(serial, foreign);
}

TEST(TlsKeys, ANewKeyFileReplacesTheKeyAndRollbackPutsTheOldOneBack) {
  TlsFixture f;
  ASSERT_EQ(f.apply(f.desired()).status, ApplyStatus::Applied);
  f.write_key(kKeyB);
  EXPECT_EQ(key_steps(f.plan(f.desired())),
            (std::vector<std::string>{"~ TLS PSK of host nqn.host-a for " + std::string(kDisk1),
                                      "~ TLS PSK of host nqn.host-a for " + std::string(kDisk2)}));
  ASSERT_EQ(f.apply(f.desired()).status, ApplyStatus::Applied);
  EXPECT_TRUE(*f.keyring.linked(f.identity(kDisk1)) == f.expected_key(kKeyB, kDisk1));
  EXPECT_EQ(f.keyring.linked_identities().size(), 2u);

  // Back to key A, but the run fails after the first key went in: both
  // identities hold key B again.
  f.write_key(kKeyA);
  f.keyring.fail_next("add", EKEYREJECTED, 1);
  ApplyReport failed = f.apply(f.desired());
  ASSERT_EQ(failed.status, ApplyStatus::FailedRolledBack);
  EXPECT_TRUE(failed.rollback_drift.empty()) << testing::PrintToString(failed.rollback_drift);
  EXPECT_TRUE(*f.keyring.linked(f.identity(kDisk1)) == f.expected_key(kKeyB, kDisk1));
  EXPECT_TRUE(*f.keyring.linked(f.identity(kDisk2)) == f.expected_key(kKeyB, kDisk2));
}

TEST(TlsKeys, AConfigfsFailureAfterTheKeysTakesThemOutAgain) {
  TlsFixture f;
  std::size_t key_ops = 2;
  std::size_t steps = f.plan(f.desired()).steps.size();
  ASSERT_GT(steps, key_ops + 3);
  f.fs.fail_mutation(3, EIO);
  ApplyReport report = f.apply(f.desired());
  ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack);
  EXPECT_TRUE(report.rollback_drift.empty()) << testing::PrintToString(report.rollback_drift);
  EXPECT_TRUE(f.keyring.linked_identities().empty());
}

TEST(TlsKeys, KeysGoWhenTheHostLosesAccessAndWithPruneWhenTheSubsystemGoes) {
  TlsFixture f;
  std::string foreign = "NVMe0R01 nqn.host-a nqn.remote:array";
  f.keyring.preload("psk", foreign, f.expected_key(kKeyB, "x"));
  ASSERT_EQ(f.apply(f.desired()).status, ApplyStatus::Applied);
  EXPECT_EQ(key_steps(f.plan(f.desired({kDisk1}))),
            (std::vector<std::string>{"- TLS PSK of host nqn.host-a for " + std::string(kDisk2)}));
  ASSERT_EQ(f.apply(f.desired({kDisk1})).status, ApplyStatus::Applied);
  EXPECT_EQ(f.keyring.linked(f.identity(kDisk2)), nullptr);
  ASSERT_NE(f.keyring.linked(f.identity(kDisk1)), nullptr);

  // A file without the subsystem, under --prune: the subsystem and its key go;
  // the key for a subsystem of another array (this node as a host) stays.
  Target only_hosts = testing_support::parse_ok("version: 1\nhosts:\n  - nqn: nqn.host-b\n");
  PlanOptions prune;
  prune.prune = true;
  ASSERT_EQ(f.apply(only_hosts, prune).status, ApplyStatus::Applied);
  EXPECT_EQ(f.keyring.linked_identities(), std::vector<std::string>{foreign});
}

TEST(TlsKeys, ClearRemovesTheKeysOfTheTargetsSubsystemsOnly) {
  TlsFixture f;
  std::string foreign = "NVMe0R01 nqn.host-a nqn.remote:array";
  f.keyring.preload("psk", foreign, f.expected_key(kKeyB, "x"));
  ASSERT_EQ(f.apply(f.desired()).status, ApplyStatus::Applied);
  auto dry = plan_clear(f.ctx, {});
  ASSERT_TRUE(dry.has_value());
  EXPECT_EQ(key_steps(*dry).size(), 2u);
  ApplyReport report = clear_target(f.ctx, {});
  ASSERT_EQ(report.status, ApplyStatus::Applied) << testing::PrintToString(report.verify_drift);
  EXPECT_EQ(f.keyring.linked_identities(), std::vector<std::string>{foreign});
}

TEST(TlsKeys, NoKeyringWithNvmetLoadedBlocksThePlanAtTheHostsKeyFile) {
  TlsFixture f;
  f.keyring.make_unavailable();
  Plan plan = f.plan(f.desired());
  ASSERT_TRUE(plan.blocked());
  std::string text = plan.problems.all().front().format();
  EXPECT_NE(text.find("tls_psk_file"), std::string::npos) << text;
  EXPECT_NE(text.find(".nvme keyring"), std::string::npos) << text;
  EXPECT_NE(text.find("test.yaml:"), std::string::npos) << text;
}

TEST(TlsKeys, AnUnlistableKeyringBlocksThePlan) {
  TlsFixture f;
  f.keyring.fail_next("list", EACCES);
  Plan plan = f.plan(f.desired());
  ASSERT_TRUE(plan.blocked());
  EXPECT_NE(plan.problems.all().front().format().find("Permission denied"), std::string::npos)
      << plan.problems.all().front().format();
}

TEST(TlsKeys, FilesWithoutTlsKeysNeverTouchTheKeyring) {
  TlsFixture f;
  f.keyring.preload("psk", f.identity(kDisk1), f.expected_key(kKeyB, kDisk1));
  Target plain = testing_support::parse_ok(
      "version: 1\nsubsystems:\n  - nqn: nqn.2024-01.io.example:disk1\n    allow_any_host: true\n");
  ASSERT_EQ(f.apply(plain).status, ApplyStatus::Applied);
  EXPECT_TRUE(f.keyring.reads().empty());
  EXPECT_EQ(f.keyring.linked_identities().size(), 1u);
}

TEST(TlsKeys, AKeyFileNoSubsystemUsesIsAWarningAtItsLine) {
  TlsFixture f;
  Plan plan = f.plan(f.desired({}));
  EXPECT_FALSE(plan.blocked());
  EXPECT_TRUE(key_steps(plan).empty());
  ASSERT_EQ(plan.problems.all().size(), 1u);
  std::string text = plan.problems.all().front().format();
  EXPECT_NE(text.find("test.yaml:4:"), std::string::npos) << text;
  EXPECT_NE(text.find("no subsystem of the file lets this host in"), std::string::npos) << text;
  EXPECT_TRUE(f.plan(f.desired()).problems.all().empty());
}

TEST(TlsKeys, VerifyNamesAKeyTheKeyringDoesNotHold) {
  FakePskKeyring keyring;
  Plan plan;
  plan.steps.push_back(
      {ChangeKind::Create, {OpKind::AddTlsKey, "NVMe0R01 h s", "00ff", ""}, "TLS PSK", std::nullopt, true, {}, {}});
  auto drift = tls_key_drift_after_run(plan, &keyring);
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_NE(drift[0].find("missing from the keyring"), std::string::npos);
  EXPECT_EQ(drift[0].find("00ff"), std::string::npos);
  keyring.preload("psk", "NVMe0R01 h s", secret_from_hex("0001"));
  drift = tls_key_drift_after_run(plan, &keyring);
  ASSERT_EQ(drift.size(), 1u);
  EXPECT_NE(drift[0].find("another key"), std::string::npos);
}

// The step names the key it displaces by serial; a serial that is no number
// is refused, never read as some other key's (read digit by digit, "99:"
// came out as serial 1000 and unlinked a key the step never named).
TEST(TlsKeys, AMalformedDisplacedSerialIsRefusedNotReadAsAnotherKey) {
  FakePskKeyring keyring;
  std::int32_t held = keyring.preload("psk", "NVMe0R01 other sub", secret_from_hex("0001"));
  ASSERT_GE(held, 10);
  std::string detail = std::to_string(held / 10 - 1) + static_cast<char>('0' + 10 + held % 10);
  FakeNvmetFs fs;
  Environment env{fs};
  env.keyring = &keyring;
  auto done = run_operation(env, {OpKind::AddTlsKey, "NVMe0R01 h s", "00ff", detail});
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().describe().find("is no key serial"), std::string::npos) << done.error().describe();
  EXPECT_NE(keyring.linked("NVMe0R01 other sub"), nullptr);
  EXPECT_EQ(keyring.linked("NVMe0R01 h s"), nullptr);
}

}  // namespace
}  // namespace nvmetctl
