#include <gtest/gtest.h>

#include "engine_fixture.h"
#include "nvmetctl/net/tcp_sockets.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::EngineFixture;
using testing_support::parse_ok;
using testing_support::TempDir;

// A process (inode 31337) listens on 127.0.0.1:4420, the kernel (inode 5555,
// held by no process, like nvmet-tcp) on 0.0.0.0:4421, and one connection is
// established.
const char* kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 0100007F:1144 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0 100 0 0 10 0\n"
    "   1: 00000000:1145 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5555 1 0 100 0 0 10 0\n"
    "   2: 0100007F:1145 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 0 1 0 20 4 30 10 -1\n";
// A process listens on [::]:4422 (IPv6 wildcard).
const char* kTcp6 =
    "  sl  local_address                         remote_address                        st tx_queue rx_queue tr "
    "tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000000000000:1146 00000000000000000000000000000000:0000 0A 00000000:00000000 "
    "00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0\n";

struct ProcTree {
  ProcTree() {
    dir.write("net/tcp", kTcp);
    dir.write("net/tcp6", kTcp6);
    dir.write("77/comm", "listener\n");
    dir.symlink("77/fd/3", "socket:[31337]");
    dir.symlink("77/fd/4", "/dev/null");
    dir.write("88/comm", "listener6\n");
    dir.symlink("88/fd/5", "socket:[4242]");
  }
  TempDir dir;
};

TEST(TcpSockets, ReadsStateInodeAndAddresses) {
  ProcTree proc;
  auto sockets = read_tcp_sockets(proc.dir.path());
  ASSERT_EQ(sockets.size(), 4u);
  EXPECT_EQ(sockets[0].local_address, "127.0.0.1");
  EXPECT_EQ(sockets[0].local_port, 4420);
  EXPECT_EQ(sockets[0].state, TcpState::Listen);
  EXPECT_EQ(sockets[0].inode, 31337u);
  EXPECT_EQ(sockets[2].state, TcpState::Established);
  EXPECT_TRUE(sockets[3].v6);
  EXPECT_EQ(sockets[3].local_address, "::");
  EXPECT_EQ(sockets[3].inode, 4242u);
}

SocketHolders all_holders(const ProcTree& proc, const std::vector<TcpSocket>& sockets) {
  return listener_holders(proc.dir.path(), sockets, {4420, 4421, 4422});
}

TEST(TcpSockets, ListenerHoldersAreTheProcessesHoldingListeningSockets) {
  ProcTree proc;
  auto sockets = read_tcp_sockets(proc.dir.path());
  EXPECT_EQ(all_holders(proc, sockets),
            (SocketHolders{{31337, "listener (pid 77)"}, {4242, "listener6 (pid 88)"}}))
      << "the kernel's socket 5555 is held by no process";
}

TEST(TcpSockets, AProcessListenerOnTheSameAddressOrAWildcardConflicts) {
  ProcTree proc;
  auto sockets = read_tcp_sockets(proc.dir.path());
  SocketHolders holders = all_holders(proc, sockets);
  auto exact = find_process_listener(sockets, holders, "127.0.0.1", 4420);
  ASSERT_TRUE(exact);
  EXPECT_TRUE(exact->certain);
  EXPECT_EQ(exact->listener.inode, 31337u);
  EXPECT_EQ(exact->holder, "listener (pid 77)");
  auto wildcard_port = find_process_listener(sockets, holders, "0.0.0.0", 4420);
  ASSERT_TRUE(wildcard_port);
  EXPECT_TRUE(wildcard_port->certain);
  EXPECT_FALSE(find_process_listener(sockets, holders, "10.0.0.1", 4420)) << "another IPv4 address is free";
  EXPECT_FALSE(find_process_listener(sockets, holders, "127.0.0.1", 4423)) << "another port is free";
}

TEST(TcpSockets, KernelListenersAreNeverBlamedOnAProcess) {
  ProcTree proc;
  auto sockets = read_tcp_sockets(proc.dir.path());
  EXPECT_FALSE(find_process_listener(sockets, all_holders(proc, sockets), "127.0.0.1", 4421));
}

TEST(TcpSockets, AnIpv6WildcardOverAnIpv4AddressIsOnlyLikely) {
  ProcTree proc;
  auto sockets = read_tcp_sockets(proc.dir.path());
  SocketHolders holders = all_holders(proc, sockets);
  auto v4 = find_process_listener(sockets, holders, "127.0.0.1", 4422);
  ASSERT_TRUE(v4);
  EXPECT_FALSE(v4->certain);
  EXPECT_EQ(socket_address_text(v4->listener), "[::]:4422");
  auto v6 = find_process_listener(sockets, holders, "::1", 4422);
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->certain);
}

TEST(TcpSockets, ListenerHoldersOfOnePortLeaveOtherPortsOut) {
  ProcTree proc;
  auto sockets = read_tcp_sockets(proc.dir.path());
  EXPECT_EQ(listener_holders(proc.dir.path(), sockets, {4422}), (SocketHolders{{4242, "listener6 (pid 88)"}}));
  EXPECT_TRUE(listener_holders(proc.dir.path(), sockets, {4421}).empty()) << "only the kernel listens there";
}

TEST(TcpSockets, OneWalkFindsEveryWantedSocket) {
  ProcTree proc;
  proc.dir.symlink("77/fd/6", "socket:[4242]");  // shared with pid 88: the first holder found names it
  SocketHolders holders = processes_holding_sockets(proc.dir.path(), {31337, 4242, 5555});
  ASSERT_EQ(holders.size(), 2u) << testing::PrintToString(holders);
  EXPECT_EQ(holders.at(31337), "listener (pid 77)");
  EXPECT_TRUE(holders.at(4242) == "listener (pid 77)" || holders.at(4242) == "listener6 (pid 88)");
  EXPECT_FALSE(holders.count(5555));
}

TEST(TcpSockets, NamesTheProcessHoldingTheSocket) {
  ProcTree proc;
  EXPECT_EQ(processes_holding_sockets(proc.dir.path(), {31337}), (SocketHolders{{31337, "listener (pid 77)"}}));
  EXPECT_TRUE(processes_holding_sockets(proc.dir.path(), {5555}).empty()) << "no process holds the kernel's socket";
}

TEST(TcpSockets, ServiceNumbersAreTcpPorts) {
  EXPECT_EQ(parse_tcp_service("4420"), std::optional<std::uint16_t>(4420));
  EXPECT_EQ(parse_tcp_service("65535"), std::optional<std::uint16_t>(65535));
  EXPECT_FALSE(parse_tcp_service("0"));
  EXPECT_FALSE(parse_tcp_service("65536"));
  EXPECT_FALSE(parse_tcp_service(""));
}

const char* kTcpPort =
    "version: 1\n"
    "subsystems:\n  - nqn: nqn.s\n    allow_any_host: true\n"
    "ports:\n  - id: 1\n    trtype: tcp\n    traddr: 127.0.0.1\n    trsvcid: 4420\n    subsystems: [nqn.s]\n";

TEST(TcpSockets, PlanRefusesAPortWhoseAddressAProcessHolds) {
  ProcTree proc;
  EngineFixture f;
  f.ctx.paths.proc = proc.dir.path();
  Plan plan = f.plan(parse_ok(kTcpPort));
  ASSERT_TRUE(plan.blocked());
  std::string message = plan.problems.all()[0].format();
  EXPECT_NE(message.find("listener (pid 77) listens on 127.0.0.1:4420"), std::string::npos) << message;
  EXPECT_NE(message.find("EADDRINUSE"), std::string::npos) << message;
  EXPECT_EQ(f.apply(parse_ok(kTcpPort)).status, ApplyStatus::Blocked);
  EXPECT_EQ(f.fs.mutations(), 0) << "nothing is touched";
}

TEST(TcpSockets, APortWithoutSubsystemsBindsNothingAndIsNotRefused) {
  ProcTree proc;
  EngineFixture f;
  f.ctx.paths.proc = proc.dir.path();
  Plan plan = f.plan(parse_ok("version: 1\nports:\n  - id: 1\n    trtype: tcp\n    traddr: 127.0.0.1\n"
                              "    trsvcid: 4420\n"));
  EXPECT_FALSE(plan.blocked());
}

TEST(TcpSockets, AnIpv6WildcardListenerIsAWarningNotARefusal) {
  ProcTree proc;
  EngineFixture f;
  f.ctx.paths.proc = proc.dir.path();
  std::string yaml = kTcpPort;
  yaml.replace(yaml.find("4420"), 4, "4422");
  Plan plan = f.plan(parse_ok(yaml));
  EXPECT_FALSE(plan.blocked());
  ASSERT_FALSE(plan.problems.all().empty());
  EXPECT_NE(plan.problems.all()[0].format().find("IPv6-only"), std::string::npos);
}

}  // namespace
}  // namespace nvmetctl
