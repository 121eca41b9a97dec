#include "nvmetctl/doctor/probe_findings.h"

#include <gtest/gtest.h>

namespace nvmetctl::doctor {
namespace {

const std::string kNqn = "nqn.2024-01.io.example:disk";
const std::string kHost = "nqn.2014-08.org.nvmexpress:uuid:1b4e28ba-2fa1-4d3b-8c4e-000000000001";
const std::string kObject = "port 1 subsystem " + kNqn + " host " + kHost;

ProbeResult result(Verdict verdict, ProbeExpectation expect = ProbeExpectation::Served) {
  ProbeResult r;
  r.probe.port_id = 1;
  r.probe.declared = r.probe.connect = {"tcp", "127.0.0.1", "4420"};
  r.probe.subsystem_nqn = kNqn;
  r.probe.host.nqn = kHost;
  r.probe.expect = expect;
  r.verdict = verdict;
  return r;
}

ProbeEvidence evidence() {
  ProbeEvidence e;
  e.configfs_nvmet = "/sys/kernel/config/nvmet";
  e.file = "/etc/nvmetctl/target.yaml";
  return e;
}

Findings findings_for(const ProbeResult& r, const ProbeEvidence& e = evidence()) {
  CheckReport report;
  report.results.push_back(r);
  Findings out;
  add_probe_findings(report, e, out);
  return out;
}

TEST(DoctorProbeFindings, ServedAndRefusedAsPromisedAreOk) {
  auto served = findings_for(result(Verdict::Served));
  ASSERT_NE(served.find("probe-served", kObject), nullptr);
  EXPECT_FALSE(served.has_failures());
  auto refused = findings_for(result(Verdict::Refused, ProbeExpectation::Refused));
  ASSERT_NE(refused.find("probe-refused", kObject), nullptr);
  EXPECT_FALSE(refused.has_failures());
}

TEST(DoctorProbeFindings, ReferralsAsDeclaredOkOtherwiseAFailureWithTheWriteThatFixesIt) {
  CheckReport report;
  report.referrals.push_back({1, {"up", {"tcp", "10.0.0.2", "4420"}, true}, true, true});
  report.referrals.push_back({1, {"gone", {"tcp", "10.0.0.3", "4420"}, true}, false, true});
  report.referrals.push_back({2, {"far", {"tcp", "10.0.0.4", "4420"}, true}, false, false});
  Findings out;
  add_probe_findings(report, evidence(), out);
  const Finding* up = out.find("probe-referral", "port 1 referral up");
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->severity, FindingSeverity::Ok);
  const Finding* gone = out.find("probe-referral", "port 1 referral gone");
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(gone->severity, FindingSeverity::Failure);
  EXPECT_EQ(gone->what, "enabled, but tcp 10.0.0.3:4420 is not in the port's discovery log");
  EXPECT_EQ(gone->fix.rfind("echo 1 > /sys/kernel/config/nvmet/ports/1/referrals/gone/enable", 0), 0u) << gone->fix;
  const Finding* far = out.find("probe-referral-not-judged", "port 2 referral far");
  ASSERT_NE(far, nullptr);
  EXPECT_EQ(far->severity, FindingSeverity::Warning);
}

TEST(DoctorProbeFindings, AnAllowedHostRefusedQuotesTheKernelAndLinksTheHost) {
  ProbeResult r = result(Verdict::Refused);
  r.kernel_log = {"nvmet: connect by host " + kHost + " for subsystem " + kNqn + " not allowed"};
  auto out = findings_for(r);
  const Finding* f = out.find("probe-not-allowed", kObject);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, FindingSeverity::Failure);
  ASSERT_EQ(f->evidence.size(), 1u);
  EXPECT_EQ(f->evidence[0], "kernel: " + r.kernel_log[0]);
  EXPECT_EQ(f->fix, "ln -s /sys/kernel/config/nvmet/hosts/" + kHost + " /sys/kernel/config/nvmet/subsystems/" + kNqn +
                        "/allowed_hosts/" + kHost + " (or nvmetctl apply /etc/nvmetctl/target.yaml)");
}

TEST(DoctorProbeFindings, AForeignHostLetInIsAnOpenAcl) {
  for (Verdict verdict : {Verdict::Open, Verdict::Served}) {
    auto out = findings_for(result(verdict, ProbeExpectation::Refused));
    const Finding* f = out.find("probe-open", kObject);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->severity, FindingSeverity::Failure);
    if (verdict == Verdict::Open) {
      EXPECT_NE(f->fix.find("echo 0 > /sys/kernel/config/nvmet/subsystems/" + kNqn + "/attr_allow_any_host"),
                std::string::npos);
    }
  }
}

TEST(DoctorProbeFindings, AuthenticationFailureNamesTheHostAndItsKeyFile) {
  ProbeResult r = result(Verdict::AuthFailed);
  r.cause = "DH-HMAC-CHAP authentication failed: the target holds another key for this host";
  r.kernel_log = {"nvmet: ctrl 1 qid 0 host response mismatch"};
  auto out = findings_for(r);
  const Finding* f = out.find("probe-auth-failed", kObject);
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->what.find("for host " + kHost), std::string::npos);
  EXPECT_NE(f->fix.find("/hosts/" + kHost + "/dhchap_key"), std::string::npos);
  EXPECT_EQ(f->evidence, (std::vector<std::string>{"kernel: nvmet: ctrl 1 qid 0 host response mismatch"}));
}

TEST(DoctorProbeFindings, AnUnreachableTcpPortNamesTheRuleThatDropsIt) {
  ProbeResult r = result(Verdict::Unreachable);
  r.cause = "discovery at tcp 127.0.0.1:4420: no answer in time";
  ProbeEvidence e = evidence();
  FirewallRuleset ruleset;
  FirewallRule other_port{"inet", "filter", "input", 2, "drop", "tcp", {{22, 22}}, false, "tcp dport 22 drop"};
  FirewallRule every_port{"inet", "filter", "input", 9, "drop", "", {}, true, "... drop"};
  FirewallRule this_port{"inet", "filter", "input", 3, "drop", "tcp", {{4420, 4420}}, false, "tcp dport 4420 drop"};
  ruleset.blocking_rules = {other_port, every_port, this_port};
  e.firewall = ruleset;
  auto out = findings_for(r, e);
  const Finding* f = out.find("probe-unreachable", kObject);
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->what.find("the likely cause: nftables rule inet filter input handle 3: tcp dport 4420 drop"),
            std::string::npos);
  EXPECT_EQ(f->fix.rfind("nft delete rule inet filter input handle 3", 0), 0u);
  EXPECT_EQ(f->evidence, (std::vector<std::string>{"nftables rule inet filter input handle 3: tcp dport 4420 drop",
                                                   "nftables rule inet filter input handle 9: ... drop"}));
}

TEST(DoctorProbeFindings, UnreachableWithoutAMatchingRuleSaysWhatWasLookedAt) {
  ProbeResult r = result(Verdict::Unreachable);
  ProbeEvidence e = evidence();
  FirewallRuleset ruleset;
  ruleset.dropping_chains.push_back({"inet", "filter", "input", "input", "drop"});
  e.firewall = ruleset;
  auto out = findings_for(r, e);
  const Finding* f = out.find("probe-unreachable", kObject);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->fix.rfind("check that port 1 listens", 0), 0u);
  EXPECT_EQ(f->evidence,
            (std::vector<std::string>{"nftables chain inet filter input (hook input) drops what no rule accepts"}));

  ProbeEvidence unreadable = evidence();
  unreadable.firewall_error = "read nftables ruleset: Operation not permitted";
  auto without = findings_for(r, unreadable);
  EXPECT_EQ(without.find("probe-unreachable", kObject)->evidence,
            (std::vector<std::string>{"the firewall could not be read: read nftables ruleset: Operation not permitted"}));
}

TEST(DoctorProbeFindings, MismatchAndIoErrorNameTheNamespace) {
  ProbeResult mismatch = result(Verdict::Mismatch);
  mismatch.cause = "namespace 2: not visible to the host";
  mismatch.namespaces.push_back({2, 1048576, std::nullopt, "", "not visible to the host"});
  auto m = findings_for(mismatch);
  const Finding* fm = m.find("probe-mismatch", kObject);
  ASSERT_NE(fm, nullptr);
  EXPECT_EQ(fm->evidence, (std::vector<std::string>{"namespace 2: not visible to the host"}));
  EXPECT_EQ(fm->fix, "nvmetctl apply /etc/nvmetctl/target.yaml");

  ProbeResult io = result(Verdict::IoError);
  io.probe.namespaces.push_back({1, "/dev/mapper/bad", 1048576});
  io.namespaces.push_back({1, 1048576, 1048576, "/dev/nvme1n1", "reading the first 4 KiB of /dev/nvme1n1 failed: Input/output error"});
  auto i = findings_for(io);
  const Finding* fi = i.find("probe-io-error", kObject);
  ASSERT_NE(fi, nullptr);
  EXPECT_EQ(fi->fix.rfind("check the backing device: dd if=/dev/mapper/bad of=/dev/null", 0), 0u);
}

TEST(DoctorProbeFindings, ANamespaceOnAnEmptyDeviceSaysSo) {
  ProbeResult r = result(Verdict::Mismatch);
  r.cause = "namespace 1: the host made no block device for it";
  r.probe.namespaces.push_back({1, "/dev/loop0", 0});
  r.namespaces.push_back({1, 0, 0, "", "the host made no block device for it"});
  auto out = findings_for(r);
  const Finding* f = out.find("probe-mismatch", kObject);
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->what.find("namespace 1 is on an empty device (/dev/loop0, 0 bytes)"), std::string::npos);
  EXPECT_EQ(f->fix, "put the data behind /dev/loop0 (a disk, or losetup with its backing file), then nvmetctl apply "
                    "/etc/nvmetctl/target.yaml");
}

TEST(DoctorProbeFindings, NotCheckableAndTheChecksOwnTroubleAreWarnings) {
  ProbeResult r = result(Verdict::NotCheckable);
  r.cause = "no RDMA device covers eth1";
  CheckReport report;
  report.results.push_back(r);
  report.problems.push_back("the check loaded nvme_tcp but could not unload it: busy");
  Findings out;
  add_probe_findings(report, evidence(), out);
  EXPECT_FALSE(out.has_failures());
  ASSERT_NE(out.find("probe-not-checkable", kObject), nullptr);
  ASSERT_NE(out.find("probe-problem", "check"), nullptr);
  EXPECT_EQ(out.count(FindingSeverity::Warning), 2);
}

}  // namespace
}  // namespace nvmetctl::doctor
