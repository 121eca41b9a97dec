#include "nvmetctl/doctor/doctor.h"

#include <gtest/gtest.h>

#include "nvmetctl/doctor/catalog.h"
#include "network_info_fake.h"

namespace nvmetctl::doctor {
namespace {

constexpr const char* kNqn = "nqn.2014-08.org.nvmexpress:test";

class DoctorChecksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    in_.paths.configfs = "/cfg";
    in_.kernel_release = "6.12.0-test";
    in_.kernel_version = {6, 12};
    in_.configfs_mounted = true;
    in_.live = LiveState{};
    in_.live->configfs_mounted = true;
    in_.live->nvmet_loaded = true;
    in_.modules = {{"configfs", ModuleState::BuiltIn}, {"nvmet", ModuleState::Loaded},
                   {"nvmet-rdma", ModuleState::Loaded}, {"nvmet-tcp", ModuleState::NotLoaded},
                   {"nvme-loop", ModuleState::NotLoaded}, {"nvmet-fc", ModuleState::NotLoaded}};
    in_.rdma_devices = std::vector<RdmaDevice>{};
    network_.add_interface("lo", {"127.0.0.1/8"}).add_interface("eth0", {"10.0.0.1/24"});
    in_.network = &network_;
  }

  Subsystem& subsystem(bool with_namespace = true) {
    Subsystem s;
    s.nqn = kNqn;
    s.attrs["attr_allow_any_host"] = "1";
    s.allowed_hosts = std::vector<std::string>{};
    if (with_namespace) {
      Namespace n;
      n.nsid = 1;
      n.attrs = {{"device_path", "/dev/nvme0n1"}, {"enable", "1"}, {"buffered_io", "0"}};
      s.namespaces.push_back(n);
      DeviceFacts d;
      d.exists = d.block = true;
      d.size = 1 << 30;
      in_.devices["/dev/nvme0n1"] = d;
    }
    in_.live->target.subsystems.push_back(s);
    return in_.live->target.subsystems.back();
  }

  Port& port(std::uint16_t id, const std::string& trtype, const std::string& traddr, bool linked) {
    Port p;
    p.id = id;
    p.attrs = {{"addr_trtype", trtype}, {"addr_adrfam", trtype.empty() ? "" : "ipv4"},
               {"addr_traddr", traddr}, {"addr_trsvcid", "4420"}};
    p.subsystems = linked ? std::vector<std::string>{kNqn} : std::vector<std::string>{};
    in_.live->target.ports.push_back(p);
    return in_.live->target.ports.back();
  }

  void log(const std::string& text) { in_.kernel_log.push_back({12345678, 3, text}); }

  // The finding lives in `f`: a temporary would be gone before it is read.
  const Finding& expect(Findings&& f, const std::string& id, const std::string& object,
                        FindingSeverity severity = FindingSeverity::Failure) = delete;
  const Finding& expect(const Findings& f, const std::string& id, const std::string& object,
                        FindingSeverity severity = FindingSeverity::Failure) {
    const Finding* found = f.find(id, object);
    if (!found) {
      std::string all;
      for (const auto& x : f.all()) all += x.id + "@" + x.object + " ";
      ADD_FAILURE() << "no " << id << " on " << object << "; have: " << all;
      static Finding none;
      return none;
    }
    EXPECT_EQ(found->severity, severity) << id;
    return *found;
  }

  static RdmaDevice rxe(const std::string& netdev, int state = 4) {
    return {1, "rxe_" + netdev, "roce", "rxe", netdev, state};
  }

  DoctorInputs in_;
  FakeNetworkInfo network_;
};

TEST_F(DoctorChecksTest, HealthyTargetHasNoFailures) {
  subsystem();
  port(1, "rdma", "10.0.0.1", true);
  in_.rdma_devices = std::vector<RdmaDevice>{rxe("eth0")};
  Findings f = run_checks(in_);
  EXPECT_FALSE(f.has_failures()) << format_findings(f, true);
  EXPECT_EQ(f.count(FindingSeverity::Warning), 0) << format_findings(f, true);
  expect(f, "port-ok", "port 1", FindingSeverity::Ok);
}

// A crash journal whose run is gone: a warning with the steps it had done
// (paths under the nvmet root) and `nvmetctl rollback` as the fix.
TEST_F(DoctorChecksTest, InterruptedRunIsReportedWithItsStepsAndTheRollback) {
  subsystem();
  port(1, "rdma", "10.0.0.1", true);
  in_.rdma_devices = std::vector<RdmaDevice>{rxe("eth0")};
  JournalRecord run;
  run.pid = 4242;
  run.started = "2025-01-31T12:00:00Z";
  run.command = "apply";
  run.steps = {{"+", "mkdir", "/cfg/nvmet/hosts/nqn.h"}, {"+", "mkdir", "/cfg/nvmet/ports/2"}};
  run.done = 1;
  in_.interrupted_run = run;
  Findings f = run_checks(in_);
  EXPECT_FALSE(f.has_failures()) << format_findings(f, true);
  const Finding& x = expect(f, "interrupted-run", "system", FindingSeverity::Warning);
  EXPECT_NE(x.what.find("(pid 4242, started 2025-01-31T12:00:00Z): 1 of 2 steps done"), std::string::npos) << x.what;
  EXPECT_NE(x.fix.find("nvmetctl rollback"), std::string::npos) << x.fix;
  std::string evidence;
  for (const auto& e : x.evidence) evidence += e + "\n";
  EXPECT_NE(evidence.find("done: + mkdir hosts/nqn.h"), std::string::npos) << evidence;
  EXPECT_EQ(evidence.find("ports/2"), std::string::npos) << "a step not done is no evidence";
}

TEST_F(DoctorChecksTest, NoJournalNoInterruptedRunFinding) {
  Findings f = run_checks(in_);
  EXPECT_EQ(f.find("interrupted-run", "system"), nullptr);
}

TEST_F(DoctorChecksTest, ConfigfsNotMountedAndNvmetNotLoadedHaveDifferentFixes) {
  in_.configfs_mounted = false;
  in_.live.reset();
  Findings f = run_checks(in_);
  EXPECT_NE(expect(f, "configfs-not-mounted", "configfs").fix.find("mount -t configfs none /cfg"), std::string::npos);

  in_.configfs_mounted = true;
  in_.live = LiveState{};
  in_.live->configfs_mounted = true;
  in_.modules["nvmet"] = ModuleState::NotLoaded;
  Findings g = run_checks(in_);
  EXPECT_EQ(expect(g, "nvmet-not-loaded", "module nvmet").fix, "modprobe nvmet");
  EXPECT_FALSE(g.has("configfs-not-mounted"));
}

TEST_F(DoctorChecksTest, ConfigfsMissingOnAKernelWithoutItSaysSo) {
  in_.configfs_dir = false;
  in_.configfs_mounted = false;
  in_.live.reset();
  in_.modules["configfs"] = ModuleState::Unavailable;
  Findings f = run_checks(in_);
  EXPECT_NE(expect(f, "configfs-not-mounted", "configfs").what.find("has no configfs"), std::string::npos);
}

TEST_F(DoctorChecksTest, WithAFileMissingMountIsOnlyAWarning) {
  in_.configfs_mounted = false;
  in_.live.reset();
  in_.file = "t.yaml";
  in_.desired = Target{};
  Findings f = run_checks(in_);
  expect(f, "configfs-not-mounted", "configfs", FindingSeverity::Warning);
}

TEST_F(DoctorChecksTest, NotRoot) {
  in_.privileges.root = false;
  in_.privileges.cap_sys_admin = false;
  Findings f = run_checks(in_);
  EXPECT_NE(expect(f, "not-root", "system").fix.find("sudo"), std::string::npos);
}

TEST_F(DoctorChecksTest, RdmaAddressNotLocalNamesTheAddressAndLogLine) {
  subsystem();
  port(1, "rdma", "10.0.0.9", false);
  in_.rdma_devices = std::vector<RdmaDevice>{rxe("eth0")};
  log("nvmet_rdma: binding CM ID to 10.0.0.9:4420 failed (-99)");
  log("nvmet_rdma: binding CM ID to 10.0.0.8:4420 failed (-99)");  // another port's
  Findings f = run_checks(in_);
  const Finding& x = expect(f, "rdma-addr-not-local", "port 1");
  EXPECT_NE(x.fix.find("ip addr add 10.0.0.9/24 dev eth0"), std::string::npos) << x.fix;
  std::string evidence;
  for (const auto& e : x.evidence) evidence += e + "\n";
  EXPECT_NE(evidence.find("10.0.0.9:4420 failed (-99)"), std::string::npos) << evidence;
  EXPECT_EQ(evidence.find("10.0.0.8"), std::string::npos) << evidence;
}

TEST_F(DoctorChecksTest, RdmaAddressWithoutDeviceNamesInterfaceAndRdmaLinkAdd) {
  subsystem();
  port(1, "rdma", "10.0.0.1", false);
  log("nvmet_rdma: binding CM ID to 10.0.0.1:4420 failed (-19)");
  Findings f = run_checks(in_);
  const Finding& x = expect(f, "rdma-no-device", "port 1");
  EXPECT_NE(x.fix.find("rdma link add rxe_eth0 type rxe netdev eth0"), std::string::npos) << x.fix;
}

TEST_F(DoctorChecksTest, LinkedRdmaPortWhoseDeviceWentAwayIsNotListening) {
  subsystem();
  port(1, "rdma", "10.0.0.1", true);
  Findings f = run_checks(in_);
  const Finding& x = expect(f, "rdma-no-device", "port 1");
  EXPECT_NE(x.what.find("nothing can be listening"), std::string::npos);
  EXPECT_NE(x.fix.find("ln -s /cfg/nvmet/subsystems/" + std::string(kNqn)), std::string::npos) << x.fix;
}

TEST_F(DoctorChecksTest, TransportModuleMissingAndTrtypeUnset) {
  subsystem();
  port(1, "rdma", "10.0.0.1", false);
  port(2, "", "", false);
  in_.modules["nvmet-rdma"] = ModuleState::Unavailable;
  log("nvmet: transport type 1 not supported");
  log("nvmet: transport type 0 not supported");
  Findings f = run_checks(in_);
  const Finding& missing = expect(f, "transport-module-missing", "port 1");
  EXPECT_NE(missing.what.find("nvmet-rdma"), std::string::npos);
  ASSERT_FALSE(missing.evidence.empty());
  EXPECT_NE(missing.evidence.back().find("transport type 1"), std::string::npos);
  const Finding& unset = expect(f, "trtype-unset", "port 2");
  EXPECT_NE(unset.fix.find("echo tcp > /cfg/nvmet/ports/2/addr_trtype"), std::string::npos);
  ASSERT_FALSE(unset.evidence.empty());
  EXPECT_NE(unset.evidence.back().find("transport type 0"), std::string::npos);
}

TEST_F(DoctorChecksTest, TransportRefusedByLogWhileModuleNotLoaded) {
  subsystem();
  port(1, "tcp", "10.0.0.1", false);
  log("nvmet: transport type 3 not supported");
  Findings f = run_checks(in_);
  EXPECT_EQ(expect(f, "transport-module-missing", "port 1").fix.rfind("modprobe nvmet-tcp", 0), 0u);
}

TEST_F(DoctorChecksTest, PortEnabledAttributeRefusedListsLinks) {
  subsystem();
  port(1, "rdma", "10.0.0.1", true);
  in_.rdma_devices = std::vector<RdmaDevice>{rxe("eth0")};
  log("nvmet: Disable port '1' before changing attribute in nvmet_addr_traddr_store");
  Findings f = run_checks(in_);
  const Finding& x = expect(f, "port-enabled-attr-refused", "port 1", FindingSeverity::Warning);
  EXPECT_NE(x.fix.find("rm /cfg/nvmet/ports/1/subsystems/" + std::string(kNqn)), std::string::npos) << x.fix;
  EXPECT_NE(x.fix.find("nvmetctl apply"), std::string::npos);
  EXPECT_NE(x.what.find("addr_traddr"), std::string::npos);
}

TEST_F(DoctorChecksTest, NamespaceDeviceProblems) {
  Subsystem& s = subsystem(false);
  auto add_ns = [&](std::uint32_t nsid, const std::string& path) {
    Namespace n;
    n.nsid = nsid;
    n.attrs = {{"device_path", path}, {"enable", "0"}, {"buffered_io", "0"}};
    s.namespaces.push_back(n);
  };
  add_ns(1, "/dev/does-not-exist");
  add_ns(2, "(null)");  // what the kernel shows for a device_path never set
  add_ns(3, "/tmp");
  add_ns(4, "/dev/sdb");
  add_ns(5, "/dev/loop0");
  in_.devices["/dev/does-not-exist"] = DeviceFacts{};
  DeviceFacts dir;
  dir.exists = dir.directory = true;
  in_.devices["/tmp"] = dir;
  DeviceFacts mounted;
  mounted.exists = mounted.block = true;
  mounted.size = 1 << 20;
  mounted.mounted_at = {"/srv"};
  in_.devices["/dev/sdb"] = mounted;
  DeviceFacts empty_loop;
  empty_loop.exists = empty_loop.block = true;
  in_.devices["/dev/loop0"] = empty_loop;
  log("nvmet: failed to open block device /dev/does-not-exist: (-2)");
  Findings f = run_checks(in_);
  std::string ns = std::string(" of ") + kNqn;
  const Finding& missing = expect(f, "namespace-device-missing", "namespace 1" + ns);
  ASSERT_FALSE(missing.evidence.empty());
  EXPECT_NE(missing.evidence.back().find("(-2)"), std::string::npos);
  expect(f, "namespace-device-empty", "namespace 2" + ns);
  expect(f, "namespace-device-not-usable", "namespace 3" + ns);
  EXPECT_NE(expect(f, "namespace-device-busy", "namespace 4" + ns, FindingSeverity::Warning).fix.find("umount /srv"),
            std::string::npos);
  expect(f, "namespace-device-not-usable", "namespace 5" + ns);
}

TEST_F(DoctorChecksTest, OfedSymbolClashFromTheLog) {
  log("mlx_compat: exports duplicate symbol ib_register_device (owned by ib_core)");
  in_.ofed_loaded = true;
  Findings f = run_checks(in_);
  const Finding& x = expect(f, "ofed-symbol-clash", "module mlx_compat");
  EXPECT_NE(x.what.find("MLNX_OFED"), std::string::npos);
  EXPECT_NE(x.fix.find("modinfo -F filename"), std::string::npos);
}

TEST_F(DoctorChecksTest, ModuleSignatureFromTheLog) {
  log("Loading of unsigned module is rejected");
  Findings f = run_checks(in_);
  EXPECT_NE(expect(f, "module-signature", "modules").fix.find("mokutil"), std::string::npos);
}

TEST_F(DoctorChecksTest, HostRefusedAtConnect) {
  Subsystem& s = subsystem();
  s.attrs["attr_allow_any_host"] = "0";
  s.allowed_hosts = std::vector<std::string>{"nqn.other"};
  port(1, "rdma", "10.0.0.1", true);
  in_.rdma_devices = std::vector<RdmaDevice>{rxe("eth0")};
  log("nvmet: connect by host nqn.h1 for subsystem " + std::string(kNqn) + " not allowed");
  Findings f = run_checks(in_);
  const Finding& x = expect(f, "host-not-allowed", "subsystem " + std::string(kNqn), FindingSeverity::Warning);
  EXPECT_NE(x.fix.find("mkdir /cfg/nvmet/hosts/nqn.h1"), std::string::npos);
}

TEST_F(DoctorChecksTest, FilePreflightCoverageAndDrift) {
  in_.file = "t.yaml";
  Target t;
  Port p;
  p.id = 7;
  p.attrs = {{"addr_trtype", "rdma"}, {"addr_adrfam", "ipv4"}, {"addr_traddr", "10.0.0.1"}, {"addr_trsvcid", "4420"}};
  t.ports.push_back(p);
  in_.desired = t;
  Plan plan;
  Step step;
  step.op = {OpKind::Mkdir, "/cfg/nvmet/ports/7", {}, {}};
  step.object = "port 7";
  plan.steps.push_back(step);
  plan.problems.error({}, "module nvmet-rdma", "module nvmet-rdma is not available");
  in_.plan = plan;
  Findings f = run_checks(in_);
  expect(f, "rdma-no-device", "port 7");
  expect(f, "module-unavailable", "module nvmet-rdma");
  const Finding& drift = expect(f, "drift", "file t.yaml", FindingSeverity::Warning);
  ASSERT_FALSE(drift.evidence.empty());
  EXPECT_EQ(drift.evidence[0], "ports/7: missing");

  // A declared rdma link on that interface covers it.
  in_.desired->rdma_links.push_back({"rxe_eth0", "rxe", "eth0", {}});
  Findings g = run_checks(in_);
  EXPECT_FALSE(g.has("rdma-no-device"));
}

TEST_F(DoctorChecksTest, InvalidFileIsAFailure) {
  in_.file = "t.yaml";
  in_.file_problems.error({"t.yaml", 3, 5}, "ports[0].id", "must be 0..65535");
  in_.file_problems.error({"t.yaml", 3, 5}, "ports[0]", "missing 'trtype'");
  Findings f = run_checks(in_);
  const Finding& x = expect(f, "file-invalid", "file t.yaml");
  EXPECT_EQ(x.what, "line 3: ports[0].id: must be 0..65535");
  EXPECT_EQ(x.fix, "edit t.yaml:3; check with: nvmetctl validate t.yaml");
  EXPECT_EQ(f.count(FindingSeverity::Failure), 2) << "one finding per problem";
}

TEST_F(DoctorChecksTest, JsonCarriesTheSameFindings) {
  subsystem();
  port(1, "rdma", "10.0.0.9", false);
  Findings f = run_checks(in_);
  auto doc = to_json(f);
  ASSERT_EQ(doc["findings"].size(), f.all().size());
  bool seen = false;
  for (const auto& j : doc["findings"])
    if (j["id"] == "rdma-addr-not-local") {
      seen = true;
      EXPECT_EQ(j["object"], "port 1");
      EXPECT_EQ(j["severity"], "failure");
      EXPECT_TRUE(j["fix"].get<std::string>().find("ip addr add") != std::string::npos);
    }
  EXPECT_TRUE(seen);
  EXPECT_GE(doc["summary"]["failures"].get<int>(), 1);
}

TEST_F(DoctorChecksTest, HumanOutputGroupsByObjectFailuresFirst) {
  subsystem();
  port(1, "rdma", "10.0.0.1", true);
  port(2, "rdma", "10.0.0.9", false);
  in_.rdma_devices = std::vector<RdmaDevice>{rxe("eth0")};
  std::string text = format_findings(run_checks(in_), false);
  EXPECT_EQ(text.rfind("port 2\n", 0), 0u) << text;
  EXPECT_NE(text.find("FAIL rdma-addr-not-local"), std::string::npos);
  EXPECT_EQ(text.find("port-ok"), std::string::npos) << "ok findings only with --verbose";
}


TEST_F(DoctorChecksTest, TcpAddressNotLocalAndAddressInUse) {
  subsystem();
  port(1, "tcp", "10.0.0.9", false);
  port(2, "tcp", "10.0.0.1", false);
  port(3, "tcp", "0.0.0.0", true);
  port(4, "tcp", "127.0.0.1", false).attrs["addr_trsvcid"] = "4421";
  log("nvmet_tcp: failed to bind port socket -98");
  Findings f = run_checks(in_);
  EXPECT_NE(expect(f, "tcp-addr-not-local", "port 1").fix.find("ip addr add 10.0.0.9/24 dev eth0"), std::string::npos);
  const Finding& in_use = expect(f, "port-addr-in-use", "port 2");
  EXPECT_NE(in_use.what.find("port 3 (enabled)"), std::string::npos) << in_use.what;
  EXPECT_FALSE(f.find("port-addr-in-use", "port 4")) << "another trsvcid: the -98 line is not about it";
}

TEST_F(DoctorChecksTest, AProcessListeningOnATcpPortsAddressIsNamed) {
  subsystem();
  port(1, "tcp", "10.0.0.1", false);
  TcpSocket listener;
  listener.local_address = "0.0.0.0";
  listener.local_port = 4420;
  listener.state = TcpState::Listen;
  listener.inode = 31337;
  in_.tcp_sockets.push_back(listener);
  in_.socket_holders[31337] = "nc (pid 77)";
  Findings f = run_checks(in_);
  const Finding& in_use = expect(f, "port-addr-in-use", "port 1");
  EXPECT_NE(in_use.what.find("nc (pid 77), listening on 0.0.0.0:4420"), std::string::npos) << in_use.what;
  EXPECT_NE(in_use.fix.find("ss -ltnp 'sport = :4420'"), std::string::npos) << in_use.fix;

  in_.tcp_sockets[0].inode = 0;  // the kernel's own listener (nvmet-tcp) is not a process in the way
  EXPECT_FALSE(run_checks(in_).find("port-addr-in-use", "port 1"));
}

TEST_F(DoctorChecksTest, ANamespaceInAPassthruSubsystemIsNamedNotJustDisabled) {
  Subsystem& s = subsystem();
  s.passthru = Passthru{};
  s.passthru->attrs = {{"device_path", "/dev/nvme0"}, {"enable", "1"}};
  s.namespaces[0].attrs["enable"] = "0";
  log("nvmet: cannot enable both passthru and regular namespaces for a single subsystem");
  Findings f = run_checks(in_);
  const Finding& conflict = expect(f, "passthru-with-namespaces", "namespace 1 of " + std::string(kNqn));
  EXPECT_NE(conflict.fix.find("rmdir /cfg/nvmet/subsystems/" + std::string(kNqn) + "/namespaces/1"),
            std::string::npos) << conflict.fix;
  ASSERT_FALSE(conflict.evidence.empty());
  EXPECT_NE(conflict.evidence.back().find("cannot enable both passthru"), std::string::npos);
  EXPECT_FALSE(f.find("namespace-disabled", "namespace 1 of " + std::string(kNqn))) << "the cause is passthru";
}

TEST_F(DoctorChecksTest, PassthruRefusedBecauseOfNamespacesNamesTheSubsystem) {
  Subsystem& s = subsystem();
  s.passthru = Passthru{};
  s.passthru->attrs = {{"device_path", "/dev/nvme0"}, {"enable", "0"}};
  EXPECT_FALSE(run_checks(in_).find("passthru-with-namespaces", "subsystem " + std::string(kNqn)))
      << "without the kernel's refusal in the log, a prepared but disabled passthru is a choice";
  log("nvmet: cannot enable both passthru and regular namespaces for a single subsystem");
  Findings after_refusal = run_checks(in_);
  const Finding& refused = expect(after_refusal, "passthru-with-namespaces", "subsystem " + std::string(kNqn));
  EXPECT_NE(refused.fix.find("echo 1 > /cfg/nvmet/subsystems/" + std::string(kNqn) + "/passthru/enable"),
            std::string::npos) << refused.fix;
}

TEST_F(DoctorChecksTest, StaleTransportRefusalIsNotAFailureOnceTheModuleIsLoaded) {
  subsystem();
  port(1, "tcp", "10.0.0.1", false);
  in_.modules["nvmet-tcp"] = ModuleState::Loaded;
  log("nvmet: transport type 3 not supported");
  Findings f = run_checks(in_);
  EXPECT_FALSE(f.has("transport-module-missing")) << format_findings(f, true);
  expect(f, "port-not-enabled", "port 1", FindingSeverity::Warning);
}

TEST_F(DoctorChecksTest, EveryReportedIdIsInTheCatalog) {
  subsystem();
  port(1, "rdma", "10.0.0.9", false);
  port(2, "", "", true);
  in_.privileges.root = false;
  log("mlx_compat: exports duplicate symbol x (owned by y)");
  Findings findings = run_checks(in_);
  for (const auto& finding : findings.all())
    EXPECT_NE(find_finding_kind(finding.id), nullptr) << finding.id;
}

// A TLS port: subsystem kNqn allows host-a and host-b; tls1.3 on port 1.
class DoctorTlsTest : public DoctorChecksTest {
 protected:
  void SetUp() override {
    DoctorChecksTest::SetUp();
    in_.modules["nvmet-tcp"] = ModuleState::Loaded;
    Subsystem& s = subsystem();
    s.attrs["attr_allow_any_host"] = "0";
    s.allowed_hosts = std::vector<std::string>{"nqn.host-a", "nqn.host-b"};
    Port& p = port(1, "tcp", "127.0.0.1", true);
    p.attrs["addr_tsas"] = "tls1.3";
    p.attrs["addr_treq"] = "required";
    in_.tls = DoctorInputs::TlsFacts{};
    in_.tls->keyring = true;
    in_.tls->handshake_daemons = {"tlshd (pid 77)"};
    in_.tls->psk_identities = {"NVMe0R01 nqn.host-a " + std::string(kNqn), "NVMe0R02 nqn.host-b " + std::string(kNqn)};
  }
};

TEST_F(DoctorTlsTest, KeyringDaemonAndAKeyPerHostIsOk) {
  Findings f = run_checks(in_);
  EXPECT_FALSE(f.has_failures()) << format_findings(f, true);
  const Finding& ok = expect(f, "tls-ok", "port 1", FindingSeverity::Ok);
  EXPECT_NE(ok.what.find("tlshd (pid 77)"), std::string::npos);
}

TEST_F(DoctorTlsTest, NoHandshakeDaemonFailsARequiredPortWithTheKernelsLine) {
  in_.tls->handshake_daemons.clear();
  log("nvmet_tcp: failed to start TLS, err=-3");
  Findings f = run_checks(in_);
  const Finding& x = expect(f, "tls-no-handshake-daemon", "port 1");
  EXPECT_NE(x.fix.find("tlshd"), std::string::npos);
  std::string evidence;
  for (const auto& e : x.evidence) evidence += e + "\n";
  EXPECT_NE(evidence.find("failed to start TLS, err=-3"), std::string::npos) << evidence;
  EXPECT_FALSE(f.has("tls-ok"));
}

TEST_F(DoctorTlsTest, WithTreqNotRequiredTheSameProblemsAreWarnings) {
  in_.live->target.ports.back().attrs["addr_treq"] = "not required";
  in_.tls->handshake_daemons.clear();
  in_.tls->psk_identities.clear();
  Findings f = run_checks(in_);
  expect(f, "tls-no-handshake-daemon", "port 1", FindingSeverity::Warning);
  expect(f, "tls-host-without-psk", "port 1", FindingSeverity::Warning);
}

TEST_F(DoctorTlsTest, AHostWithoutItsPskIsNamed) {
  in_.tls->psk_identities.erase("NVMe0R02 nqn.host-b " + std::string(kNqn));
  Findings f = run_checks(in_);
  const Finding& x = expect(f, "tls-host-without-psk", "port 1");
  EXPECT_NE(x.what.find("host nqn.host-b is allowed on " + std::string(kNqn)), std::string::npos) << x.what;
  EXPECT_NE(x.fix.find("tls_psk_file"), std::string::npos);
  EXPECT_EQ(f.count(FindingSeverity::Failure), 1) << format_findings(f, true);
}

TEST_F(DoctorTlsTest, NoKeyringIsOneFailureNotOnePerHost) {
  in_.tls->keyring = false;
  in_.tls->psk_identities.clear();
  Findings f = run_checks(in_);
  expect(f, "tls-keyring-missing", "port 1");
  EXPECT_FALSE(f.has("tls-host-without-psk"));
}

TEST_F(DoctorTlsTest, APortWithoutTlsIsNotJudged) {
  in_.live->target.ports.back().attrs["addr_tsas"] = "none";
  in_.tls->keyring = false;
  in_.tls->handshake_daemons.clear();
  Findings f = run_checks(in_);
  EXPECT_FALSE(f.has("tls-keyring-missing"));
  EXPECT_FALSE(f.has("tls-no-handshake-daemon"));
  EXPECT_FALSE(f.has("tls-ok"));
}

}  // namespace
}  // namespace nvmetctl::doctor
