// CheckReport: what passes, the failure lines, JSON and text.
#include "nvmetctl/check/check_report.h"

#include <gtest/gtest.h>

#include <sstream>

namespace nvmetctl {
namespace {

constexpr const char* kDisk = "nqn.2024-01.io.example:disk";
constexpr const char* kHostA = "nqn.2014-08.org.nvmexpress:uuid:11111111-1111-4111-8111-111111111111";
constexpr const char* kProbeHost = "nqn.2014-08.org.nvmexpress:uuid:probe";

ProbeResult result(Verdict verdict, ProbeExpectation expect = ProbeExpectation::Served, const std::string& cause = "") {
  ProbeResult r;
  r.probe.port_id = 1;
  r.probe.declared = {"tcp", "0.0.0.0", "4420"};
  r.probe.connect = {"tcp", "127.0.0.1", "4420"};
  r.probe.subsystem_nqn = kDisk;
  r.probe.expect = expect;
  r.probe.host.nqn = expect == ProbeExpectation::Served ? kHostA : kProbeHost;
  r.probe.generated_host = expect == ProbeExpectation::Refused;
  r.verdict = verdict;
  r.cause = cause;
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(CheckReport, VerdictsReadAsTheirNames) {
  const std::vector<std::pair<Verdict, std::string>> names = {
      {Verdict::Served, "served"},           {Verdict::Refused, "refused"},
      {Verdict::AuthFailed, "authentication-failed"}, {Verdict::Unreachable, "unreachable"},
      {Verdict::Mismatch, "mismatch"},       {Verdict::IoError, "io-error"},
      {Verdict::Open, "open"},               {Verdict::NotCheckable, "not-checkable"}};
  for (const auto& [verdict, name] : names) EXPECT_EQ(to_string(verdict), name);
}

TEST(CheckReport, AsPromisedIsServedForAllowedHostsRefusedForForeignOnesAndAnyNotCheckable) {
  for (Verdict v : {Verdict::Served, Verdict::Refused, Verdict::AuthFailed, Verdict::Unreachable, Verdict::Mismatch,
                    Verdict::IoError, Verdict::Open, Verdict::NotCheckable}) {
    EXPECT_EQ(result(v, ProbeExpectation::Served).as_promised(), v == Verdict::Served || v == Verdict::NotCheckable)
        << to_string(v);
    EXPECT_EQ(result(v, ProbeExpectation::Refused).as_promised(), v == Verdict::Refused || v == Verdict::NotCheckable)
        << to_string(v);
  }
}

TEST(CheckReport, PassedNeedsEveryResultAsPromisedAndNoProblem) {
  CheckReport report;
  EXPECT_TRUE(report.passed()) << "nothing to check is nothing wrong";
  report.results = {result(Verdict::Served), result(Verdict::Refused, ProbeExpectation::Refused),
                    result(Verdict::NotCheckable)};
  EXPECT_TRUE(report.passed());
  report.problems.push_back("the probe's controller nvme3 could not be removed: busy");
  EXPECT_FALSE(report.passed());
  report.problems.clear();
  report.results.push_back(result(Verdict::Open, ProbeExpectation::Refused, "let in"));
  EXPECT_FALSE(report.passed());
}

TEST(CheckReport, CountsPerVerdict) {
  CheckReport report;
  report.results = {result(Verdict::Served), result(Verdict::Served), result(Verdict::Mismatch, ProbeExpectation::Served, "x"),
                    result(Verdict::Refused, ProbeExpectation::Refused)};
  EXPECT_EQ(report.count(Verdict::Served), 2u);
  EXPECT_EQ(report.count(Verdict::Mismatch), 1u);
  EXPECT_EQ(report.count(Verdict::Refused), 1u);
  EXPECT_EQ(report.count(Verdict::Open), 0u);
}

TEST(CheckReport, FailuresNameTheProbeTheVerdictAndTheCauseThenTheProblems) {
  CheckReport report;
  report.results = {result(Verdict::Served),
                    result(Verdict::Mismatch, ProbeExpectation::Served, "namespace 2: not visible to the host"),
                    result(Verdict::Refused, ProbeExpectation::Refused),
                    result(Verdict::Open, ProbeExpectation::Refused, "a host that is not on the allow-list was let in"),
                    result(Verdict::NotCheckable, ProbeExpectation::Served, "no fc here")};
  report.problems = {"interrupted by a signal: 1 probes were not run"};
  const std::string who = std::string("port 1 (tcp 127.0.0.1:4420) subsystem ") + kDisk + " host ";
  EXPECT_EQ(report.failures(),
            (std::vector<std::string>{
                who + kHostA + ": mismatch: namespace 2: not visible to the host",
                who + kProbeHost + " (foreign probe host): open: a host that is not on the allow-list was let in "
                                   "(expected: refused)",
                "interrupted by a signal: 1 probes were not run"}));
}

TEST(CheckReport, FailureOfAGeneratedServedHostSaysProbeHostAndIpv6IsBracketed) {
  CheckReport report;
  ProbeResult r = result(Verdict::Unreachable, ProbeExpectation::Served, "connection refused: nothing listens there");
  r.probe.generated_host = true;
  r.probe.host.nqn = kProbeHost;
  r.probe.connect = {"tcp", "::1", "4421"};
  report.results = {r};
  EXPECT_EQ(report.failures(), std::vector<std::string>{std::string("port 1 (tcp [::1]:4421) subsystem ") + kDisk +
                                                        " host " + kProbeHost +
                                                        " (probe host): unreachable: connection refused: nothing "
                                                        "listens there"});
}

TEST(CheckReport, JsonHoldsEveryResultWithItsNamespacesAndCountsOfEveryVerdict) {
  CheckReport report;
  ProbeResult served = result(Verdict::Served);
  served.discovered = true;
  served.controller = "nvme3";
  served.namespaces = {{1, 1073741824, 1073741824, "/dev/nvme3n1", ""}, {2, std::nullopt, 4096, "/dev/nvme3n2", ""}};
  ProbeResult refused = result(Verdict::Refused, ProbeExpectation::Refused);
  refused.kernel_log = {"nvmet: connect by host x for subsystem y not allowed"};
  ProbeResult auth = result(Verdict::AuthFailed, ProbeExpectation::Served, "DH-HMAC-CHAP authentication failed: x");
  report.results = {served, refused, auth};
  report.modules_loaded = {"nvme_fabrics", "nvme_tcp"};
  report.modules_unloaded = {"nvme_tcp", "nvme_fabrics"};

  nlohmann::json j = to_json(report);
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["modules_loaded"], nlohmann::json({"nvme_fabrics", "nvme_tcp"}));
  EXPECT_EQ(j["modules_unloaded"], nlohmann::json({"nvme_tcp", "nvme_fabrics"}));
  EXPECT_EQ(j["problems"], nlohmann::json::array());
  ASSERT_EQ(j["results"].size(), 3u);

  const nlohmann::json& s = j["results"][0];
  EXPECT_EQ(s["port"], 1);
  EXPECT_EQ(s["trtype"], "tcp");
  EXPECT_EQ(s["traddr"], "127.0.0.1") << "where the host connected, not the wildcard";
  EXPECT_EQ(s["trsvcid"], "4420");
  EXPECT_EQ(s["subsystem"], kDisk);
  EXPECT_EQ(s["host"], kHostA);
  EXPECT_EQ(s["probe_host"], false);
  EXPECT_EQ(s["expect"], "served");
  EXPECT_EQ(s["verdict"], "served");
  EXPECT_EQ(s["as_promised"], true);
  EXPECT_EQ(s["cause"], "");
  EXPECT_EQ(s["discovered"], true);
  EXPECT_EQ(s["kernel_log"], nlohmann::json::array());
  ASSERT_EQ(s["namespaces"].size(), 2u);
  EXPECT_EQ(s["namespaces"][0], nlohmann::json({{"nsid", 1},
                                                 {"block_device", "/dev/nvme3n1"},
                                                 {"problem", ""},
                                                 {"expected_bytes", 1073741824},
                                                 {"seen_bytes", 1073741824}}));
  EXPECT_TRUE(s["namespaces"][1]["expected_bytes"].is_null());
  EXPECT_EQ(s["namespaces"][1]["seen_bytes"], 4096);

  const nlohmann::json& r = j["results"][1];
  EXPECT_EQ(r["expect"], "refused");
  EXPECT_EQ(r["verdict"], "refused");
  EXPECT_EQ(r["probe_host"], true);
  EXPECT_EQ(r["host"], kProbeHost);
  EXPECT_EQ(r["as_promised"], true);
  EXPECT_EQ(r["kernel_log"], nlohmann::json({"nvmet: connect by host x for subsystem y not allowed"}));
  EXPECT_EQ(j["results"][2]["verdict"], "authentication-failed");
  EXPECT_EQ(j["results"][2]["as_promised"], false);
  EXPECT_EQ(j["results"][2]["cause"], "DH-HMAC-CHAP authentication failed: x");

  EXPECT_EQ(j["counts"], nlohmann::json({{"served", 1},
                                         {"refused", 1},
                                         {"authentication-failed", 1},
                                         {"unreachable", 0},
                                         {"mismatch", 0},
                                         {"io-error", 0},
                                         {"open", 0},
                                         {"not-checkable", 0}}));
}

TEST(CheckReport, JsonVerdictStringsForEveryVerdict) {
  CheckReport report;
  for (Verdict v : {Verdict::Unreachable, Verdict::Mismatch, Verdict::IoError, Verdict::Open, Verdict::NotCheckable})
    report.results.push_back(result(v, ProbeExpectation::Served, "why"));
  nlohmann::json j = to_json(report);
  std::vector<std::string> verdicts;
  for (const auto& r : j["results"]) verdicts.push_back(r["verdict"].get<std::string>());
  EXPECT_EQ(verdicts, (std::vector<std::string>{"unreachable", "mismatch", "io-error", "open", "not-checkable"}));
  for (const char* name : {"unreachable", "mismatch", "io-error", "open", "not-checkable"})
    EXPECT_EQ(j["counts"][name], 1) << name;
}

TEST(CheckReport, TextHasOneLinePerResultThenModulesProblemsAndASummary) {
  CheckReport report;
  ProbeResult served = result(Verdict::Served);
  served.namespaces = {{1, 4096, 4096, "/dev/nvme3n1", ""}, {2, 4096, 4096, "/dev/nvme3n2", ""}};
  ProbeResult refused = result(Verdict::Refused, ProbeExpectation::Refused);
  refused.kernel_log = {"nvmet: as promised, not printed"};
  ProbeResult wrongly_refused = result(Verdict::Refused, ProbeExpectation::Served, "the target refused the host: x");
  wrongly_refused.kernel_log = {"nvmet: connect by host x not allowed", "nvme nvme1: failed to connect queue: 0 ret=16772"};
  ProbeResult fc = result(Verdict::NotCheckable, ProbeExpectation::Served, "an fc port needs an FC host adapter");
  report.results = {served, refused, wrongly_refused, fc};
  report.modules_loaded = {"nvme_fabrics", "nvme_tcp"};
  report.modules_unloaded = {"nvme_tcp", "nvme_fabrics"};
  report.problems = {"the probe's controller nvme4 could not be removed: busy"};

  const std::string who = std::string("port 1 (tcp 127.0.0.1:4420) subsystem ") + kDisk + " host ";
  EXPECT_EQ(lines_of(render_text(report)),
            (std::vector<std::string>{
                "  ok    " + who + kHostA + ": served (2 namespaces, first 4 KiB of each read)",
                "  ok    " + who + kProbeHost + " (foreign probe host): refused",
                "  FAIL  " + who + kHostA + ": refused: the target refused the host: x",
                "          kernel: nvmet: connect by host x not allowed",
                "          kernel: nvme nvme1: failed to connect queue: 0 ret=16772",
                "  ok    " + who + kHostA + ": not-checkable: an fc port needs an FC host adapter",
                "host modules loaded for the check: nvme_fabrics nvme_tcp (unloaded again)",
                "problem: the probe's controller nvme4 could not be removed: busy",
                "4 checked: 1 served, 2 refused, 1 not checkable from here, 1 not as the target promises"}));
}

TEST(CheckReport, TextCountsResultLinesAndSaysWhenModulesStayed) {
  CheckReport report;
  ProbeResult one = result(Verdict::Served);
  one.namespaces = {{1, 4096, 4096, "/dev/nvme3n1", ""}};
  report.results = {one, result(Verdict::Open, ProbeExpectation::Refused, "let in"),
                    result(Verdict::IoError, ProbeExpectation::Served, "namespace 1: reading failed")};
  report.modules_loaded = {"nvme_tcp"};
  std::vector<std::string> lines = lines_of(render_text(report));
  std::size_t result_lines = 0;
  for (const std::string& line : lines)
    if (line.rfind("  ok    ", 0) == 0 || line.rfind("  FAIL  ", 0) == 0) ++result_lines;
  EXPECT_EQ(result_lines, report.results.size());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[0].find("served (1 namespace, first 4 KiB of each read)"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("open: let in (expected: refused)"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[1].rfind("  FAIL  ", 0), 0u);
  EXPECT_NE(lines[2].find("io-error: namespace 1: reading failed"), std::string::npos) << lines[2];
  EXPECT_EQ(lines[3], "host modules loaded for the check: nvme_tcp");
  EXPECT_EQ(lines[4], "3 checked: 1 served, 0 refused, 0 not checkable from here, 2 not as the target promises");

  EXPECT_EQ(lines_of(render_text(CheckReport{})),
            std::vector<std::string>{"0 checked: 0 served, 0 refused, 0 not checkable from here, 0 not as the target "
                                     "promises"});
}

}  // namespace
}  // namespace nvmetctl
