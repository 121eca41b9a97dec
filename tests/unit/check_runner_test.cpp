// run_check over FakeFabricsHost and FakeModuleLoader: every verdict, the
// host modules around the probes, interruption, and that every controller
// the check created (and only those) is taken down again.
#include "nvmetctl/check/check_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>

#include "fabrics_host_fake.h"
#include "module_loader_fake.h"
#include "nvmetctl/check/host_identity.h"
#include "nvmetctl/check/probe_plan.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::TempDir;
using Names = std::vector<std::string>;
using Kind = FabricsCall::Kind;

constexpr const char* kDisk = "nqn.2024-01.io.example:disk";
constexpr const char* kOther = "nqn.2024-01.io.example:other";
constexpr const char* kHostA = "nqn.2014-08.org.nvmexpress:uuid:11111111-1111-4111-8111-111111111111";
constexpr const char* kHostB = "nqn.2014-08.org.nvmexpress:uuid:22222222-2222-4222-8222-222222222222";
constexpr const char* kForeign = "nqn.2014-08.org.nvmexpress:uuid:f0f0f0f0-0000-4000-8000-0000000000ff";
constexpr std::uint64_t kGiB = 1ULL << 30;

const FabricsAddress kTcp{"tcp", "127.0.0.1", "4420"};
const FabricsAddress kTcp6{"tcp", "::1", "4420"};
const FabricsAddress kRdma{"rdma", "192.168.50.1", "4420"};

const std::vector<std::string> kRefusedLines = {
    "nvmet: connect by host " + std::string(kForeign) + " for subsystem " + kDisk + " not allowed",
    "nvme nvme1: Connect for subsystem " + std::string(kDisk) + " is not allowed, hostnqn: " + kForeign,
    "nvme nvme1: failed to connect queue: 0 ret=16772",
};

Probe served_probe(const std::string& subsystem, const std::string& host, std::vector<ExpectedNamespace> namespaces,
                   const FabricsAddress& address = kTcp, std::uint16_t port = 1) {
  Probe p;
  p.port_id = port;
  p.declared = address;
  p.connect = address;
  p.subsystem_nqn = subsystem;
  p.host.nqn = host;
  p.namespaces = std::move(namespaces);
  return p;
}

Probe foreign_probe(const std::string& subsystem, const FabricsAddress& address = kTcp, std::uint16_t port = 1) {
  Probe p = served_probe(subsystem, kForeign, {}, address, port);
  p.generated_host = true;
  p.expect = ProbeExpectation::Refused;
  return p;
}

DiscoveryRecord record(const std::string& subsystem, const FabricsAddress& address = kTcp) {
  return {subsystem, address.trtype, address.traddr, address.trsvcid};
}

ProbeController controller(std::vector<VisibleNamespace> namespaces, const std::string& name = "") {
  return ProbeController{name, std::move(namespaces), {}};
}

class CheckRunner : public ::testing::Test {
 protected:
  CheckRunner() {
    modules_.add_module("nvme-core")
        .add_module("nvme-fabrics", {"nvme-core"})
        .add_module("nvme-tcp", {"nvme-core", "nvme-fabrics"})
        .add_module("nvme-rdma", {"nvme-core", "nvme-fabrics"})
        .add_module("nvme-loop", {"nvme-core", "nvme-fabrics"});
  }

  // Kernel lines the fake host scripts reach the check through a plain file
  // standing in for /dev/kmsg.
  void use_kernel_log(const std::string& before = "") {
    kmsg_dir_ = std::make_unique<TempDir>();
    const std::string path = kmsg_dir_->path() + "/kmsg";
    kmsg_dir_->write("kmsg", before);
    kernel_log_ = std::make_unique<KernelLog>(path);
    host_.write_kernel_log_to(path);
  }

  CheckReport run(const std::vector<Probe>& probes, bool with_modules = true) {
    CheckEnvironment env{host_,
                         with_modules ? &modules_ : nullptr,
                         kernel_log_.get(),
                         [this](const std::string& nqn) {
                           id_queries_.push_back(nqn);
                           return host_id_for(nqn, ids_in_use_);
                         },
                         2.5,
                         &interrupted_};
    CheckReport report = run_check(probes, env);
    // Whatever happened, the check never takes down a controller it did not make.
    EXPECT_TRUE(host_.foreign_disconnects().empty());
    return report;
  }

  // A served probe of kDisk for kHostA at kTcp with one namespace of `bytes`,
  // which the fake host lists and serves with `visible`.
  Probe script_served(std::vector<VisibleNamespace> visible, std::optional<std::uint64_t> bytes = kGiB) {
    host_.set_discovery(kTcp, {record(kDisk)});
    host_.accept(kTcp, kDisk, kHostA, controller(std::move(visible)));
    return served_probe(kDisk, kHostA, {{1, "/dev/vg/disk1", bytes}});
  }

  FakeFabricsHost host_;
  FakeModuleLoader modules_;
  std::atomic<bool> interrupted_{false};
  std::unique_ptr<TempDir> kmsg_dir_;
  std::unique_ptr<KernelLog> kernel_log_;
  std::map<std::string, std::string> ids_in_use_;
  Names id_queries_;
};

// --- served ---------------------------------------------------------------

TEST_F(CheckRunner, ServedWhenEveryNamespaceHasItsSizeRoundedToTheBlockSizeAndReads) {
  // A file-backed namespace of 1 GiB + 100 bytes: the host sees whole 4 KiB blocks.
  Probe probe = script_served({{1, kGiB, 4096, "/dev/nvme1n1"}}, kGiB + 100);
  CheckReport report = run({probe});

  ASSERT_EQ(report.results.size(), 1u);
  const ProbeResult& r = report.results[0];
  EXPECT_EQ(r.verdict, Verdict::Served) << r.cause;
  EXPECT_TRUE(r.as_promised());
  EXPECT_TRUE(r.cause.empty());
  EXPECT_TRUE(r.discovered);
  EXPECT_EQ(r.controller, "nvme1");
  ASSERT_EQ(r.namespaces.size(), 1u);
  EXPECT_EQ(r.namespaces[0].nsid, 1u);
  EXPECT_EQ(r.namespaces[0].expected_bytes, std::optional<std::uint64_t>(kGiB));
  EXPECT_EQ(r.namespaces[0].seen_bytes, std::optional<std::uint64_t>(kGiB));
  EXPECT_EQ(r.namespaces[0].block_device, "/dev/nvme1n1");
  EXPECT_TRUE(r.namespaces[0].problem.empty());
  EXPECT_TRUE(report.passed());

  // Discover, connect, read, disconnect, in that order, as the probe host.
  std::vector<Kind> kinds;
  for (const FabricsCall& c : host_.calls()) kinds.push_back(c.kind);
  EXPECT_EQ(kinds, (std::vector<Kind>{Kind::Discover, Kind::Connect, Kind::Read, Kind::Disconnect}));
  const FabricsCall& connect = host_.calls()[1];
  EXPECT_EQ(connect.subsystem_nqn, kDisk);
  EXPECT_EQ(connect.host.nqn, kHostA);
  EXPECT_EQ(connect.host.id, "11111111-1111-4111-8111-111111111111") << "the runner fills the host ID";
  EXPECT_EQ(host_.calls()[0].host.id, connect.host.id) << "discovery as the same host";
  EXPECT_DOUBLE_EQ(connect.settle_seconds, 2.5);
  EXPECT_EQ(host_.calls()[2].target, "/dev/nvme1n1");
  EXPECT_EQ(host_.calls()[3].target, "nvme1");
  EXPECT_TRUE(host_.connected().empty());
  EXPECT_EQ(r.probe.host.id, connect.host.id) << "the result holds the probe as run";
}

TEST_F(CheckRunner, UnknownDeviceSizeIsNotCompared) {
  Probe probe = script_served({{1, 5 * kGiB, 512, "/dev/nvme1n1"}}, std::nullopt);
  CheckReport report = run({probe});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::Served) << report.results[0].cause;
  EXPECT_EQ(report.results[0].namespaces[0].expected_bytes, std::nullopt);
  EXPECT_EQ(report.results[0].namespaces[0].seen_bytes, std::optional<std::uint64_t>(5 * kGiB));
}

TEST_F(CheckRunner, DiscoveryRecordOfTheSameAddressSpelledOtherwiseCounts) {
  host_.set_discovery(kTcp6, {{kDisk, "tcp", "0:0:0:0:0:0:0:1", "4420"}});
  host_.accept(kTcp6, kDisk, kHostA, controller({{1, kGiB, 512, "/dev/nvme1n1"}}));
  CheckReport report = run({served_probe(kDisk, kHostA, {{1, "/dev/vg/disk1", kGiB}}, kTcp6)});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_TRUE(report.results[0].discovered);
  EXPECT_EQ(report.results[0].verdict, Verdict::Served) << report.results[0].cause;
}

TEST_F(CheckRunner, PassthruReadsEveryNamespaceTheControllerShows) {
  host_.set_discovery(kTcp, {record(kDisk)});
  host_.accept(kTcp, kDisk, kHostA,
               controller({{1, kGiB, 512, "/dev/nvme1n1"}, {2, 2 * kGiB, 512, "/dev/nvme1n2"}, {3, kGiB, 512, ""}}));
  Probe probe = served_probe(kDisk, kHostA, {});
  probe.passthru = true;
  CheckReport report = run({probe});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::Served) << report.results[0].cause;
  Names reads;
  for (const FabricsCall& c : host_.calls_of(Kind::Read)) reads.push_back(c.target);
  EXPECT_EQ(reads, (Names{"/dev/nvme1n1", "/dev/nvme1n2"}));
  EXPECT_TRUE(host_.connected().empty());
}

// --- mismatch -------------------------------------------------------------

TEST_F(CheckRunner, SizeTheHostSeesDiffersIsAMismatchAndIsNotRead) {
  Probe probe = script_served({{1, 2 * kGiB, 512, "/dev/nvme1n1"}});
  CheckReport report = run({probe});
  ASSERT_EQ(report.results.size(), 1u);
  const ProbeResult& r = report.results[0];
  EXPECT_EQ(r.verdict, Verdict::Mismatch);
  EXPECT_EQ(r.cause, "namespace 1: the host sees 2147483648 bytes, /dev/vg/disk1 holds 1073741824");
  EXPECT_EQ(r.namespaces[0].problem, "the host sees 2147483648 bytes, /dev/vg/disk1 holds 1073741824");
  EXPECT_FALSE(r.as_promised());
  EXPECT_FALSE(report.passed());
  EXPECT_TRUE(host_.calls_of(Kind::Read).empty());
  EXPECT_TRUE(host_.connected().empty()) << "the mismatched probe's controller is taken down too";
}

TEST_F(CheckRunner, NamespaceTheHostDoesNotSeeIsAMismatchTheOthersAreStillRead) {
  host_.set_discovery(kTcp, {record(kDisk)});
  host_.accept(kTcp, kDisk, kHostA, controller({{1, kGiB, 512, "/dev/nvme1n1"}}));
  CheckReport report = run({served_probe(kDisk, kHostA, {{1, "/dev/vg/a", kGiB}, {2, "/dev/vg/b", kGiB}})});
  ASSERT_EQ(report.results.size(), 1u);
  const ProbeResult& r = report.results[0];
  EXPECT_EQ(r.verdict, Verdict::Mismatch);
  EXPECT_EQ(r.cause, "namespace 2: not visible to the host");
  ASSERT_EQ(r.namespaces.size(), 2u);
  EXPECT_TRUE(r.namespaces[0].problem.empty());
  EXPECT_EQ(r.namespaces[1].seen_bytes, std::nullopt);
  ASSERT_EQ(host_.calls_of(Kind::Read).size(), 1u);
  EXPECT_EQ(host_.calls_of(Kind::Read)[0].target, "/dev/nvme1n1");
}

TEST_F(CheckRunner, NamespaceWithoutABlockDeviceIsAMismatch) {
  Probe probe = script_served({{1, kGiB, 512, ""}});
  CheckReport report = run({probe});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::Mismatch);
  EXPECT_EQ(report.results[0].cause, "namespace 1: the host made no block device for it");
}

TEST_F(CheckRunner, SubsystemWhoseNamespacesAreAllDisabledNamesThem) {
  host_.set_discovery(kTcp, {record(kDisk), record(kOther)});
  host_.accept(kTcp, kDisk, kHostA, controller({}));
  host_.accept(kTcp, kOther, kHostA, controller({}));
  Probe one = served_probe(kDisk, kHostA, {});
  one.disabled_nsids = {3};
  Probe two = served_probe(kOther, kHostA, {});
  two.disabled_nsids = {3, 4};
  Probe none = served_probe(kOther, kHostA, {});
  CheckReport report = run({one, two, none});
  ASSERT_EQ(report.results.size(), 3u);
  for (const ProbeResult& r : report.results) EXPECT_EQ(r.verdict, Verdict::Mismatch);
  EXPECT_EQ(report.results[0].cause, "the subsystem serves no namespace: namespace 3 is disabled");
  EXPECT_EQ(report.results[1].cause, "the subsystem serves no namespace: namespace 3, 4 are disabled");
  EXPECT_EQ(report.results[2].cause, "the subsystem serves no namespace");
  EXPECT_TRUE(host_.connected().empty());
  EXPECT_EQ(host_.created().size(), 3u);
}

TEST_F(CheckRunner, PassthruControllerShowingNoNamespaceIsAMismatch) {
  host_.set_discovery(kTcp, {record(kDisk)});
  host_.accept(kTcp, kDisk, kHostA, controller({}));
  Probe probe = served_probe(kDisk, kHostA, {});
  probe.passthru = true;
  CheckReport report = run({probe});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::Mismatch);
  EXPECT_EQ(report.results[0].cause, "the subsystem serves no namespace");
}

// --- referrals ------------------------------------------------------------

TEST_F(CheckRunner, ReferralsAreJudgedOnceAPortFromItsDiscoveryLog) {
  const FabricsAddress listed{"tcp", "10.111.0.2", "4420"}, missing{"tcp", "10.111.0.3", "4420"},
      disabled{"rdma", "10.111.0.4", "4420"};
  DiscoveryRecord referral{"nqn.2014-08.org.nvmexpress.discovery", "tcp", "10.111.0.2", "4420", true};
  host_.set_discovery(kTcp, {record(kDisk), record(kOther), referral});
  host_.accept(kTcp, kDisk, kHostA, controller({{1, kGiB, 512, "/dev/nvme1n1"}}));
  host_.accept(kTcp, kOther, kHostA, controller({{1, kGiB, 512, "/dev/nvme2n1"}}));
  std::vector<ExpectedReferral> referrals{{"up", listed, true}, {"gone", missing, true}, {"off", disabled, false}};
  Probe first = served_probe(kDisk, kHostA, {{1, "/dev/a", kGiB}});
  Probe second = served_probe(kOther, kHostA, {{1, "/dev/b", kGiB}});
  first.referrals = second.referrals = referrals;

  CheckReport report = run({first, second});
  ASSERT_EQ(report.referrals.size(), 3u) << "one verdict per referral, not per probe";
  EXPECT_TRUE(report.referrals[0].listed);
  EXPECT_TRUE(report.referrals[0].as_promised());
  EXPECT_FALSE(report.referrals[1].listed);
  EXPECT_FALSE(report.referrals[1].as_promised());
  EXPECT_FALSE(report.referrals[2].listed);
  EXPECT_TRUE(report.referrals[2].as_promised());
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(report.failures(),
            Names{"port 1 referral gone (tcp 10.111.0.3:4420): enabled, but not in the port's discovery log"});
  EXPECT_TRUE(report.results[0].discovered) << "a referral is no subsystem record, and does not hide one";
  const nlohmann::json doc = to_json(report);
  EXPECT_EQ(doc["referrals"].size(), 3u);
  EXPECT_EQ(doc["referrals"][1]["name"], "gone");
  EXPECT_EQ(doc["referrals"][1]["as_promised"], false);
  EXPECT_NE(render_text(report).find("FAIL  port 1 referral gone"), std::string::npos) << render_text(report);
}

TEST_F(CheckRunner, ADisabledReferralStillListedIsNotAsPromised) {
  DiscoveryRecord referral{"nqn.2014-08.org.nvmexpress.discovery", "tcp", "10.111.0.2", "4420", true};
  host_.set_discovery(kTcp, {record(kDisk), referral});
  host_.accept(kTcp, kDisk, kHostA, controller({{1, kGiB, 512, "/dev/nvme1n1"}}));
  Probe probe = served_probe(kDisk, kHostA, {{1, "/dev/a", kGiB}});
  probe.referrals = {{"off", {"tcp", "10.111.0.2", "4420"}, false}};
  CheckReport report = run({probe});
  ASSERT_EQ(report.referrals.size(), 1u);
  EXPECT_FALSE(report.referrals[0].as_promised());
  EXPECT_EQ(report.failures(),
            Names{"port 1 referral off (tcp 10.111.0.2:4420): disabled, but still in the port's discovery log"});
}

TEST_F(CheckRunner, ReferralsOfAPortWithoutADiscoveryLogAreNotJudgedAndNoFailure) {
  host_.fail_discovery(kTcp, sys_error(ECONNREFUSED, "connect to discovery at", kTcp.describe()));
  Probe probe = served_probe(kDisk, kHostA, {{1, "/dev/a", kGiB}});
  probe.referrals = {{"up", {"tcp", "10.111.0.2", "4420"}, true}};
  Probe twice = probe;
  CheckReport report = run({probe, twice});
  ASSERT_EQ(report.referrals.size(), 1u);
  EXPECT_FALSE(report.referrals[0].judged);
  EXPECT_TRUE(report.referrals[0].as_promised());
  EXPECT_EQ(report.failures().size(), 2u) << "the unreachable probes fail; the referral does not";
  const std::string text = render_text(report);
  EXPECT_NE(text.find("port 1 referral up (tcp 10.111.0.2:4420): not judged"), std::string::npos) << text;
  EXPECT_NE(text.find("2 checked: 0 served, 0 refused, 0 not checkable from here, 2 not as the target promises\n"
                      "1 referrals: 0 as declared, 0 not, 1 not judged"),
            std::string::npos)
      << text;
}

TEST_F(CheckRunner, ConnectedButNotInTheDiscoveryLogIsAMismatch) {
  host_.set_discovery(kTcp, {record(kOther), {kDisk, "tcp", "127.0.0.1", "4421"}});
  host_.accept(kTcp, kDisk, kHostA, controller({{1, kGiB, 512, "/dev/nvme1n1"}}));
  CheckReport report = run({served_probe(kDisk, kHostA, {{1, "/dev/vg/disk1", kGiB}})});
  ASSERT_EQ(report.results.size(), 1u);
  const ProbeResult& r = report.results[0];
  EXPECT_FALSE(r.discovered);
  EXPECT_EQ(r.verdict, Verdict::Mismatch);
  EXPECT_EQ(r.cause, "connected, but the port's discovery log does not list the subsystem for this host");
  EXPECT_EQ(host_.calls_of(Kind::Read).size(), 1u) << "the namespaces were still compared and read";
  EXPECT_TRUE(host_.connected().empty());
}

TEST_F(CheckRunner, DiscoveryThatFailsOtherwiseThanUnreachableStillConnects) {
  host_.fail_discovery(kTcp, sys_error(EIO, "read the discovery log of", kTcp.describe()));
  host_.accept(kTcp, kDisk, kHostA, controller({{1, kGiB, 512, "/dev/nvme1n1"}}));
  CheckReport report = run({served_probe(kDisk, kHostA, {{1, "/dev/vg/disk1", kGiB}})});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(host_.calls_of(Kind::Connect).size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::Mismatch);
  EXPECT_EQ(report.results[0].cause,
            "connected, but the port's discovery log could not be read: Input/output error");
  EXPECT_TRUE(host_.connected().empty());
}

TEST_F(CheckRunner, MismatchOutranksAReadError) {
  host_.set_discovery(kTcp, {record(kDisk)});
  host_.accept(kTcp, kDisk, kHostA, controller({{1, kGiB, 512, "/dev/nvme1n1"}, {2, kGiB, 512, "/dev/nvme1n2"}}));
  host_.fail_read("/dev/nvme1n1", EIO);
  CheckReport report = run({served_probe(kDisk, kHostA, {{1, "/dev/vg/a", kGiB}, {2, "/dev/vg/b", 3 * kGiB}})});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::Mismatch);
  EXPECT_EQ(report.results[0].cause, "namespace 2: the host sees 1073741824 bytes, /dev/vg/b holds 3221225472");
  EXPECT_EQ(report.results[0].namespaces[0].problem,
            "reading the first 4 KiB of /dev/nvme1n1 failed: Input/output error");
}

// --- io-error -------------------------------------------------------------

TEST_F(CheckRunner, NamespaceThatCannotBeReadIsAnIoError) {
  Probe probe = script_served({{1, kGiB, 512, "/dev/nvme1n1"}});
  host_.fail_read("/dev/nvme1n1", EIO);
  CheckReport report = run({probe});
  ASSERT_EQ(report.results.size(), 1u);
  const ProbeResult& r = report.results[0];
  EXPECT_EQ(r.verdict, Verdict::IoError);
  EXPECT_EQ(r.cause, "namespace 1: reading the first 4 KiB of /dev/nvme1n1 failed: Input/output error");
  EXPECT_EQ(r.namespaces[0].problem, "reading the first 4 KiB of /dev/nvme1n1 failed: Input/output error");
  EXPECT_FALSE(report.passed());
  EXPECT_TRUE(host_.connected().empty());
}

TEST_F(CheckRunner, PassthruNamespaceThatCannotBeReadIsAnIoError) {
  host_.set_discovery(kTcp, {record(kDisk)});
  host_.accept(kTcp, kDisk, kHostA, controller({{1, kGiB, 512, "/dev/nvme1n1"}, {2, kGiB, 512, "/dev/nvme1n2"}}));
  host_.fail_read("/dev/nvme1n2", EIO);
  Probe probe = served_probe(kDisk, kHostA, {});
  probe.passthru = true;
  CheckReport report = run({probe});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::IoError);
  EXPECT_EQ(report.results[0].cause, "namespace 2: reading /dev/nvme1n2 failed: Input/output error");
}

// --- refused, open, unreachable, auth --------------------------------------

TEST_F(CheckRunner, ForeignHostRefusedIsAsPromisedAndQuotesTheKernel) {
  use_kernel_log("6,1,100,-;nvme nvme0: an older line that belongs to nobody\n");
  host_.refuse(kTcp, kDisk, kForeign, sys_error(EIO, "connect to " + std::string(kDisk) + " at", kTcp.describe()),
               {kRefusedLines[0], "e1000e: eth0 NIC Link is Up 1000 Mbps", kRefusedLines[1], kRefusedLines[2]});
  CheckReport report = run({foreign_probe(kDisk)});

  ASSERT_EQ(report.results.size(), 1u);
  const ProbeResult& r = report.results[0];
  EXPECT_EQ(r.verdict, Verdict::Refused);
  EXPECT_TRUE(r.as_promised());
  EXPECT_TRUE(r.cause.empty()) << "a promised refusal needs no cause";
  EXPECT_EQ(r.kernel_log, kRefusedLines) << "only this connect's nvme lines";
  EXPECT_TRUE(r.controller.empty());
  EXPECT_TRUE(report.passed());
  // No discovery for a foreign host, and no wait for block devices.
  EXPECT_TRUE(host_.calls_of(Kind::Discover).empty());
  ASSERT_EQ(host_.calls_of(Kind::Connect).size(), 1u);
  EXPECT_DOUBLE_EQ(host_.calls_of(Kind::Connect)[0].settle_seconds, 0);
  EXPECT_TRUE(host_.created().empty());
}

TEST_F(CheckRunner, ForeignHostLetInIsOpenAndItsControllerIsTakenDown) {
  host_.accept(kTcp, kDisk, FakeFabricsHost::kAnyHost, controller({{1, kGiB, 512, "/dev/nvme1n1"}}));
  CheckReport report = run({foreign_probe(kDisk)});
  ASSERT_EQ(report.results.size(), 1u);
  const ProbeResult& r = report.results[0];
  EXPECT_EQ(r.verdict, Verdict::Open);
  EXPECT_EQ(r.cause, "a host that is not on the allow-list was let in (is allow_any_host on?)");
  EXPECT_EQ(r.controller, "nvme1");
  EXPECT_FALSE(r.as_promised());
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(host_.created(), Names{"nvme1"});
  EXPECT_TRUE(host_.connected().empty());
  EXPECT_TRUE(host_.calls_of(Kind::Read).empty()) << "nothing is read through a controller that should not exist";
}

TEST_F(CheckRunner, AllowedHostRefusedIsRefusedAndNotAsPromised) {
  use_kernel_log();
  host_.set_discovery(kTcp, {record(kDisk)});
  host_.refuse(kTcp, kDisk, kHostA, sys_error(EIO, "connect to", kTcp.describe()), {kRefusedLines[1]});
  CheckReport report = run({served_probe(kDisk, kHostA, {{1, "/dev/vg/disk1", kGiB}})});
  ASSERT_EQ(report.results.size(), 1u);
  const ProbeResult& r = report.results[0];
  EXPECT_EQ(r.verdict, Verdict::Refused);
  EXPECT_FALSE(r.as_promised());
  EXPECT_EQ(r.cause, "the target refused the host: " + kRefusedLines[1]);
  EXPECT_EQ(r.kernel_log, Names{kRefusedLines[1]});
  EXPECT_FALSE(report.passed());
}

TEST_F(CheckRunner, DiscoveryConnectionRefusedIsUnreachableWithoutAConnect) {
  host_.fail_discovery(kTcp, sys_error(ECONNREFUSED, "connect to discovery at", kTcp.describe()));
  host_.accept(kTcp, kDisk, kHostA, controller({{1, kGiB, 512, "/dev/nvme1n1"}}));
  CheckReport report = run({served_probe(kDisk, kHostA, {{1, "/dev/vg/disk1", kGiB}})});
  ASSERT_EQ(report.results.size(), 1u);
  const ProbeResult& r = report.results[0];
  EXPECT_EQ(r.verdict, Verdict::Unreachable);
  EXPECT_EQ(r.cause, "discovery at tcp 127.0.0.1:4420: connection refused: nothing listens there");
  EXPECT_FALSE(r.discovered);
  EXPECT_TRUE(host_.calls_of(Kind::Connect).empty());
  EXPECT_FALSE(report.passed());
}

TEST_F(CheckRunner, DiscoveryTimeoutIsUnreachable) {
  use_kernel_log();
  host_.fail_discovery(kTcp, sys_error(ETIMEDOUT, "connect to discovery at", kTcp.describe()),
                       {"nvme nvme1: failed to connect socket: -110"});
  CheckReport report = run({served_probe(kDisk, kHostA, {{1, "/dev/vg/disk1", kGiB}})});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::Unreachable);
  EXPECT_EQ(report.results[0].cause,
            "discovery at tcp 127.0.0.1:4420: no answer in time (a firewall dropping the port's packets?)");
  EXPECT_EQ(report.results[0].kernel_log, Names{"nvme nvme1: failed to connect socket: -110"});
}

TEST_F(CheckRunner, ForeignProbeAtAnUnreachablePortIsNotAsPromised) {
  host_.refuse(kTcp, kDisk, kForeign, sys_error(ECONNREFUSED, "connect to", kTcp.describe()));
  CheckReport report = run({foreign_probe(kDisk)});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::Unreachable);
  EXPECT_EQ(report.results[0].cause, "connection refused: nothing listens there");
  EXPECT_FALSE(report.results[0].as_promised());
}

TEST_F(CheckRunner, RejectedKeyIsAuthenticationFailed) {
  host_.set_discovery(kTcp, {record(kDisk)});
  host_.refuse(kTcp, kDisk, kHostA, sys_error(EKEYREJECTED, "connect to", kTcp.describe()));
  Probe probe = served_probe(kDisk, kHostA, {{1, "/dev/vg/disk1", kGiB}});
  probe.host.dhchap_key = "DHHC-1:00:wrong:";
  CheckReport report = run({probe});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::AuthFailed);
  EXPECT_EQ(host_.calls_of(Kind::Connect)[0].host.dhchap_key, "DHHC-1:00:wrong:") << "the host's secret is used";
}

TEST_F(CheckRunner, DiscoveryIsReadOncePerAddressAndHost) {
  host_.set_discovery(kTcp, {record(kDisk), record(kOther)});
  host_.accept(kTcp, kDisk, FakeFabricsHost::kAnyHost, controller({{1, kGiB, 512, "/dev/nvme1n1"}}));
  host_.accept(kTcp, kOther, FakeFabricsHost::kAnyHost, controller({{1, kGiB, 512, "/dev/nvme2n1"}}));
  CheckReport report = run({served_probe(kDisk, kHostA, {{1, "/dev/vg/a", kGiB}}),
                            served_probe(kOther, kHostA, {{1, "/dev/vg/b", kGiB}}),
                            served_probe(kDisk, kHostB, {{1, "/dev/vg/a", kGiB}})});
  ASSERT_EQ(report.results.size(), 3u);
  for (const ProbeResult& r : report.results) EXPECT_EQ(r.verdict, Verdict::Served) << r.cause;
  Names discovered_as;
  for (const FabricsCall& c : host_.calls_of(Kind::Discover)) discovered_as.push_back(c.host.nqn);
  EXPECT_EQ(discovered_as, (Names{kHostA, kHostB}));
  EXPECT_EQ(host_.created().size(), 3u);
  EXPECT_TRUE(host_.connected().empty());
}

// --- not checkable and broken ----------------------------------------------

TEST_F(CheckRunner, NotCheckableStaysSoTouchesNoHostAndIsNotAFailure) {
  Probe fc = served_probe(kDisk, kHostA, {{1, "/dev/vg/disk1", kGiB}},
                          {"fc", "nn-0x1000000044001123:pn-0x2000000055001123", ""});
  fc.not_checkable = "an fc port needs an FC host adapter (or nvme-fcloop) on this node";
  Probe rdma = foreign_probe(kDisk, kRdma, 2);
  rdma.not_checkable = "no interface of this node has 192.168.50.1, so no host here can reach it over RDMA";
  CheckReport report = run({fc, rdma});
  ASSERT_EQ(report.results.size(), 2u);
  EXPECT_EQ(report.results[0].verdict, Verdict::NotCheckable);
  EXPECT_EQ(report.results[0].cause, fc.not_checkable);
  EXPECT_EQ(report.results[1].verdict, Verdict::NotCheckable);
  EXPECT_EQ(report.results[1].cause, rdma.not_checkable);
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(report.count(Verdict::NotCheckable), 2u);
  EXPECT_TRUE(host_.calls().empty());
  EXPECT_TRUE(modules_.loads().empty()) << "no host module for probes that connect nowhere";
  EXPECT_TRUE(report.modules_loaded.empty());
}

TEST_F(CheckRunner, BrokenProbeIsAMismatchWithoutAnyConnect) {
  Probe probe = served_probe(kDisk, "nqn.2014-08.org.nvmexpress:uuid:probe", {{1, "/dev/vg/disk1", kGiB}});
  probe.generated_host = true;
  probe.broken = "no host may connect: allow_any_host is off and the allow-list is empty";
  CheckReport report = run({probe});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::Mismatch);
  EXPECT_EQ(report.results[0].cause, probe.broken);
  EXPECT_TRUE(host_.calls().empty());
  EXPECT_FALSE(report.passed());
}

// --- host modules ---------------------------------------------------------

TEST_F(CheckRunner, HostModulesForNeedsFabricsAndOneModulePerTransportThatConnects) {
  Probe fc = served_probe(kDisk, kHostA, {}, {"fc", "nn-0x1:pn-0x2", ""});
  fc.not_checkable = "no fc";
  Probe broken = served_probe(kDisk, kHostA, {}, {"loop", "", ""});
  broken.broken = "allows nobody";
  EXPECT_TRUE(host_modules_for({}).empty());
  EXPECT_TRUE(host_modules_for({fc, broken}).empty());
  EXPECT_EQ(host_modules_for({served_probe(kDisk, kHostA, {}), fc, foreign_probe(kDisk, kRdma),
                              served_probe(kDisk, kHostB, {}, kTcp6)}),
            (Names{"nvme-fabrics", "nvme-rdma", "nvme-tcp"}));
  EXPECT_EQ(host_modules_for({served_probe(kDisk, kHostA, {}, {"loop", "", ""})}), (Names{"nvme-fabrics", "nvme-loop"}));
}

TEST_F(CheckRunner, MissingHostModulesAreLoadedBeforeTheProbesAndUnloadedInReverseAfter) {
  std::size_t calls_when_loaded = 99;
  modules_.on_load("nvme-tcp", [&] { calls_when_loaded = host_.calls().size(); });
  bool loaded_during_connect = false;
  host_.on_connect([&](const FabricsCall&) { loaded_during_connect = modules_.is_loaded("nvme-tcp"); });
  Probe probe = script_served({{1, kGiB, 512, "/dev/nvme1n1"}});

  CheckReport report = run({probe});

  EXPECT_EQ(report.results[0].verdict, Verdict::Served) << report.results[0].cause;
  EXPECT_EQ(calls_when_loaded, 0u);
  EXPECT_TRUE(loaded_during_connect);
  EXPECT_EQ(modules_.loads(), (Names{"nvme_core", "nvme_fabrics", "nvme_tcp"}));
  EXPECT_EQ(report.modules_loaded, (Names{"nvme_core", "nvme_fabrics", "nvme_tcp"}));
  EXPECT_EQ(modules_.unloads(), (Names{"nvme_tcp", "nvme_fabrics", "nvme_core"}));
  EXPECT_EQ(report.modules_unloaded, (Names{"nvme_tcp", "nvme_fabrics", "nvme_core"}));
  for (const char* m : {"nvme-core", "nvme-fabrics", "nvme-tcp"}) EXPECT_FALSE(modules_.is_loaded(m)) << m;
  EXPECT_TRUE(report.passed());
}

TEST_F(CheckRunner, ModulesAlreadyThereAreNeitherLoadedNorUnloaded) {
  modules_.set_loaded("nvme-core").set_loaded("nvme-fabrics").set_builtin("nvme-rdma");
  host_.set_discovery(kRdma, {record(kDisk, kRdma)});
  host_.accept(kRdma, kDisk, kHostA, controller({{1, kGiB, 512, "/dev/nvme2n1"}}));
  Probe tcp = script_served({{1, kGiB, 512, "/dev/nvme1n1"}});
  CheckReport report = run({tcp, served_probe(kDisk, kHostA, {{1, "/dev/vg/disk1", kGiB}}, kRdma, 2)});

  EXPECT_EQ(report.count(Verdict::Served), 2u);
  EXPECT_EQ(modules_.loads(), Names{"nvme_tcp"});
  EXPECT_EQ(report.modules_loaded, Names{"nvme_tcp"});
  EXPECT_EQ(modules_.unloads(), Names{"nvme_tcp"});
  EXPECT_TRUE(modules_.is_loaded("nvme-fabrics"));
  EXPECT_TRUE(modules_.is_loaded("nvme-core"));
  EXPECT_TRUE(report.passed());
}

TEST_F(CheckRunner, WithoutAModuleLoaderModulesAreLeftAlone) {
  Probe probe = script_served({{1, kGiB, 512, "/dev/nvme1n1"}});
  CheckReport report = run({probe}, /*with_modules=*/false);
  EXPECT_EQ(report.results[0].verdict, Verdict::Served) << report.results[0].cause;
  EXPECT_TRUE(modules_.loads().empty());
  EXPECT_TRUE(report.modules_loaded.empty());
  EXPECT_TRUE(report.modules_unloaded.empty());
}

TEST_F(CheckRunner, AControllerWhoseNamespacesCannotBeIdentifiedIsAnIoErrorAndIsRemoved) {
  host_.set_discovery(kTcp, {record(kDisk)});
  ProbeController broken = controller({});
  broken.problem = "connected, but identify nvme1: Input/output error";
  host_.accept(kTcp, kDisk, kHostA, broken);
  CheckReport report = run({served_probe(kDisk, kHostA, {{1, "/dev/vg/disk1", kGiB}})});
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::IoError);
  EXPECT_EQ(report.results[0].cause, "connected, but identify nvme1: Input/output error");
  EXPECT_TRUE(host_.connected().empty()) << "the probe's controller is removed";
  EXPECT_FALSE(report.passed());
}

TEST_F(CheckRunner, TransportModuleThatFailsToLoadMakesItsProbesNotCheckable) {
  modules_.fail_load("nvme-rdma", ENOENT);
  Probe tcp = script_served({{1, kGiB, 512, "/dev/nvme1n1"}});
  Probe rdma = served_probe(kDisk, kHostA, {{1, "/dev/vg/disk1", kGiB}}, kRdma, 2);
  CheckReport report = run({rdma, tcp, foreign_probe(kDisk, kRdma, 2)});

  ASSERT_EQ(report.results.size(), 3u);
  EXPECT_EQ(report.results[0].verdict, Verdict::NotCheckable);
  EXPECT_EQ(report.results[0].cause.rfind("the host side cannot be loaded here: load module nvme-rdma: ", 0), 0u)
      << report.results[0].cause;
  EXPECT_EQ(report.results[1].verdict, Verdict::Served) << report.results[1].cause;
  EXPECT_EQ(report.results[2].verdict, Verdict::NotCheckable);
  for (const FabricsCall& c : host_.calls()) EXPECT_NE(c.address.trtype, "rdma") << "no rdma probe ran";
  EXPECT_EQ(modules_.unloads(), (Names{"nvme_tcp", "nvme_fabrics", "nvme_core"}));
  // Not checkable because the host side is missing here: the check proved
  // nothing over rdma, which is its own problem (exit 8), not the target's.
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].rfind("the host side cannot be loaded here, so the probes over it did not run: load "
                                     "module nvme-rdma: ",
                                     0),
            0u)
      << report.problems[0];
  EXPECT_FALSE(report.passed());
}

TEST_F(CheckRunner, FabricsModuleThatFailsToLoadMakesEveryProbeNotCheckable) {
  modules_.set_loaded("nvme-core").fail_load("nvme-fabrics", EPERM);
  Probe tcp = script_served({{1, kGiB, 512, "/dev/nvme1n1"}});
  CheckReport report = run({tcp, foreign_probe(kDisk)});
  ASSERT_EQ(report.results.size(), 2u);
  for (const ProbeResult& r : report.results) {
    EXPECT_EQ(r.verdict, Verdict::NotCheckable);
    EXPECT_EQ(r.cause.rfind("the host side cannot be loaded here: load module nvme-", 0), 0u) << r.cause;
    EXPECT_NE(r.cause.find("fabrics"), std::string::npos) << r.cause;
  }
  EXPECT_TRUE(host_.calls().empty());
  EXPECT_TRUE(report.modules_loaded.empty());
  EXPECT_FALSE(report.passed()) << "nothing could be checked: the check did not prove anything";
  EXPECT_EQ(report.problems.size(), 2u) << "nvme-fabrics, and nvme-tcp that needs it";
}

TEST_F(CheckRunner, ModuleThatCannotBeUnloadedIsAProblem) {
  modules_.fail_unload("nvme-tcp", EBUSY);
  Probe probe = script_served({{1, kGiB, 512, "/dev/nvme1n1"}});
  CheckReport report = run({probe});
  EXPECT_EQ(report.results[0].verdict, Verdict::Served) << report.results[0].cause;
  // nvme_tcp stays, and with it what it depends on: each is a problem of its own.
  ASSERT_EQ(report.problems.size(), 3u);
  EXPECT_EQ(report.problems[0].rfind("the check loaded nvme_tcp but could not unload it: ", 0), 0u)
      << report.problems[0];
  EXPECT_EQ(report.problems[1], "the check loaded nvme_fabrics but could not unload it: module in use by nvme_tcp");
  EXPECT_EQ(report.problems[2].rfind("the check loaded nvme_core but could not unload it: module in use by ", 0), 0u)
      << report.problems[2];
  EXPECT_TRUE(report.modules_unloaded.empty());
  EXPECT_FALSE(report.passed());
}

// --- interruption and clean-up ----------------------------------------------

TEST_F(CheckRunner, InterruptSkipsTheRemainingProbesAfterTheCurrentOneCleansUp) {
  host_.set_discovery(kTcp, {record(kDisk), record(kOther)});
  host_.accept(kTcp, kDisk, FakeFabricsHost::kAnyHost, controller({{1, kGiB, 512, "/dev/nvme1n1"}}));
  host_.accept(kTcp, kOther, FakeFabricsHost::kAnyHost, controller({{1, kGiB, 512, "/dev/nvme2n1"}}));
  // The signal comes while the first probe's controller is up.
  host_.on_connect([&](const FabricsCall&) { interrupted_ = true; });
  CheckReport report = run({served_probe(kDisk, kHostA, {{1, "/dev/vg/a", kGiB}}),
                            served_probe(kOther, kHostA, {{1, "/dev/vg/b", kGiB}}), foreign_probe(kDisk)});

  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_EQ(report.results[0].verdict, Verdict::Served) << "the probe under way finishes";
  EXPECT_EQ(report.problems, Names{"interrupted by a signal: 2 probes were not run"});
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(host_.calls_of(Kind::Connect).size(), 1u);
  EXPECT_TRUE(host_.connected().empty());
  EXPECT_EQ(modules_.unloads(), (Names{"nvme_tcp", "nvme_fabrics", "nvme_core"})) << "modules go even then";
}

TEST_F(CheckRunner, InterruptBeforeTheFirstProbeRunsNone) {
  interrupted_ = true;
  Probe probe = script_served({{1, kGiB, 512, "/dev/nvme1n1"}});
  CheckReport report = run({probe, foreign_probe(kDisk)});
  EXPECT_TRUE(report.results.empty());
  EXPECT_EQ(report.problems, Names{"interrupted by a signal: 2 probes were not run"});
  EXPECT_TRUE(host_.calls().empty());
  EXPECT_EQ(modules_.loads().size(), modules_.unloads().size());
}

TEST_F(CheckRunner, ControllerThatCannotBeRemovedIsAProblem) {
  Probe probe = script_served({{1, kGiB, 512, "/dev/nvme1n1"}});
  host_.fail_disconnect("nvme1", EBUSY);
  CheckReport report = run({probe});
  EXPECT_EQ(report.results[0].verdict, Verdict::Served);
  EXPECT_EQ(report.problems,
            Names{"the probe's controller nvme1 could not be removed: disconnect nvme1: Device or resource busy"});
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(host_.connected(), (std::set<std::string>{"nvme1"}));
}

TEST_F(CheckRunner, EveryControllerTheCheckCreatedIsGoneAndNoOtherWasTouched) {
  host_.add_existing_controller("nvme0").add_existing_controller("nvme1");
  host_.set_discovery(kTcp, {record(kDisk), record(kOther)});
  host_.accept(kTcp, kDisk, kHostA, controller({{1, kGiB, 512, "/dev/nvme2n1"}}));
  host_.accept(kTcp, kDisk, kHostB, controller({{1, 2 * kGiB, 512, "/dev/nvme3n1"}}));  // mismatch
  host_.accept(kTcp, kOther, kHostA, controller({{1, kGiB, 512, "/dev/nvme4n1"}}));
  host_.accept(kTcp, kOther, kForeign, controller({}));  // open
  host_.refuse(kTcp, kDisk, kForeign, sys_error(EIO, "connect to", kTcp.describe()));
  host_.fail_read("/dev/nvme4n1", EIO);  // io-error
  CheckReport report = run({served_probe(kDisk, kHostA, {{1, "/dev/vg/a", kGiB}}),
                            served_probe(kDisk, kHostB, {{1, "/dev/vg/a", kGiB}}), foreign_probe(kDisk),
                            served_probe(kOther, kHostA, {{1, "/dev/vg/b", kGiB}}), foreign_probe(kOther)});

  std::vector<Verdict> verdicts;
  for (const ProbeResult& r : report.results) verdicts.push_back(r.verdict);
  EXPECT_EQ(verdicts, (std::vector<Verdict>{Verdict::Served, Verdict::Mismatch, Verdict::Refused, Verdict::IoError,
                                            Verdict::Open}));
  EXPECT_EQ(host_.created(), (Names{"nvme2", "nvme3", "nvme4", "nvme5"}));
  EXPECT_TRUE(host_.connected().empty());
  EXPECT_EQ(host_.existing(), (std::set<std::string>{"nvme0", "nvme1"}));
  Names disconnected;
  for (const FabricsCall& c : host_.calls_of(Kind::Disconnect)) disconnected.push_back(c.target);
  EXPECT_EQ(disconnected, host_.created());
  EXPECT_EQ(id_queries_, (Names{kHostA, kHostB, kForeign, kHostA, kForeign}));
}

// --- planned from a target --------------------------------------------------

TEST_F(CheckRunner, PlannedProbesOfAWildcardPortAreServedAndRefusedThroughLoopback) {
  Target t;
  Host a;
  a.nqn = kHostA;
  t.hosts = {a};
  Subsystem s;
  s.nqn = kDisk;
  s.attrs["attr_allow_any_host"] = "0";
  s.allowed_hosts = std::vector<std::string>{kHostA};
  Namespace n;
  n.nsid = 1;
  n.attrs = {{"device_path", "/dev/vg/disk1"}, {"enable", "1"}};
  s.namespaces = {n};
  t.subsystems = {s};
  Port p;
  p.id = 1;
  p.attrs = {{"addr_trtype", "tcp"}, {"addr_adrfam", "ipv4"}, {"addr_traddr", "0.0.0.0"}, {"addr_trsvcid", "4420"}};
  p.subsystems = std::vector<std::string>{kDisk};
  t.ports = {p};
  ProbeSources sources;
  sources.device_bytes = [](const std::string& path) -> std::optional<std::uint64_t> {
    return path == "/dev/vg/disk1" ? std::optional<std::uint64_t>(kGiB + 512) : std::nullopt;
  };
  sources.new_host_nqn = [] { return std::string(kForeign); };
  // A host of this node already uses kHostA with its own ID.
  ids_in_use_[kHostA] = "0f6f3e2a-6d7b-4b6e-9c3e-1d2a3b4c5d6e";

  host_.set_discovery(kTcp, {record(kDisk)});  // the kernel reports the address the host connected to
  host_.accept(kTcp, kDisk, kHostA, controller({{1, kGiB, 4096, "/dev/nvme1n1"}}));
  use_kernel_log();
  host_.refuse(kTcp, kDisk, kForeign, sys_error(EIO, "connect to", kTcp.describe()), kRefusedLines);

  CheckReport report = run(plan_probes(t, sources));

  ASSERT_EQ(report.results.size(), 2u);
  EXPECT_EQ(report.results[0].verdict, Verdict::Served) << report.results[0].cause;
  EXPECT_EQ(report.results[0].probe.declared.traddr, "0.0.0.0");
  EXPECT_EQ(report.results[1].verdict, Verdict::Refused) << report.results[1].cause;
  EXPECT_TRUE(report.passed());
  for (const FabricsCall& c : host_.calls_of(Kind::Connect)) EXPECT_EQ(c.address.traddr, "127.0.0.1");
  EXPECT_EQ(host_.calls_of(Kind::Connect)[0].host.id, "0f6f3e2a-6d7b-4b6e-9c3e-1d2a3b4c5d6e");
  EXPECT_EQ(host_.calls_of(Kind::Connect)[1].host.id, "f0f0f0f0-0000-4000-8000-0000000000ff");
  EXPECT_TRUE(host_.connected().empty());
}

// --- the fake itself ---------------------------------------------------------

TEST(CheckFakeFabricsHost, UnscriptedAddressesRefuseTheConnection) {
  FakeFabricsHost host;
  auto found = host.discover(kTcp, {kHostA, "", "", ""});
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().errnum, ECONNREFUSED);
  auto connected = host.connect(kTcp, kDisk, {kHostA, "", "", ""}, 1);
  ASSERT_FALSE(connected);
  EXPECT_EQ(connected.error().errnum, ECONNREFUSED);
  EXPECT_EQ(host.calls().size(), 2u);
  EXPECT_TRUE(host.created().empty());
}

TEST(CheckFakeFabricsHost, ExactHostScriptOutranksAnyHostAndNamesSkipExistingOnes) {
  FakeFabricsHost host;
  host.add_existing_controller("nvme1");
  host.accept(kTcp, kDisk, FakeFabricsHost::kAnyHost, controller({{1, kGiB, 512, "/dev/nvme9n1"}}));
  host.refuse(kTcp, kDisk, kForeign, sys_error(EIO, "connect to", kTcp.describe()));
  auto a = host.connect(kTcp, kDisk, {kHostA, "", "", ""}, 1);
  auto b = host.connect(kTcp, kDisk, {kHostB, "", "", ""}, 1);
  auto f = host.connect(kTcp, kDisk, {kForeign, "", "", ""}, 1);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  ASSERT_FALSE(f);
  EXPECT_EQ(a->name, "nvme2");
  EXPECT_EQ(b->name, "nvme3");
  EXPECT_EQ(a->namespaces.size(), 1u);
  EXPECT_EQ(host.connected(), (std::set<std::string>{"nvme2", "nvme3"}));
}

TEST(CheckFakeFabricsHost, DisconnectingWhatItDidNotCreateIsRecordedAndRefused) {
  FakeFabricsHost host;
  host.add_existing_controller("nvme0");
  host.accept(kTcp, kDisk, kHostA, controller({}, "nvme7"));
  ASSERT_TRUE(host.connect(kTcp, kDisk, {kHostA, "", "", ""}, 1));
  EXPECT_TRUE(host.disconnect("nvme7"));
  EXPECT_FALSE(host.disconnect("nvme7")) << "twice";
  EXPECT_FALSE(host.disconnect("nvme0"));
  EXPECT_EQ(host.foreign_disconnects(), (Names{"nvme7", "nvme0"}));
  EXPECT_EQ(host.existing(), std::set<std::string>{"nvme0"});
  EXPECT_TRUE(host.connected().empty());
}

TEST(CheckFakeFabricsHost, ScriptedKernelLinesAreReadableAsKmsgRecords) {
  TempDir dir;
  dir.write("kmsg", "");
  KernelLog log(dir.path() + "/kmsg");
  FakeFabricsHost host;
  host.write_kernel_log_to(dir.path() + "/kmsg");
  host.refuse(kTcp, kDisk, kForeign, sys_error(EIO, "connect to", kTcp.describe()), kRefusedLines);
  EXPECT_TRUE(log.take_new().empty());
  ASSERT_FALSE(host.connect(kTcp, kDisk, {kForeign, "", "", ""}, 0));
  Names texts;
  for (const KernelLogLine& line : log.take_new()) texts.push_back(line.text);
  EXPECT_EQ(texts, kRefusedLines);
}

}  // namespace
}  // namespace nvmetctl
