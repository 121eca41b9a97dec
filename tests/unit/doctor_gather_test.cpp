// The whole doctor pipeline over the engine's fakes: gather, check, report.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "fake_nvmet_fs.h"
#include "nvmetctl/doctor/doctor.h"
#include "nvmetctl/engine/engine.h"
#include "module_loader_fake.h"
#include "network_info_fake.h"
#include "psk_keyring_fake.h"
#include "temp_dir.h"
#include "rdma_links_fake.h"

namespace nvmetctl::doctor {
namespace {

constexpr const char* kNqn = "nqn.2014-08.org.nvmexpress:gather";

class DoctorGatherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    modules_.add_nvmet_modules().set_loaded("configfs").set_loaded("nvmet").set_loaded("ib_core").set_loaded(
        "nvmet-rdma");
    rdma_.add_netdev("eth0");
    network_.add_interface("lo", {"127.0.0.1/8"}).add_interface("eth0", {"10.0.0.1/24"});
    NvmetLayout l = fs_.layout();
    ASSERT_TRUE(fs_.make_dir(l.subsystem(kNqn)));
    ASSERT_TRUE(fs_.write(l.subsystem(kNqn) + "/attr_allow_any_host", "1"));
    ASSERT_TRUE(fs_.make_dir(l.namespace_dir(kNqn, 1)));
    ASSERT_TRUE(fs_.write(l.namespace_dir(kNqn, 1) + "/device_path", directory_));
    ASSERT_TRUE(fs_.make_dir(l.port(1)));
    ASSERT_TRUE(fs_.write(l.port(1) + "/addr_trtype", "rdma"));
    ASSERT_TRUE(fs_.write(l.port(1) + "/addr_adrfam", "ipv4"));
    ASSERT_TRUE(fs_.write(l.port(1) + "/addr_traddr", "10.0.0.1"));
    ASSERT_TRUE(fs_.write(l.port(1) + "/addr_trsvcid", "4420"));
    paths_.configfs = "/cfg";
    paths_.kmsg = "/nonexistent/kmsg";
  }

  EngineContext context() {
    EngineContext ctx{paths_, fs_, &modules_, &rdma_, &network_, nullptr, nullptr};
    return ctx;
  }

  const std::string directory_ = ::testing::TempDir();  // a directory is no namespace device
  SystemPaths paths_;
  FakeNvmetFs fs_{"/cfg"};
  FakeModuleLoader modules_;
  FakeRdmaLinks rdma_;
  FakeNetworkInfo network_;
};

TEST_F(DoctorGatherTest, LiveProblemsFromTheFakes) {
  EngineContext ctx = context();
  DoctorInputs in = gather_inputs(ctx, "");
  EXPECT_TRUE(in.configfs_mounted);
  ASSERT_TRUE(in.live.has_value());
  ASSERT_TRUE(in.rdma_devices.has_value());
  EXPECT_TRUE(in.devices.count(directory_));
  Findings f = run_checks(in);
  EXPECT_TRUE(f.has_failures());
  const Finding* rdma = f.find("rdma-no-device", "port 1");
  ASSERT_NE(rdma, nullptr) << format_findings(f, true);
  EXPECT_NE(rdma->fix.find("rdma link add rxe_eth0 type rxe netdev eth0"), std::string::npos);
  const Finding* device = f.find("namespace-device-not-usable", std::string("namespace 1 of ") + kNqn);
  ASSERT_NE(device, nullptr) << format_findings(f, true);
  EXPECT_NE(device->what.find("is a directory"), std::string::npos) << device->what;
  EXPECT_TRUE(f.has("kernel-log-unreadable"));
}

TEST_F(DoctorGatherTest, FilePreflightAndDrift) {
  std::string file = ::testing::TempDir() + "doctor_gather_target.yaml";
  {
    std::ofstream out(file);
    out << "version: 1\n"
           "rdma_links:\n"
           "  - {name: rxe_eth0, type: rxe, netdev: eth0}\n"
           "subsystems:\n"
           "  - nqn: " << kNqn << "\n"
           "    allow_any_host: true\n"
           "ports:\n"
           "  - {id: 1, trtype: rdma, adrfam: ipv4, traddr: 10.0.0.1, trsvcid: 4420, subsystems: ["
        << kNqn << "]}\n";
  }
  EngineContext ctx = context();
  DoctorInputs in = gather_inputs(ctx, file);
  ASSERT_TRUE(in.desired.has_value()) << in.file_problems.all().size();
  ASSERT_TRUE(in.plan.has_value()) << in.plan_error;
  Findings f = run_checks(in);
  // The file's rdma link covers the port: no pre-flight failure for it, but
  // the live port, today, has no device. Both would carry this id and object.
  int rdma_findings = 0;
  for (const Finding& each : f.all())
    if (each.id == "rdma-no-device" && each.object == "port 1") ++rdma_findings;
  EXPECT_EQ(rdma_findings, 1) << format_findings(f, true);
  const Finding* rdma = f.find("rdma-no-device", "port 1");
  ASSERT_NE(rdma, nullptr);
  EXPECT_NE(rdma->what.find("linking a subsystem fails"), std::string::npos);
  EXPECT_EQ(rdma->what.find("file creates no rdma link"), std::string::npos);
  const Finding* drift = f.find("drift", "file " + file);
  ASSERT_NE(drift, nullptr) << format_findings(f, true);
  bool link_pending = false;
  for (const auto& e : drift->evidence) link_pending |= e.find("link missing") != std::string::npos;
  EXPECT_TRUE(link_pending);
  std::remove(file.c_str());
}


TEST_F(DoctorGatherTest, KernelLogFromAKmsgFileIsTiedToThePort) {
  std::string kmsg = ::testing::TempDir() + "doctor_gather_kmsg";
  {
    std::ofstream out(kmsg);
    out << "6,100,70731955,-;nvmet_rdma: binding CM ID to 10.0.0.1:4420 failed (-19)\n"
           "6,101,70800000,-;unrelated: something else\n";
  }
  KernelLog log(kmsg);
  ASSERT_TRUE(log.available());
  EngineContext ctx{paths_, fs_, &modules_, &rdma_, &network_, nullptr, &log};
  Findings f = run_checks(gather_inputs(ctx, ""));
  const Finding* rdma = f.find("rdma-no-device", "port 1");
  ASSERT_NE(rdma, nullptr);
  EXPECT_FALSE(f.has("kernel-log-unreadable"));
  bool tied = false;
  for (const auto& e : rdma->evidence) tied |= e == "kernel log: [   70.731955] nvmet_rdma: binding CM ID to 10.0.0.1:4420 failed (-19)";
  EXPECT_TRUE(tied);
  std::remove(kmsg.c_str());
}

// A TLS port: the keyring's psk identities and the processes named tlshd
// are gathered; other processes and other key types are not.
TEST_F(DoctorGatherTest, TlsPortGathersKeyringIdentitiesAndHandshakeDaemons) {
  NvmetLayout l = fs_.layout();
  ASSERT_TRUE(fs_.make_dir(l.port(2)));
  ASSERT_TRUE(fs_.write(l.port(2) + "/addr_trtype", "tcp"));
  ASSERT_TRUE(fs_.write(l.port(2) + "/addr_tsas", "tls1.3"));
  testing_support::TempDir proc;
  proc.write("77/comm", "tlshd\n");
  proc.write("78/comm", "sshd\n");
  proc.write("self/comm", "tlshd\n");
  paths_.proc = proc.path();
  FakePskKeyring keyring;
  keyring.preload("psk", "NVMe0R01 nqn.host-a " + std::string(kNqn), SecretBytes({1, 2}));
  keyring.preload("user", "something else", SecretBytes({3}));
  EngineContext ctx = context();
  ctx.keyring = &keyring;
  DoctorInputs in = gather_inputs(ctx, "");
  ASSERT_TRUE(in.tls.has_value());
  EXPECT_TRUE(in.tls->keyring);
  EXPECT_EQ(in.tls->psk_identities, (std::set<std::string>{"NVMe0R01 nqn.host-a " + std::string(kNqn)}));
  EXPECT_EQ(in.tls->handshake_daemons, std::vector<std::string>{"tlshd (pid 77)"});
  EXPECT_TRUE(keyring.reads().empty()) << "the doctor never reads a key";
}

TEST_F(DoctorGatherTest, NoTlsPortNoTlsFacts) {
  FakePskKeyring keyring;
  EngineContext ctx = context();
  ctx.keyring = &keyring;
  EXPECT_FALSE(gather_inputs(ctx, "").tls.has_value());
}

}  // namespace
}  // namespace nvmetctl::doctor
