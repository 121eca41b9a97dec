#include "nvmetctl/status/status_sources.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "decimal_u32.h"
#include "nvmetctl/net/tcp_sockets.h"
#include "nvmetctl/util/block_device_sysfs.h"
#include "nvmetctl/util/sys_files.h"

namespace nvmetctl {
namespace {

namespace fs = std::filesystem;
using status_detail::parse_u32;

ConnectedController read_controller(const fs::path& dir, const std::string& nqn, std::uint32_t cntlid) {
  ConnectedController c;
  c.subsystem = nqn;
  c.cntlid = cntlid;
  std::uint32_t port = 0;
  if (auto text = sys_files::read_trimmed(dir / "port"); text && parse_u32(*text, port) && port <= 0xffff)
    c.port = static_cast<std::uint16_t>(port);
  c.hostnqn = sys_files::read_trimmed(dir / "hostnqn").value_or("");
  c.host_traddr = sys_files::read_trimmed(dir / "host_traddr").value_or("");
  c.state = sys_files::read_trimmed(dir / "state").value_or("");
  c.kato = sys_files::read_trimmed(dir / "kato").value_or("");
  return c;
}

}  // namespace

std::vector<TcpConnection> read_tcp_connections(const std::string& proc_root) {
  std::vector<TcpConnection> out;
  for (const TcpSocket& s : read_tcp_sockets(proc_root))
    if (s.state == TcpState::Established) out.push_back({s.local_address, s.remote_address, s.local_port});
  return out;
}

std::optional<std::uint64_t> backing_device_size(const std::string& path, const SystemPaths& paths) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return std::nullopt;
  if (S_ISREG(st.st_mode)) return static_cast<std::uint64_t>(st.st_size);
  if (!S_ISBLK(st.st_mode)) return std::nullopt;
  return block_device_bytes(paths, st.st_rdev);
}

std::vector<ConnectedController> read_connected_controllers(const std::string& debugfs_nvmet, const std::string& nqn) {
  std::vector<ConnectedController> out;
  std::error_code ec;
  fs::path dir = fs::path(debugfs_nvmet) / nqn;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    std::uint32_t cntlid = 0;
    if (name.rfind("ctrl", 0) != 0 || !parse_u32(name.substr(4), cntlid)) continue;
    out.push_back(read_controller(entry.path(), nqn, cntlid));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.cntlid < b.cntlid; });
  return out;
}

}  // namespace nvmetctl
