#include "nvmetctl/doctor/log_events.h"

#include <gtest/gtest.h>

namespace nvmetctl::doctor {
namespace {

std::vector<LogEvent> parse(std::initializer_list<std::string> texts) {
  std::vector<KernelLogLine> lines;
  std::uint64_t t = 1000000;
  for (const auto& text : texts) lines.push_back({t += 1000, 3, text});
  return parse_log_events(lines);
}

TEST(DoctorLogEvents, TiesRdmaBindFailuresToAddressPortAndErrno) {
  auto events = parse({"nvmet_rdma: binding CM ID to 10.111.0.1:4420 failed (-19)",
                       "nvmet_rdma: binding CM ID to fd00::1:4421 failed (-99)"});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, LogEventKind::RdmaBindFailed);
  EXPECT_EQ(events[0].address, "10.111.0.1");
  EXPECT_EQ(events[0].service, "4420");
  EXPECT_EQ(events[0].errnum, 19);
  EXPECT_EQ(events[1].address, "fd00::1");
  EXPECT_EQ(events[1].service, "4421");
  EXPECT_EQ(events[1].errnum, 99);
}

TEST(DoctorLogEvents, TlsNotStartedCarriesItsErrnoEvenWhenHostile) {
  auto events = parse({"nvmet_tcp: failed to start TLS, err=-3", "nvmet_tcp: failed to start TLS, err=-99999999999999999999"});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, LogEventKind::TlsNotStarted);
  EXPECT_EQ(events[0].errnum, 3);
  EXPECT_EQ(events[1].errnum, 1);  // out of range: no errno, no crash
}

// The patterns are std::regex, which recurses per character: a line far
// longer than any kernel record (a --kmsg file) must not reach them.
TEST(DoctorLogEvents, ALineLongerThanAnyKernelRecordIsNoEvent) {
  auto events = parse({"nvmet_rdma: binding CM ID to " + std::string(300000, 'a') + ":4420 failed (-19)",
                       "nvmet: transport type 1 not supported"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, LogEventKind::TransportNotSupported);
}

TEST(DoctorLogEvents, TransportPortAndDeviceLines) {
  auto events = parse({"nvmet: transport type 1 not supported",
                       "nvmet: Disable port '3' before changing attribute in nvmet_addr_traddr_store",
                       "nvmet: failed to open block device /dev/does-not-exist: (-2)",
                       "nvmet: failed to open block device (null): (-22)",
                       "nvmet: failed to open file /tmp/f.img: (-22)",
                       "nvmet_tcp: failed to bind port socket -98",
                       "unrelated line about eth0"});
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0].kind, LogEventKind::TransportNotSupported);
  EXPECT_EQ(events[0].number, 1);
  EXPECT_EQ(events[1].kind, LogEventKind::PortEnabledRefused);
  EXPECT_EQ(events[1].number, 3);
  EXPECT_EQ(events[1].attribute, "addr_traddr");
  EXPECT_EQ(events[2].path, "/dev/does-not-exist");
  EXPECT_EQ(events[2].errnum, 2);
  EXPECT_EQ(events[3].path, "");
  EXPECT_EQ(events[3].errnum, 22);
  EXPECT_EQ(events[4].kind, LogEventKind::FileOpenFailed);
  EXPECT_EQ(events[5].kind, LogEventKind::TcpBindFailed);
  EXPECT_EQ(events[5].errnum, 98);
}

TEST(DoctorLogEvents, ModuleLoaderMessagesNameTheModule) {
  auto events = parse({"mlx_compat: exports duplicate symbol ib_register_device (owned by ib_core)",
                       "nvmet_rdma: disagrees about version of symbol rdma_create_id",
                       "nvmet_rdma: Unknown symbol ib_drain_qp (err -22)",
                       "Loading of unsigned module is rejected",
                       "Lockdown: modprobe: unsigned module loading is restricted; see man kernel_lockdown.7"});
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].kind, LogEventKind::SymbolClash);
  EXPECT_EQ(events[0].module, "mlx_compat");
  EXPECT_EQ(events[0].symbol, "ib_register_device");
  EXPECT_EQ(events[0].detail, "ib_core");
  EXPECT_EQ(events[1].module, "nvmet_rdma");
  EXPECT_EQ(events[1].detail, "disagrees about version");
  EXPECT_EQ(events[2].symbol, "ib_drain_qp");
  EXPECT_EQ(events[3].kind, LogEventKind::ModuleSignatureRejected);
  EXPECT_EQ(events[3].detail, "unsigned module");
  EXPECT_EQ(events[4].kind, LogEventKind::ModuleSignatureRejected);
}

TEST(DoctorLogEvents, ConnectRefusals) {
  auto events = parse({"nvmet: connect by host nqn.h1 for subsystem nqn.s1 not allowed",
                       "nvmet: connect request for invalid subsystem nqn.s2!"});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].detail, "nqn.h1");
  EXPECT_EQ(events[0].subsystem, "nqn.s1");
  EXPECT_EQ(events[1].subsystem, "nqn.s2");
}

}  // namespace
}  // namespace nvmetctl::doctor
