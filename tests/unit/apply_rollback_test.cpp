#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>

#include "engine_fixture.h"
#include "mutation_hook_fs.h"
#include "sample_change.h"
#include "nvmetctl/formats/target_writer.h"
#include "module_loader_fake.h"
#include "network_info_fake.h"
#include "rdma_links_fake.h"
#include "nvmetctl/util/interrupt.h"

namespace nvmetctl {
namespace {

using testing_support::EngineFixture;
using testing_support::parse_ok;

// The shared "before" target with a loop port besides (ports come last).
const std::string kBefore =
    std::string(testing_support::kBefore) + "  - id: 9\n    trtype: loop\n    subsystems: [nqn.extra]\n";
using testing_support::kAfter;

std::string snapshot(EngineFixture& f) { return target_to_yaml(f.live().target); }

TEST(ApplyRollback, FailureAtEveryStepRestoresTheExactPriorState) {
  PlanOptions options;
  options.prune = true;
  options.allow_recreate = true;
  EngineFixture probe;
  ASSERT_EQ(probe.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  std::size_t steps = probe.plan(parse_ok(kAfter), options).steps.size();
  ASSERT_GT(steps, 20u);
  for (std::size_t k = 1; k <= steps; ++k) {
    EngineFixture f;
    ASSERT_EQ(f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
    std::string before = snapshot(f);
    f.fs.fail_mutation(static_cast<int>(k), EIO);
    ApplyReport report = f.apply(parse_ok(kAfter), options);
    ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << "failing step " << k;
    EXPECT_EQ(report.completed, k - 1);
    EXPECT_TRUE(report.rollback_drift.empty()) << "failing step " << k;
    EXPECT_EQ(snapshot(f), before) << "failing step " << k;
  }
}

TEST(ApplyRollback, SuccessfulApplyVerifies) {
  PlanOptions options;
  options.prune = true;
  options.allow_recreate = true;  // kAfter changes the model of an exposed subsystem
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  ApplyReport report = f.apply(parse_ok(kAfter), options);
  ASSERT_EQ(report.status, ApplyStatus::Applied) << (report.failure ? report.failure->error.describe() : "")
                                                 << testing::PrintToString(report.verify_drift);
  EXPECT_TRUE(f.plan(parse_ok(kAfter), options).empty());
}

// Facts about the system (here: the RDMA device list) are gathered once per
// apply, even though an apply with changes reads configfs twice.
TEST(ApplyRollback, GathersSystemFactsOncePerApply) {
  EngineFixture f;
  FakeRdmaLinks rdma;
  rdma.add_netdev("eth0");
  f.ctx.rdma = &rdma;
  ApplyReport report = f.apply(parse_ok(R"(version: 1
rdma_links:
  - {name: rxe_eth0, type: rxe, netdev: eth0}
subsystems:
  - nqn: nqn.s
    allow_any_host: true
)"));
  ASSERT_EQ(report.status, ApplyStatus::Applied);
  EXPECT_EQ(rdma.calls(), (std::vector<std::string>{"list", "add rxe_eth0 rxe eth0"}));
}

TEST(ApplyRollback, MissingDeviceFailsAndLeavesNothingBehind) {
  EngineFixture f;
  std::string before = snapshot(f);
  std::string yaml = kBefore;
  yaml.replace(yaml.find("/dev/loop0"), 10, "/dev/nothere");
  ApplyReport report = f.apply(parse_ok(yaml));
  ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack);
  EXPECT_EQ(report.failure->error.errnum, ENOENT);
  EXPECT_EQ(snapshot(f), before);
}

TEST(ApplyRollback, InterruptMidwayRollsBackTheCompletedSteps) {
  PlanOptions options;
  options.prune = true;
  options.allow_recreate = true;
  for (int after : {1, 5, 12}) {
    EngineFixture f;
    ASSERT_EQ(f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
    std::string before = snapshot(f);
    std::atomic<bool> interrupted{false};
    // SIGINT arriving once `after` mutations have gone through.
    MutationHookFs interrupting(f.fs, nullptr, [&](int n) {
      if (n == after) interrupted = true;
    });
    EngineContext ctx{EngineFixture::paths(), interrupting};
    ApplyReport report = apply_target(parse_ok(kAfter), ctx, options, &interrupted);
    ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << "interrupted after " << after;
    EXPECT_TRUE(report.failure->interrupted);
    EXPECT_EQ(report.completed, static_cast<std::size_t>(after)) << "one mutation per step in this plan";
    EXPECT_EQ(report.rollback.undone, report.completed);
    EXPECT_TRUE(report.rollback_drift.empty());
    EXPECT_EQ(snapshot(f), before) << "interrupted after " << after;
  }
}


// A SIGHUP mid-apply (the ssh session went away) ended the run with
// partial state; it must roll back as SIGINT and SIGTERM do.
TEST(ApplyRollback, SighupMidwayRollsBackTheCompletedSteps) {
  PlanOptions options;
  options.prune = true;
  options.allow_recreate = true;
  struct sigaction saved {};
  sigaction(SIGHUP, nullptr, &saved);
  install_interrupt_handlers();
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  std::string before = snapshot(f);
  g_interrupted = false;
  MutationHookFs signalling(f.fs, nullptr, [](int n) {
    if (n == 5) std::raise(SIGHUP);
  });
  EngineContext ctx{EngineFixture::paths(), signalling};
  ApplyReport report = apply_target(parse_ok(kAfter), ctx, options, &g_interrupted);
  sigaction(SIGHUP, &saved, nullptr);
  g_interrupted = false;
  ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack);
  EXPECT_TRUE(report.failure->interrupted);
  EXPECT_EQ(report.rollback.undone, report.completed);
  EXPECT_EQ(snapshot(f), before);
}

TEST(ApplyRollback, ExportReappliesToTheSameState) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  std::string exported = target_to_yaml(exportable_target(f.live().target, {}));
  ASSERT_EQ(clear_target(f.ctx, {}).status, ApplyStatus::Applied);
  ASSERT_EQ(f.apply(parse_ok(exported)).status, ApplyStatus::Applied);
  EXPECT_EQ(target_to_yaml(exportable_target(f.live().target, {})), exported);
}

// Unloading rdma_rxe deletes every rxe link: clear does it only when told to
// remove the links too.
TEST(ApplyRollback, ClearUnloadsTheLinkModulesOnlyWithRdmaLinks) {
  for (bool rdma_links : {false, true}) {
    EngineFixture f;
    FakeModuleLoader modules;
    modules.add_nvmet_modules();
    for (const char* name : {"nvmet", "nvmet-rdma", "rdma_rxe"}) modules.set_loaded(name);
    f.ctx.modules = &modules;
    ClearOptions options;
    options.unload_modules = true;
    options.rdma_links = rdma_links;
    ASSERT_EQ(clear_target(f.ctx, options).status, ApplyStatus::Applied);
    EXPECT_FALSE(modules.is_loaded("nvmet"));
    EXPECT_EQ(modules.is_loaded("rdma_rxe"), !rdma_links);
  }
}

// A DH-HMAC-CHAP key set on a host that had none is removed again by the
// rollback (one NUL byte, as 6.12 takes it).
TEST(ApplyRollback, ANewHostKeyIsRemovedOnRollback) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  std::string before = snapshot(f);
  Target keyed = parse_ok(kBefore);
  keyed.hosts[0].attrs["dhchap_key"] = "DHHC-1:00:ia6zGodOr4SEG0Zzaw398rpY0wqipUWj4jWjUh4HWUz6aQ2n:";
  Namespace missing;  // fails after the key is set
  missing.nsid = 9;
  missing.attrs = {{"device_path", "/dev/missing"}, {"enable", "1"}};
  keyed.subsystems[1].namespaces.push_back(missing);
  ApplyReport report = f.apply(keyed);
  ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << testing::PrintToString(report.rollback_drift);
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/hosts/nqn.h1/dhchap_key"), "");
  EXPECT_EQ(snapshot(f), before);
}

// Soft-RoCE has no T10-PI offload: the kernel turns pi_enable off at the
// first connect, so asking for it on an rxe-served port is warned about.
TEST(ApplyRollback, PiEnableOnASoftRoceDeviceIsWarnedAbout) {
  EngineFixture f;
  FakeRdmaLinks rdma;
  rdma.add_netdev("eth0");
  FakeNetworkInfo network;
  network.add_interface("eth0", {"10.0.0.1/24"});
  f.ctx.rdma = &rdma;
  f.ctx.network = &network;
  Target target = parse_ok(R"(version: 1
rdma_links:
  - {name: rxe_eth0, type: rxe, netdev: eth0}
subsystems:
  - nqn: nqn.s
    allow_any_host: true
ports:
  - {id: 1, trtype: rdma, traddr: 10.0.0.1, pi_enable: true, subsystems: [nqn.s]}
)");
  Plan plan = f.plan(target);
  std::string warnings;
  for (const Diagnostic& d : plan.problems.all())
    if (d.severity == Severity::Warning) warnings += d.format() + "\n";
  EXPECT_NE(warnings.find("rxe_eth0 (rxe) has no T10-PI offload"), std::string::npos) << warnings;
  target.ports[0].attrs.erase("param_pi_enable");
  Plan without_pi = f.plan(target);
  for (const Diagnostic& d : without_pi.problems.all())
    EXPECT_EQ(d.message.find("T10-PI"), std::string::npos) << d.format();
}

}  // namespace
}  // namespace nvmetctl
