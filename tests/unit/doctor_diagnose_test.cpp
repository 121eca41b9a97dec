#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "nvmetctl/doctor/catalog.h"
#include "nvmetctl/doctor/doctor.h"
#include "nvmetctl/doctor/failure_explanation.h"
#include "network_info_fake.h"

namespace nvmetctl::doctor {
namespace {

std::vector<KernelLogLine> log_of(std::initializer_list<std::string> texts) {
  std::vector<KernelLogLine> lines;
  for (const auto& t : texts) lines.push_back({5000000, 3, t});
  return lines;
}

const std::string kLink = "/sys/kernel/config/nvmet/ports/1/subsystems/nqn.x";

TEST(DoctorDiagnose, RdmaLinkWithoutDeviceNamesTheInterface) {
  FakeNetworkInfo network;
  network.add_interface("lo", {"127.0.0.1/8"}).add_interface("nvmt0", {"10.111.0.1/24"});
  Operation op{OpKind::Symlink, kLink, "/sys/kernel/config/nvmet/subsystems/nqn.x", ""};
  Finding f = diagnose_failed_operation(op, sys_error(ENODEV, "symlink", kLink),
                                        log_of({"nvmet_rdma: binding CM ID to 10.111.0.1:4420 failed (-19)"}), &network);
  EXPECT_EQ(f.id, "rdma-no-device");
  EXPECT_EQ(f.object, "port 1");
  EXPECT_NE(f.fix.find("rdma link add rxe_nvmt0 type rxe netdev nvmt0"), std::string::npos) << f.fix;
  ASSERT_GE(f.evidence.size(), 2u);
  EXPECT_NE(f.evidence.back().find("(-19)"), std::string::npos);
}

TEST(DoctorDiagnose, PassthruEnableRefusedBecauseOfNamespaces) {
  const std::string enable = "/sys/kernel/config/nvmet/subsystems/nqn.x/passthru/enable";
  Operation op{OpKind::Write, enable, "1", ""};
  Finding f = diagnose_failed_operation(
      op, sys_error(EINVAL, "write", enable),
      log_of({"nvmet: cannot enable both passthru and regular namespaces for a single subsystem"}), nullptr);
  EXPECT_EQ(f.id, "passthru-with-namespaces");
  EXPECT_EQ(f.object, "subsystem nqn.x");
  EXPECT_NE(f.fix.find("rmdir /sys/kernel/config/nvmet/subsystems/nqn.x/namespaces/*"), std::string::npos) << f.fix;
}

TEST(DoctorDiagnose, TransportNotSupportedNamesTheModule) {
  Operation op{OpKind::Symlink, kLink, "", ""};
  Finding f = diagnose_failed_operation(op, sys_error(EINVAL, "symlink", kLink),
                                        log_of({"nvmet: transport type 1 not supported"}));
  EXPECT_EQ(f.id, "transport-module-missing");
  EXPECT_EQ(f.fix.rfind("modprobe nvmet-rdma", 0), 0u);
  Finding unset = diagnose_failed_operation(op, sys_error(EINVAL, "symlink", kLink),
                                            log_of({"nvmet: transport type 0 not supported"}));
  EXPECT_EQ(unset.id, "trtype-unset");
}

TEST(DoctorDiagnose, AddressNotLocal) {
  Operation op{OpKind::Symlink, kLink, "", ""};
  Finding f = diagnose_failed_operation(op, sys_error(EADDRNOTAVAIL, "symlink", kLink),
                                        log_of({"nvmet_rdma: binding CM ID to 10.9.9.9:4420 failed (-99)"}));
  EXPECT_EQ(f.id, "rdma-addr-not-local");
  EXPECT_NE(f.fix.find("ip addr add 10.9.9.9/24"), std::string::npos);
  Finding tcp = diagnose_failed_operation(op, sys_error(EADDRNOTAVAIL, "symlink", kLink),
                                          log_of({"nvmet_tcp: failed to bind port socket -99"}));
  EXPECT_EQ(tcp.id, "tcp-addr-not-local");
}

TEST(DoctorDiagnose, FcLinkWithoutOrWithATakenTargetPort) {
  Operation op{OpKind::Symlink, kLink, "", "nn-0x20000090fa0000ff:pn-0x10000090fa0000ff"};
  Finding missing = diagnose_failed_operation(op, sys_error(ENXIO, "symlink", kLink), {});
  EXPECT_EQ(missing.id, "fc-target-port-missing");
  EXPECT_EQ(missing.what, "no FC target port has nn-0x20000090fa0000ff:pn-0x10000090fa0000ff on this node");
  EXPECT_NE(missing.fix.find("add_target_port"), std::string::npos) << missing.fix;
  Finding taken = diagnose_failed_operation(op, sys_error(EALREADY, "symlink", kLink), {});
  EXPECT_EQ(taken.id, "fc-target-port-taken");
}

// The rollback removes a port this run made before the failure is explained:
// the address comes from the plan's own write.
TEST(FailureExplanation, PortLinkNamesTheTraddrThePlanWrote) {
  Plan plan;
  const std::string port = "/nonexistent/nvmet/ports/3";
  plan.steps.push_back({ChangeKind::Create, {OpKind::Mkdir, port, "", ""}, "port 3", {}, false, "", {}});
  plan.steps.push_back({ChangeKind::Create, {OpKind::Write, port + "/addr_trtype", "fc", ""}, "port 3", {}, false,
                        "", {}});
  plan.steps.push_back({ChangeKind::Create, {OpKind::Write, port + "/addr_traddr", "nn-0x1:pn-0x2", ""}, "port 3",
                        {}, false, "", {}});
  plan.steps.push_back({ChangeKind::Create, {OpKind::Symlink, port + "/subsystems/nqn.x", "/nonexistent/s", ""},
                        "port 3", {}, false, "", {}});
  FailureExplanation why =
      explain_failure(plan, 3, sys_error(ENXIO, "symlink", port + "/subsystems/nqn.x"), {}, SystemPaths{});
  EXPECT_EQ(why.cause.rfind("no FC target port has nn-0x1:pn-0x2 on this node", 0), 0u) << why.cause;
  EXPECT_TRUE(explain_failure(plan, 7, sys_error(ENXIO, "symlink", ""), {}, SystemPaths{}).cause.empty());
  // The same errno from a tcp port's link is no FC diagnosis.
  plan.steps[1].op.value = "tcp";
  EXPECT_TRUE(
      explain_failure(plan, 3, sys_error(ENXIO, "symlink", port + "/subsystems/nqn.x"), {}, SystemPaths{}).cause.empty());
}

TEST(DoctorDiagnose, NamespaceEnableFailures) {
  std::string enable = "/sys/kernel/config/nvmet/subsystems/nqn.x/namespaces/10/enable";
  Operation op{OpKind::Write, enable, "1", ""};
  Finding missing = diagnose_failed_operation(op, sys_error(ENOENT, "write", enable),
                                              log_of({"nvmet: failed to open block device /dev/nullb7: (-2)"}));
  EXPECT_EQ(missing.id, "namespace-device-missing");
  EXPECT_EQ(missing.object, "namespace 10 of nqn.x");
  EXPECT_NE(missing.what.find("/dev/nullb7"), std::string::npos);
  Finding empty = diagnose_failed_operation(op, sys_error(EINVAL, "write", enable),
                                            log_of({"nvmet: failed to open block device (null): (-22)"}));
  EXPECT_EQ(empty.id, "namespace-device-empty");
  Finding odirect = diagnose_failed_operation(op, sys_error(EINVAL, "write", enable),
                                              log_of({"nvmet: failed to open file /tmp/x.img: (-22)"}));
  EXPECT_EQ(odirect.id, "namespace-file-odirect");
  EXPECT_NE(odirect.fix.find("buffered_io"), std::string::npos);
}

TEST(DoctorDiagnose, EnabledPortRefusesAttribute) {
  std::string attr = "/sys/kernel/config/nvmet/ports/3/addr_traddr";
  Operation op{OpKind::Write, attr, "10.0.0.2", ""};
  Finding f = diagnose_failed_operation(
      op, sys_error(EACCES, "write", attr),
      log_of({"nvmet: Disable port '3' before changing attribute in nvmet_addr_traddr_store"}));
  EXPECT_EQ(f.id, "port-enabled-attr-refused");
  EXPECT_EQ(f.object, "port 3");
}

TEST(DoctorDiagnose, UnknownFailureHasNoId) {
  Operation op{OpKind::Rmdir, "/x/y", "", ""};
  EXPECT_TRUE(diagnose_failed_operation(op, sys_error(ENOTEMPTY, "rmdir", "/x/y"), {}).id.empty());
}

TEST(DoctorDiagnose, ApplyExplanationComesFromTheDoctor) {
  Plan plan;
  plan.steps.push_back({ChangeKind::Create, {OpKind::Symlink, kLink, "", ""}, "port 1", {}, false, "", {}});
  FailureExplanation why = explain_failure(plan, 0, sys_error(EINVAL, "symlink", kLink),
                                           log_of({"nvmet: transport type 3 not supported"}), SystemPaths{});
  EXPECT_NE(why.cause.find("(doctor: transport-module-missing)"), std::string::npos) << why.cause;
  EXPECT_EQ(why.fix.rfind("modprobe nvmet-tcp", 0), 0u) << why.fix;
}

// --proc and --modules-dir count for apply's explanation too: the release
// and the module tree are the ones the run was pointed at.
TEST(DoctorDiagnose, ModuleExplanationReadsTheGivenPaths) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("nvmetctl-explain-" + std::to_string(::getpid()));
  fs::create_directories(root / "proc/sys/kernel");
  fs::create_directories(root / "modules");
  std::ofstream(root / "proc/sys/kernel/osrelease") << "9.9.9-explain\n";
  SystemPaths paths;
  paths.proc = (root / "proc").string();
  paths.modules_dir = (root / "modules").string();
  Plan plan;
  plan.steps.push_back({ChangeKind::Create, {OpKind::LoadModule, "nvmet-rdma", "", ""}, "module", {}, false, "", {}});
  FailureExplanation why = explain_failure(plan, 0, sys_error(ENOENT, "load module", "nvmet-rdma"), {}, paths);
  EXPECT_NE(why.cause.find("not available for kernel 9.9.9-explain"), std::string::npos) << why.cause;
  fs::remove_all(root);
}

// Every id in the doctor's sources is in the catalog, and every catalog id is used.
TEST(DoctorCatalog, MatchesTheSources) {
  std::string sources;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(NVMETCTL_SOURCE_DIR) + "/src/core/doctor")) {
    if (entry.path().filename() == "catalog.cpp") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    sources += text.str();
  }
  std::set<std::string> used;
  std::regex literal("\"([a-z0-9]+(?:-[a-z0-9]+)+)\"");
  for (auto it = std::sregex_iterator(sources.begin(), sources.end(), literal); it != std::sregex_iterator(); ++it)
    used.insert((*it)[1]);
  used.erase("non-zero");  // prose, not an id
  for (const auto& id : used) EXPECT_NE(find_finding_kind(id), nullptr) << id << " is not in the catalog";
  for (const auto& kind : finding_catalog()) {
    std::string quoted = "\"";  // built piecewise: GCC 12 warns (-Wrestrict, falsely) on "\"" + std::string
    quoted += kind.id;
    quoted += '"';
    EXPECT_NE(sources.find(quoted), std::string::npos) << kind.id << " is never reported";
  }
}

}  // namespace
}  // namespace nvmetctl::doctor
