// plan_probes and probes_touching: which (port, subsystem, host) triples
// `check` tries for a target, and which of them a plan's paths touched.
#include "nvmetctl/check/probe_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace nvmetctl {
namespace {

constexpr const char* kDisk = "nqn.2024-01.io.example:disk";
constexpr const char* kOpen = "nqn.2024-01.io.example:open";
constexpr const char* kHostA = "nqn.2014-08.org.nvmexpress:uuid:11111111-1111-4111-8111-111111111111";
constexpr const char* kHostB = "nqn.2014-08.org.nvmexpress:uuid:22222222-2222-4222-8222-222222222222";

Port port(std::uint16_t id, const std::string& trtype, const std::string& traddr, std::vector<std::string> subsystems,
          const std::string& trsvcid = "4420") {
  Port p;
  p.id = id;
  p.attrs["addr_trtype"] = trtype;
  if (!traddr.empty()) p.attrs["addr_traddr"] = traddr;
  if (!trsvcid.empty()) p.attrs["addr_trsvcid"] = trsvcid;
  if (trtype == "tcp" || trtype == "rdma")
    p.attrs["addr_adrfam"] = traddr.find(':') != std::string::npos ? "ipv6" : "ipv4";
  p.subsystems = std::move(subsystems);
  return p;
}

Namespace ns(std::uint32_t nsid, const std::string& device, bool enabled) {
  Namespace n;
  n.nsid = nsid;
  n.attrs["device_path"] = device;
  n.attrs["enable"] = enabled ? "1" : "0";
  return n;
}

Subsystem subsystem(const std::string& nqn, std::optional<std::vector<std::string>> allowed, bool any_host,
                    std::vector<Namespace> namespaces = {ns(1, "/dev/vg/disk1", true)}) {
  Subsystem s;
  s.nqn = nqn;
  s.attrs["attr_allow_any_host"] = any_host ? "1" : "0";
  s.allowed_hosts = std::move(allowed);
  s.namespaces = std::move(namespaces);
  return s;
}

Host host(const std::string& nqn, const std::string& key = "", const std::string& ctrl_key = "") {
  Host h;
  h.nqn = nqn;
  if (!key.empty()) h.attrs["dhchap_key"] = key;
  if (!ctrl_key.empty()) h.attrs["dhchap_ctrl_key"] = ctrl_key;
  return h;
}

// Generated host NQNs are numbered, and device sizes come from a table, so
// every value a probe holds is traceable to the test.
struct Sources {
  std::map<std::string, std::uint64_t> sizes;
  std::vector<std::string> size_queries;
  int generated = 0;
  std::map<std::uint16_t, std::string> unreachable;  // port id -> reason
  std::vector<std::uint16_t> reachability_queries;

  ProbeSources get() {
    ProbeSources s;
    s.device_bytes = [this](const std::string& path) -> std::optional<std::uint64_t> {
      size_queries.push_back(path);
      auto found = sizes.find(path);
      if (found == sizes.end()) return std::nullopt;
      return found->second;
    };
    s.new_host_nqn = [this] { return "nqn.2014-08.org.nvmexpress:uuid:probe-" + std::to_string(++generated); };
    s.unreachable_reason = [this](const Port& p) {
      reachability_queries.push_back(p.id);
      auto found = unreachable.find(p.id);
      return found == unreachable.end() ? std::string() : found->second;
    };
    return s;
  }
};

std::vector<std::string> host_nqns(const std::vector<Probe>& probes) {
  std::vector<std::string> out;
  for (const Probe& p : probes) out.push_back(p.host.nqn);
  return out;
}

std::vector<std::uint32_t> nsids(const Probe& probe) {
  std::vector<std::uint32_t> out;
  for (const ExpectedNamespace& n : probe.namespaces) out.push_back(n.nsid);
  return out;
}

TEST(CheckProbePlan, AllowListGivesOneServedProbePerHostAndOneRefusedForeignHost) {
  Target t;
  t.hosts = {host(kHostA, "DHHC-1:00:hostsecret:", "DHHC-1:00:ctrlsecret:"), host(kHostB)};
  t.subsystems = {subsystem(kDisk, std::vector<std::string>{kHostA, kHostB}, false)};
  t.ports = {port(1, "tcp", "192.168.10.5", {kDisk})};
  Sources src;
  src.sizes["/dev/vg/disk1"] = 1ULL << 30;

  std::vector<Probe> probes = plan_probes(t, src.get());

  ASSERT_EQ(probes.size(), 3u);
  EXPECT_EQ(host_nqns(probes), (std::vector<std::string>{kHostA, kHostB, "nqn.2014-08.org.nvmexpress:uuid:probe-1"}));
  for (const Probe& p : probes) {
    EXPECT_EQ(p.port_id, 1);
    EXPECT_EQ(p.subsystem_nqn, kDisk);
    EXPECT_EQ(p.declared.trtype, "tcp");
    EXPECT_EQ(p.declared.traddr, "192.168.10.5");
    EXPECT_EQ(p.declared.trsvcid, "4420");
    EXPECT_EQ(p.connect.traddr, "192.168.10.5") << "a specific address is connected to as declared";
    EXPECT_TRUE(p.not_checkable.empty());
    EXPECT_TRUE(p.broken.empty());
    EXPECT_TRUE(p.host.id.empty()) << "the runner fills the host ID";
  }
  // The declared hosts must be served, with their secrets.
  EXPECT_EQ(probes[0].expect, ProbeExpectation::Served);
  EXPECT_FALSE(probes[0].generated_host);
  EXPECT_EQ(probes[0].host.dhchap_key, "DHHC-1:00:hostsecret:");
  EXPECT_EQ(probes[0].host.dhchap_ctrl_key, "DHHC-1:00:ctrlsecret:");
  EXPECT_EQ(probes[1].expect, ProbeExpectation::Served);
  EXPECT_TRUE(probes[1].host.dhchap_key.empty());
  ASSERT_EQ(probes[1].namespaces.size(), 1u);
  EXPECT_EQ(probes[1].namespaces[0].device_path, "/dev/vg/disk1");
  EXPECT_EQ(probes[1].namespaces[0].bytes, std::optional<std::uint64_t>(1ULL << 30));
  // The foreign host: generated, must be refused, nothing to compare.
  EXPECT_EQ(probes[2].expect, ProbeExpectation::Refused);
  EXPECT_TRUE(probes[2].generated_host);
  EXPECT_TRUE(probes[2].host.dhchap_key.empty());
  EXPECT_TRUE(probes[2].namespaces.empty());
  EXPECT_EQ(src.generated, 1);
}

TEST(CheckProbePlan, AllowedHostNotDeclaredUnderHostsHasNoSecrets) {
  Target t;  // the allow-list names a host the file does not declare
  t.subsystems = {subsystem(kDisk, std::vector<std::string>{kHostA}, false)};
  t.ports = {port(1, "tcp", "10.0.0.1", {kDisk})};
  Sources src;
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 2u);
  EXPECT_EQ(probes[0].host.nqn, kHostA);
  EXPECT_TRUE(probes[0].host.dhchap_key.empty());
  EXPECT_TRUE(probes[0].host.dhchap_ctrl_key.empty());
}

TEST(CheckProbePlan, AllowAnyHostGivesOneGeneratedServedProbeAndNoForeignOne) {
  Target t;
  t.subsystems = {subsystem(kOpen, std::vector<std::string>{}, true)};
  t.ports = {port(2, "tcp", "10.0.0.1", {kOpen})};
  Sources src;
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].expect, ProbeExpectation::Served);
  EXPECT_TRUE(probes[0].generated_host);
  EXPECT_EQ(probes[0].host.nqn, "nqn.2014-08.org.nvmexpress:uuid:probe-1");
  EXPECT_TRUE(probes[0].broken.empty());
  EXPECT_EQ(nsids(probes[0]), std::vector<std::uint32_t>{1});
}

TEST(CheckProbePlan, AllowAnyHostWithoutAnAllowListSaidIsStillOneServedProbe) {
  Target t;
  t.subsystems = {subsystem(kOpen, std::nullopt, true)};
  t.ports = {port(2, "tcp", "10.0.0.1", {kOpen})};
  Sources src;
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].expect, ProbeExpectation::Served);
  EXPECT_TRUE(probes[0].broken.empty());
}

TEST(CheckProbePlan, SubsystemThatAllowsNobodyIsBrokenBeforeAnyConnect) {
  Target t;
  t.subsystems = {subsystem(kDisk, std::vector<std::string>{}, false),
                  subsystem(kOpen, std::nullopt, false)};
  t.ports = {port(1, "tcp", "10.0.0.1", {kDisk, kOpen})};
  Sources src;
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 2u);
  EXPECT_EQ(probes[0].subsystem_nqn, kDisk);
  EXPECT_EQ(probes[0].expect, ProbeExpectation::Served);
  EXPECT_TRUE(probes[0].generated_host);
  EXPECT_EQ(probes[0].broken, "no host may connect: allow_any_host is off and the allow-list is empty");
  EXPECT_EQ(probes[1].subsystem_nqn, kOpen);
  EXPECT_EQ(probes[1].broken, "the file does not say which hosts may connect, and allow_any_host is off");
}

TEST(CheckProbePlan, TcpWildcardListenersAreReachedThroughTheLoopbackOfTheirFamily) {
  Target t;
  t.subsystems = {subsystem(kOpen, std::vector<std::string>{}, true)};
  t.ports = {port(1, "tcp", "0.0.0.0", {kOpen}), port(2, "tcp", "::", {kOpen}, "4421"),
             port(3, "tcp", "::1", {kOpen})};
  Sources src;
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 3u);
  EXPECT_EQ(probes[0].declared.traddr, "0.0.0.0");
  EXPECT_EQ(probes[0].connect.traddr, "127.0.0.1");
  EXPECT_EQ(probes[0].connect.trsvcid, "4420");
  EXPECT_EQ(probes[1].declared.traddr, "::");
  EXPECT_EQ(probes[1].connect.traddr, "::1");
  EXPECT_EQ(probes[1].connect.trsvcid, "4421");
  EXPECT_EQ(probes[1].connect.trtype, "tcp");
  EXPECT_EQ(probes[2].connect.traddr, "::1") << "a specific address stays as it is";
  for (const Probe& p : probes) EXPECT_TRUE(p.not_checkable.empty()) << p.declared.describe();
}

TEST(CheckProbePlan, FcPortsRdmaWildcardsAndUnreachableRdmaAddressesAreNotCheckable) {
  Target t;
  t.subsystems = {subsystem(kOpen, std::vector<std::string>{}, true)};
  t.ports = {port(1, "fc", "nn-0x1000000044001123:pn-0x2000000055001123", {kOpen}, ""),
             port(2, "rdma", "0.0.0.0", {kOpen}), port(3, "rdma", "192.168.50.1", {kOpen}),
             port(4, "rdma", "192.168.60.1", {kOpen}), port(5, "tcp", "10.0.0.1", {kOpen})};
  Sources src;
  src.unreachable[3] = "no interface of this node has 192.168.50.1, so no host here can reach it over RDMA";
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 5u);
  EXPECT_EQ(probes[0].not_checkable, "an fc port needs an FC host adapter (or nvme-fcloop) on this node");
  EXPECT_EQ(probes[1].not_checkable, "an rdma port on a wildcard address names no address a host could connect to");
  EXPECT_EQ(probes[1].connect.traddr, "0.0.0.0") << "only tcp wildcards become loopback";
  EXPECT_EQ(probes[2].not_checkable, src.unreachable[3]);
  EXPECT_TRUE(probes[3].not_checkable.empty()) << "an rdma address a local device holds is checkable";
  EXPECT_TRUE(probes[4].not_checkable.empty());
  // The node's facts are asked only for ports whose transport alone does not decide.
  EXPECT_EQ(src.reachability_queries, (std::vector<std::uint16_t>{3, 4, 5}));
}

TEST(CheckProbePlan, LoopPortHasNoAddressAndIsCheckable) {
  Target t;
  t.subsystems = {subsystem(kOpen, std::vector<std::string>{}, true)};
  t.ports = {port(7, "loop", "", {kOpen}, "")};
  Sources src;
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].connect.trtype, "loop");
  EXPECT_EQ(probes[0].connect.traddr, "");
  EXPECT_EQ(probes[0].connect.describe(), "loop");
  EXPECT_TRUE(probes[0].not_checkable.empty());
}

TEST(CheckProbePlan, EveryProbeOfAPortCarriesItsReferralsEnabledOrNot) {
  Target t;
  t.subsystems = {subsystem(kOpen, std::vector<std::string>{}, true)};
  t.ports = {port(1, "tcp", "127.0.0.1", {kOpen})};
  Referral up, off;
  up.name = "up";
  up.attrs = {{"addr_trtype", "tcp"}, {"addr_traddr", "10.111.0.2"}, {"addr_trsvcid", "4420"}, {"enable", "1"}};
  off.name = "off";
  off.attrs = {{"addr_trtype", "rdma"}, {"addr_traddr", "10.111.0.3"}, {"addr_trsvcid", "4421"}, {"enable", "0"}};
  t.ports[0].referrals = {up, off};
  Sources src;
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 1u);
  ASSERT_EQ(probes[0].referrals.size(), 2u);
  EXPECT_EQ(probes[0].referrals[0].name, "up");
  EXPECT_EQ(probes[0].referrals[0].address.describe(), "tcp 10.111.0.2:4420");
  EXPECT_TRUE(probes[0].referrals[0].enabled);
  EXPECT_EQ(probes[0].referrals[1].address.describe(), "rdma 10.111.0.3:4421");
  EXPECT_FALSE(probes[0].referrals[1].enabled);
}

TEST(CheckProbePlan, AReferralWhoseEnableTheFileLeavesToTheKernelPromisesNothing) {
  Target t;
  t.subsystems = {subsystem(kOpen, std::vector<std::string>{}, true)};
  t.ports = {port(1, "tcp", "127.0.0.1", {kOpen})};
  Referral unsaid;
  unsaid.name = "unsaid";
  unsaid.attrs = {{"addr_trtype", "tcp"}, {"addr_traddr", "10.111.0.2"}, {"addr_trsvcid", "4420"}};
  t.ports[0].referrals = {unsaid};
  Sources src;
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_TRUE(probes[0].referrals.empty());
}

TEST(CheckProbePlan, DisabledPortsUnlinkedAndUndeclaredSubsystemsGiveNoProbe) {
  Target t;
  t.subsystems = {subsystem(kDisk, std::vector<std::string>{kHostA}, false),
                  subsystem(kOpen, std::vector<std::string>{}, true)};
  t.ports = {port(1, "tcp", "10.0.0.1", {}),                                  // no subsystem linked: disabled
             port(2, "tcp", "10.0.0.2", {}),                                  // likewise
             port(3, "tcp", "10.0.0.3", {"nqn.2024-01.io.example:elsewhere"})};  // links one the target lacks
  t.ports[1].subsystems = std::nullopt;
  Sources src;
  EXPECT_TRUE(plan_probes(t, src.get()).empty());
  EXPECT_EQ(src.generated, 0);
  // Linking one subsystem probes that one only: kDisk stays unlinked.
  t.ports[0].subsystems = std::vector<std::string>{kOpen};
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].subsystem_nqn, kOpen);
  EXPECT_EQ(probes[0].port_id, 1);
}

TEST(CheckProbePlan, DisabledNamespacesAreListedApartAndEnabledOnesSortedWithTheirSizes) {
  Target t;
  Namespace no_enable;  // enable never written: not enabled
  no_enable.nsid = 9;
  no_enable.attrs["device_path"] = "/dev/vg/nine";
  t.subsystems = {subsystem(kOpen, std::vector<std::string>{}, true,
                            {ns(3, "/dev/vg/three", true), ns(2, "/dev/vg/two", false), ns(1, "/srv/one.img", true),
                             no_enable, ns(4, "/dev/vg/unknown", true)})};
  t.ports = {port(1, "tcp", "10.0.0.1", {kOpen})};
  Sources src;
  src.sizes = {{"/dev/vg/three", 3ULL << 30}, {"/srv/one.img", 1000000}, {"/dev/vg/two", 2ULL << 30}};
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 1u);
  const Probe& p = probes[0];
  EXPECT_FALSE(p.passthru);
  EXPECT_EQ(nsids(p), (std::vector<std::uint32_t>{1, 3, 4}));
  EXPECT_EQ(p.disabled_nsids, (std::vector<std::uint32_t>{2, 9}));
  EXPECT_EQ(p.namespaces[0].device_path, "/srv/one.img");
  EXPECT_EQ(p.namespaces[0].bytes, std::optional<std::uint64_t>(1000000));
  EXPECT_EQ(p.namespaces[1].bytes, std::optional<std::uint64_t>(3ULL << 30));
  EXPECT_EQ(p.namespaces[2].bytes, std::nullopt) << "a device whose size is unknown";
  // Sizes are looked up for enabled namespaces only.
  std::vector<std::string> queried = src.size_queries;
  std::sort(queried.begin(), queried.end());
  EXPECT_EQ(queried, (std::vector<std::string>{"/dev/vg/three", "/dev/vg/unknown", "/srv/one.img"}));
}

TEST(CheckProbePlan, WithoutDeviceSizeSourceOrDevicePathSizesAreUnknown) {
  Target t;
  Namespace no_path;
  no_path.nsid = 2;
  no_path.attrs["enable"] = "1";
  t.subsystems = {subsystem(kOpen, std::vector<std::string>{}, true, {ns(1, "/dev/vg/disk1", true), no_path})};
  t.ports = {port(1, "tcp", "10.0.0.1", {kOpen})};
  Sources src;
  src.sizes["/dev/vg/disk1"] = 4096;
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 1u);
  ASSERT_EQ(probes[0].namespaces.size(), 2u);
  EXPECT_EQ(probes[0].namespaces[0].bytes, std::optional<std::uint64_t>(4096));
  EXPECT_EQ(probes[0].namespaces[1].bytes, std::nullopt);
  EXPECT_EQ(src.size_queries, std::vector<std::string>{"/dev/vg/disk1"}) << "no lookup for an empty device_path";

  ProbeSources none;  // nothing known about this node at all
  probes = plan_probes(t, none);
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_EQ(probes[0].namespaces[0].bytes, std::nullopt);
  EXPECT_EQ(probes[0].host.nqn, "nqn.2014-08.org.nvmexpress:uuid:nvmetctl-check") << "the fallback probe host";
  EXPECT_TRUE(probes[0].not_checkable.empty());
}

TEST(CheckProbePlan, PassthruSubsystemExpectsTheControllersNamespacesNotDeclaredOnes) {
  Target t;
  Subsystem s = subsystem(kOpen, std::vector<std::string>{}, true, {ns(1, "/dev/vg/disk1", true)});
  s.passthru = Passthru{};
  s.passthru->attrs["device_path"] = "/dev/nvme0";
  s.passthru->attrs["enable"] = "1";
  t.subsystems = {s};
  t.ports = {port(1, "tcp", "10.0.0.1", {kOpen})};
  Sources src;
  std::vector<Probe> probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_TRUE(probes[0].passthru);
  EXPECT_TRUE(probes[0].namespaces.empty());
  EXPECT_TRUE(src.size_queries.empty());

  t.subsystems[0].passthru->attrs["enable"] = "0";  // declared but off: namespaces as usual
  probes = plan_probes(t, src.get());
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_FALSE(probes[0].passthru);
  EXPECT_EQ(nsids(probes[0]), std::vector<std::uint32_t>{1});
}

TEST(CheckProbePlan, EverySubsystemOnEveryPortInTargetOrder) {
  Target t;
  t.subsystems = {subsystem(kDisk, std::vector<std::string>{kHostA}, false),
                  subsystem(kOpen, std::vector<std::string>{}, true)};
  t.ports = {port(1, "tcp", "10.0.0.1", {kDisk, kOpen}), port(2, "tcp", "10.0.0.2", {kDisk})};
  Sources src;
  std::vector<Probe> probes = plan_probes(t, src.get());
  std::vector<std::string> seen;
  for (const Probe& p : probes)
    seen.push_back(std::to_string(p.port_id) + " " + p.subsystem_nqn + " " +
                   (p.expect == ProbeExpectation::Served ? "served" : "refused"));
  EXPECT_EQ(seen, (std::vector<std::string>{
                      std::string("1 ") + kDisk + " served", std::string("1 ") + kDisk + " refused",
                      std::string("1 ") + kOpen + " served", std::string("2 ") + kDisk + " served",
                      std::string("2 ") + kDisk + " refused"}));
  // Each probe identity is fresh.
  EXPECT_EQ(src.generated, 3);
  EXPECT_NE(probes[1].host.nqn, probes[4].host.nqn);
}

// --- probes_touching --------------------------------------------------------

class CheckProbesTouching : public ::testing::Test {
 protected:
  void SetUp() override {
    Target t;
    t.hosts = {host(kHostA), host(kHostB)};
    t.subsystems = {subsystem(kDisk, std::vector<std::string>{kHostA, kHostB}, false),
                    subsystem(kDisk2, std::vector<std::string>{kHostB}, false)};
    t.ports = {port(1, "tcp", "10.0.0.1", {kDisk}), port(10, "tcp", "10.0.0.10", {kDisk2})};
    probes_ = plan_probes(t, src_.get());
    ASSERT_EQ(probes_.size(), 5u);  // port 1: A, B, foreign; port 10: B, foreign
  }

  std::vector<std::string> touched(const std::vector<std::string>& paths) const {
    std::vector<std::string> out;
    for (const Probe& p : probes_touching(probes_, paths))
      out.push_back(std::to_string(p.port_id) + " " + p.subsystem_nqn + " " +
                    (p.generated_host ? std::string("foreign") : p.host.nqn));
    return out;
  }

  static constexpr const char* kDisk2 = "nqn.2024-01.io.example:disk2";  // kDisk is a prefix of it
  Sources src_;
  std::vector<Probe> probes_;
};

TEST_F(CheckProbesTouching, PortChangeSelectsThatPortNotOneWhoseIdStartsTheSame) {
  EXPECT_EQ(touched({"/sys/kernel/config/nvmet/ports/1/addr_traddr"}),
            (std::vector<std::string>{std::string("1 ") + kDisk + " " + kHostA,
                                      std::string("1 ") + kDisk + " " + kHostB, std::string("1 ") + kDisk + " foreign"}));
  EXPECT_EQ(touched({"/sys/kernel/config/nvmet/ports/10"}),
            (std::vector<std::string>{std::string("10 ") + kDisk2 + " " + kHostB,
                                      std::string("10 ") + kDisk2 + " foreign"}));
  EXPECT_TRUE(touched({"/sys/kernel/config/nvmet/ports/100/addr_trsvcid"}).empty());
}

TEST_F(CheckProbesTouching, SubsystemChangeSelectsThatSubsystemNotOneWhoseNqnItPrefixes) {
  EXPECT_EQ(touched({std::string("/sys/kernel/config/nvmet/subsystems/") + kDisk + "/namespaces/1/enable"}),
            (std::vector<std::string>{std::string("1 ") + kDisk + " " + kHostA,
                                      std::string("1 ") + kDisk + " " + kHostB, std::string("1 ") + kDisk + " foreign"}));
  EXPECT_EQ(touched({std::string("/sys/kernel/config/nvmet/subsystems/") + kDisk2}),
            (std::vector<std::string>{std::string("10 ") + kDisk2 + " " + kHostB,
                                      std::string("10 ") + kDisk2 + " foreign"}));
}

TEST_F(CheckProbesTouching, HostChangeSelectsThatHostsProbesOnly) {
  EXPECT_EQ(touched({std::string("/sys/kernel/config/nvmet/hosts/") + kHostA + "/dhchap_key"}),
            (std::vector<std::string>{std::string("1 ") + kDisk + " " + kHostA}));
  EXPECT_EQ(touched({std::string("/sys/kernel/config/nvmet/hosts/") + kHostB}),
            (std::vector<std::string>{std::string("1 ") + kDisk + " " + kHostB,
                                      std::string("10 ") + kDisk2 + " " + kHostB}));
}

TEST_F(CheckProbesTouching, GeneratedHostsAreNeverSelectedByAHostPath) {
  const std::string foreign = probes_[2].host.nqn;
  ASSERT_TRUE(probes_[2].generated_host);
  EXPECT_TRUE(touched({"/sys/kernel/config/nvmet/hosts/" + foreign}).empty());
}

TEST_F(CheckProbesTouching, NothingChangedSelectsNothingAndSeveralPathsAddUp) {
  EXPECT_TRUE(touched({}).empty());
  EXPECT_TRUE(touched({"/sys/kernel/config/nvmet/hosts/nqn.2014-08.org.nvmexpress:uuid:someone-else"}).empty());
  EXPECT_EQ(touched({std::string("/sys/kernel/config/nvmet/hosts/") + kHostA, "/sys/kernel/config/nvmet/ports/10"}),
            (std::vector<std::string>{std::string("1 ") + kDisk + " " + kHostA,
                                      std::string("10 ") + kDisk2 + " " + kHostB,
                                      std::string("10 ") + kDisk2 + " foreign"}));
}

}  // namespace
}  // namespace nvmetctl
