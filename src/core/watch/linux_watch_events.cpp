// The agent's wake-ups from the kernel, multiplexed with epoll: rtnetlink
// (links and addresses), uevents (block devices, from the kernel and from
// udev once it made its /dev/disk links; RDMA devices, whose class device
// announces itself there on every kernel, while RDMA netlink's own monitor
// group only came with 6.9), inotify on the file's directory
// and a signalfd. No polling: an idle agent sleeps in epoll_wait.
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>

#include <libmnl/libmnl.h>

#include "nvmetctl/util/unique_fd.h"
#include "nvmetctl/watch/watch_events.h"

namespace nvmetctl {
namespace {

// udev's own multicast group on NETLINK_KOBJECT_UEVENT, beside the kernel's (1).
constexpr unsigned kKernelUevents = 1, kUdevUevents = 2;


class LinuxWatchEvents final : public WatchEvents {
 public:
  std::vector<WatchEvent> wait(std::optional<std::chrono::milliseconds> timeout) override {
    std::array<epoll_event, 8> ready{};
    int ms = timeout ? static_cast<int>(std::min<long long>(timeout->count(), 24LL * 3600 * 1000)) : -1;
    int n = ::epoll_wait(epoll_.get(), ready.data(), static_cast<int>(ready.size()), ms);
    std::vector<WatchEvent> out;
    auto add = [&](WatchEvent e) {
      if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
    };
    for (int i = 0; i < n; ++i) {
      int fd = ready[static_cast<std::size_t>(i)].data.fd;
      if (fd == mnl_socket_get_fd(route_)) {
        if (drain(fd)) add(WatchEvent::Network);
      } else if (fd == uevents_.get()) {
        UeventKinds kinds = drain_uevents();
        if (kinds.block) add(WatchEvent::Device);
        if (kinds.rdma) add(WatchEvent::RdmaDevice);
      } else if (fd == inotify_.get()) {
        bool device = false;
        if (drain_inotify(device)) add(WatchEvent::FileChanged);
        if (device) add(WatchEvent::Device);
      } else if (fd == signals_.get()) {
        signalfd_siginfo info{};
        while (::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info))
          add(info.ssi_signo == SIGHUP ? WatchEvent::Reload : WatchEvent::Stop);
      }
    }
    return out;
  }

  ~LinuxWatchEvents() override {
    if (route_) mnl_socket_close(route_);
    ::sigprocmask(SIG_UNBLOCK, &blocked_, nullptr);
  }

  Expected<void> open(const std::string& file) {
    epoll_ = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
    if (epoll_.get() < 0) return sys_error(errno, "epoll_create1", "");
    route_ = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (!route_) return sys_error(errno, "open", "rtnetlink socket");
    if (mnl_socket_bind(route_, RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR, MNL_SOCKET_AUTOPID) < 0)
      return sys_error(errno, "bind", "rtnetlink socket");
    uevents_ = UniqueFd(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT));
    if (uevents_.get() < 0) return sys_error(errno, "open", "uevent socket");
    sockaddr_nl address{};
    address.nl_family = AF_NETLINK;
    address.nl_groups = kKernelUevents | kUdevUevents;
    if (::bind(uevents_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0)
      return sys_error(errno, "bind", "uevent socket");
    inotify_ = UniqueFd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (inotify_.get() < 0) return sys_error(errno, "inotify_init1", "");
    std::filesystem::path path(file);
    name_ = path.filename().string();
    std::string directory = path.has_parent_path() ? path.parent_path().string() : ".";
    file_watch_ = ::inotify_add_watch(inotify_.get(), directory.c_str(),
                                      IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM);
    if (file_watch_ < 0) return sys_error(errno, "watch", directory);
    sigemptyset(&blocked_);
    for (int signal : {SIGTERM, SIGINT, SIGQUIT, SIGHUP}) sigaddset(&blocked_, signal);
    if (::sigprocmask(SIG_BLOCK, &blocked_, nullptr) < 0) return sys_error(errno, "sigprocmask", "");
    signals_ = UniqueFd(::signalfd(-1, &blocked_, SFD_NONBLOCK | SFD_CLOEXEC));
    if (signals_.get() < 0) return sys_error(errno, "signalfd", "");
    for (int fd : {mnl_socket_get_fd(route_), uevents_.get(), inotify_.get(), signals_.get()}) {
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.fd = fd;
      if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) < 0) return sys_error(errno, "epoll_ctl", "");
    }
    return {};
  }

 private:
  static bool drain(int fd) {
    std::array<char, 16384> buffer{};
    bool any = false;
    while (::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT) > 0) any = true;
    return any;
  }

  struct UeventKinds {
    bool block = false, rdma = false;
  };
  // Only block and RDMA devices matter; the kernel's and udev's messages
  // both carry "SUBSYSTEM=..." as text.
  UeventKinds drain_uevents() {
    std::array<char, 16384> buffer{};
    UeventKinds kinds;
    ssize_t n;
    auto carries = [&](std::string_view text) {
      return ::memmem(buffer.data(), static_cast<std::size_t>(n), text.data(), text.size()) != nullptr;
    };
    while ((n = ::recv(uevents_.get(), buffer.data(), buffer.size(), MSG_DONTWAIT)) > 0) {
      kinds.block = kinds.block || carries("SUBSYSTEM=block");
      kinds.rdma = kinds.rdma || carries("SUBSYSTEM=infiniband");
    }
    return kinds;
  }

  // True when the target file changed; `device` when a directory of a
  // device waited for did.
  bool drain_inotify(bool& device) {
    alignas(inotify_event) std::array<char, 8192> buffer{};
    bool ours = false;
    ssize_t n;
    while ((n = ::read(inotify_.get(), buffer.data(), buffer.size())) > 0) {
      for (ssize_t at = 0; at < n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + at);
        if (event->wd == file_watch_) {
          if (event->len > 0 && name_ == event->name) ours = true;
        } else if (device_watches_.count(event->wd)) {
          device = true;
        }
        at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      }
    }
    return ours;
  }

 public:
  // The nearest existing directory of each path: /dev/disk/by-id may not
  // exist yet either, then /dev/disk or /dev tells when it comes.
  void watch_devices(const std::vector<std::string>& paths) override {
    std::set<std::string> directories;
    for (const std::string& path : paths) {
      std::filesystem::path dir = std::filesystem::path(path).parent_path();
      std::error_code ec;
      while (!dir.empty() && dir != dir.root_path() && !std::filesystem::is_directory(dir, ec)) dir = dir.parent_path();
      if (!dir.empty()) directories.insert(dir.string());
    }
    for (auto it = device_watches_.begin(); it != device_watches_.end();) {
      if (directories.count(it->second)) {
        directories.erase(it->second);
        ++it;
      } else {
        if (it->first != file_watch_) ::inotify_rm_watch(inotify_.get(), it->first);
        it = device_watches_.erase(it);
      }
    }
    for (const std::string& dir : directories) {
      int wd = ::inotify_add_watch(inotify_.get(), dir.c_str(), IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_ATTRIB);
      if (wd >= 0) device_watches_[wd] = dir;
    }
  }

 private:
  UniqueFd epoll_, uevents_, inotify_, signals_;
  mnl_socket* route_ = nullptr;
  std::string name_;
  int file_watch_ = -1;
  std::map<int, std::string> device_watches_;  // inotify wd -> directory
  sigset_t blocked_{};
};

}  // namespace

Expected<std::unique_ptr<WatchEvents>> make_linux_watch_events(const std::string& file) {
  auto events = std::make_unique<LinuxWatchEvents>();
  if (auto opened = events->open(file); !opened) return opened.error();
  return std::unique_ptr<WatchEvents>(std::move(events));
}

}  // namespace nvmetctl
