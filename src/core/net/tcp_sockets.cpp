#include "nvmetctl/net/tcp_sockets.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nvmetctl/net/ip_address.h"
#include "nvmetctl/util/parse_number.h"

namespace nvmetctl {
namespace {

// /proc/net/tcp prints each 32-bit word of an address as the hex of its
// in-memory value: copy the words back as they are.
std::optional<std::string> proc_address(const std::string& hex, bool v6) {
  std::size_t words = v6 ? 4 : 1;
  if (hex.size() != words * 8) return std::nullopt;
  unsigned char bytes[16] = {};
  for (std::size_t i = 0; i < words; ++i) {
    auto word = parse_number<std::uint32_t>(std::string_view(hex).substr(i * 8, 8), 16);
    if (!word) return std::nullopt;
    std::memcpy(bytes + i * 4, &*word, 4);
  }
  char text[INET6_ADDRSTRLEN] = {};
  if (!inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, text, sizeof text)) return std::nullopt;
  std::string out = text;
  if (v6 && out.rfind("::ffff:", 0) == 0 && out.find('.') != std::string::npos) out = out.substr(7);
  return out;
}

std::optional<std::uint16_t> proc_port(const std::string& hex) {
  return parse_number<std::uint16_t>(hex, 16);
}

TcpState proc_state(const std::string& hex) {
  if (hex == "01") return TcpState::Established;
  if (hex == "0A") return TcpState::Listen;
  return TcpState::Other;
}

}  // namespace

std::vector<TcpSocket> read_tcp_sockets(const std::string& proc_root) {
  std::vector<TcpSocket> out;
  for (bool v6 : {false, true}) {
    std::ifstream in(proc_root + (v6 ? "/net/tcp6" : "/net/tcp"));
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      // sl local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
      unsigned long inode = 0;
      if (!(fields >> slot >> local >> remote >> state)) continue;
      // Without a readable inode the socket counts as the kernel's: never blamed on a process.
      if (!(fields >> queues >> timer >> retransmits >> uid >> timeout >> inode)) inode = 0;
      auto lcolon = local.find(':');
      auto rcolon = remote.find(':');
      if (lcolon == std::string::npos || rcolon == std::string::npos) continue;
      auto laddr = proc_address(local.substr(0, lcolon), v6);
      auto raddr = proc_address(remote.substr(0, rcolon), v6);
      auto lport = proc_port(local.substr(lcolon + 1));
      if (!laddr || !raddr || !lport) continue;
      TcpSocket s;
      s.local_address = *laddr;
      s.remote_address = *raddr;
      s.local_port = *lport;
      s.state = proc_state(state);
      s.v6 = v6;
      s.inode = inode;
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::optional<std::uint16_t> parse_tcp_service(const std::string& trsvcid) {
  unsigned long service = std::strtoul(trsvcid.c_str(), nullptr, 10);
  if (service == 0 || service > 0xffff) return std::nullopt;
  return static_cast<std::uint16_t>(service);
}

SocketHolders listener_holders(const std::string& proc_root, const std::vector<TcpSocket>& sockets,
                               const std::set<std::uint16_t>& ports) {
  std::set<unsigned long> inodes;
  for (const TcpSocket& s : sockets)
    if (s.state == TcpState::Listen && s.inode != 0 && ports.count(s.local_port)) inodes.insert(s.inode);
  return processes_holding_sockets(proc_root, inodes);
}

std::optional<ListenerConflict> find_process_listener(const std::vector<TcpSocket>& sockets,
                                                      const SocketHolders& holders, const std::string& traddr,
                                                      std::uint16_t port) {
  auto wanted = parse_ip_address(traddr);
  if (!wanted) return std::nullopt;
  std::optional<ListenerConflict> uncertain;
  for (const TcpSocket& s : sockets) {
    if (s.state != TcpState::Listen || s.local_port != port) continue;
    auto holder = holders.find(s.inode);
    if (holder == holders.end()) continue;  // the kernel's own listener, or gone
    auto held = parse_ip_address(s.local_address);
    if (!held) continue;
    if (held->family == wanted->family) {
      if (held->same_address(*wanted) || held->is_wildcard() || wanted->is_wildcard())
        return ListenerConflict{s, holder->second, true};
    } else if ((held->family == IpFamily::V6 && held->is_wildcard()) ||
               (wanted->family == IpFamily::V6 && wanted->is_wildcard())) {
      if (!uncertain) uncertain = ListenerConflict{s, holder->second, false};
    }
  }
  return uncertain;
}

std::string socket_address_text(const TcpSocket& socket) {
  return address_and_port(socket.local_address, std::to_string(socket.local_port));
}

// One walk over every process's descriptors, however many sockets are
// wanted: on a busy node that walk is thousands of readlinks, and the
// kernel's own listeners (never found) would make each search a full walk.
SocketHolders processes_holding_sockets(const std::string& proc_root, const std::set<unsigned long>& inodes) {
  namespace fs = std::filesystem;
  SocketHolders holders;
  if (inodes.empty()) return holders;
  // Processes come and go during the walk: every step takes an error code
  // instead of throwing.
  std::error_code ec;
  for (fs::directory_iterator entry(proc_root, ec), end; !ec && entry != end; entry.increment(ec)) {
    std::string pid = entry->path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code fd_ec;
    std::string name;
    for (fs::directory_iterator fd(entry->path() / "fd", fd_ec); !fd_ec && fd != end; fd.increment(fd_ec)) {
      std::error_code link_ec;
      std::string link = fs::read_symlink(fd->path(), link_ec).string();
      if (link.rfind("socket:[", 0) != 0) continue;
      unsigned long inode = std::strtoul(link.c_str() + 8, nullptr, 10);
      if (!inodes.count(inode) || holders.count(inode)) continue;
      if (name.empty()) {
        std::ifstream comm(entry->path() / "comm");
        std::getline(comm, name);
        name = name.empty() ? "pid " + pid : name + " (pid " + pid + ")";
      }
      holders[inode] = name;
      if (holders.size() == inodes.size()) return holders;
    }
  }
  return holders;
}

}  // namespace nvmetctl
