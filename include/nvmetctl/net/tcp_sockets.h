#pragma once
// TCP sockets as <proc>/net/tcp and tcp6 list them. A listener that a
// process holds makes the kernel refuse a port on its address (EADDRINUSE).
// nvmet-tcp's own listeners are sockets the kernel made: they have an inode,
// but no process holds them.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nvmetctl {

enum class TcpState { Established = 0x01, Listen = 0x0A, Other = 0 };

struct TcpSocket {
  std::string local_address, remote_address;  // IPv4-mapped IPv6 shown as IPv4
  std::uint16_t local_port = 0;
  TcpState state = TcpState::Other;
  bool v6 = false;                             // from tcp6
  unsigned long inode = 0;                     // 0 when unknown
};

std::vector<TcpSocket> read_tcp_sockets(const std::string& proc_root);

// A port's trsvcid as a TCP port number; nullopt for 0 or out of range.
std::optional<std::uint16_t> parse_tcp_service(const std::string& trsvcid);

// inode -> "nc (pid 4242)", for listening sockets that a process holds.
using SocketHolders = std::map<unsigned long, std::string>;

// The holders of the sockets listening on any of `ports`, found in one walk
// over <proc>/*/fd. Sockets no process holds (the kernel's own) are absent.
SocketHolders listener_holders(const std::string& proc_root, const std::vector<TcpSocket>& sockets,
                               const std::set<std::uint16_t>& ports);

// The holders of these socket inodes, in one walk over <proc>/*/fd.
SocketHolders processes_holding_sockets(const std::string& proc_root, const std::set<unsigned long>& inodes);

// A process's listener that a port on traddr:port would collide with: the
// same address, or a wildcard on either side. `certain` is false when only
// an IPv6 wildcard covers an IPv4 address (that depends on IPV6_V6ONLY).
struct ListenerConflict {
  TcpSocket listener;
  std::string holder;  // "nc (pid 4242)"
  bool certain = true;
};
std::optional<ListenerConflict> find_process_listener(const std::vector<TcpSocket>& sockets,
                                                      const SocketHolders& holders, const std::string& traddr,
                                                      std::uint16_t port);

// "127.0.0.1:4420", "[::]:4420"
std::string socket_address_text(const TcpSocket& socket);

}  // namespace nvmetctl
