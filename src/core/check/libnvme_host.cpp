// FabricsHost over libnvme: connect, discovery log, identify, disconnect.
#include "nvmetctl/check/libnvme_host.h"


#include <fcntl.h>
#include <signal.h>
#include <sys/time.h>
#include <syslog.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

#include "nvmetctl/check/host_block_devices.h"
#include "nvmetctl/check/connect_errors.h"
#include "libnvme_api.h"

namespace nvmetctl {
namespace {

volatile sig_atomic_t g_connect_timed_out = 0;
void on_connect_alarm(int) { g_connect_timed_out = 1; }

// Arms a one-shot SIGALRM without SA_RESTART, so a connect blocked in the
// kernel returns EINTR instead of waiting out TCP's own retries.
class ConnectDeadline {
 public:
  explicit ConnectDeadline(double seconds) {
    g_connect_timed_out = 0;
    struct sigaction action{};
    action.sa_handler = on_connect_alarm;
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, &previous_);
    itimerval timer{};
    timer.it_value.tv_sec = static_cast<time_t>(seconds);
    timer.it_value.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(timer.it_value.tv_sec)) * 1e6);
    setitimer(ITIMER_REAL, &timer, nullptr);
  }
  ~ConnectDeadline() {
    itimerval off{};
    setitimer(ITIMER_REAL, &off, nullptr);
    sigaction(SIGALRM, &previous_, nullptr);
  }
  bool expired() const { return g_connect_timed_out != 0; }

 private:
  struct sigaction previous_{};
};

std::string padded_field(const char* field, std::size_t size) {
  std::string text(field, strnlen(field, size));
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) text.pop_back();
  return text;
}

const char* or_null(const std::string& text) { return text.empty() ? nullptr : text.c_str(); }

class LibnvmeHost : public FabricsHost {
 public:
  LibnvmeHost(const SystemPaths& paths, double timeout) : paths_(paths), timeout_(timeout) {
    auto api = libnvme();
    if (!api) {
      unavailable_ = api.error();
      return;
    }
    api_ = *api;
    log_ = open_memstream(&log_buffer_, &log_size_);
    root_ = api_->nvme_create_root(log_, LOG_NOTICE);
  }
  ~LibnvmeHost() override {
    for (auto& [name, ctrl] : controllers_) {
      api_->nvme_disconnect_ctrl(ctrl);
      api_->nvme_free_ctrl(ctrl);
    }
    if (root_) api_->nvme_free_tree(root_);
    if (log_) std::fclose(log_);
    std::free(log_buffer_);
  }

  Expected<std::vector<DiscoveryRecord>> discover(const FabricsAddress& address, const HostIdentity& host) override {
    if (!api_) return *unavailable_;
    auto ctrl = add_controller(address, NVME_DISC_SUBSYS_NAME, host, false);
    if (!ctrl) return ctrl.error();
    nvmf_discovery_log* log = nullptr;
    int rc = api_->nvmf_get_discovery_log(*ctrl, &log, 4);
    const int saved = errno;
    std::vector<DiscoveryRecord> records;
    if (rc == 0 && log != nullptr) {
      for (std::uint64_t i = 0; i < le64toh(log->numrec); ++i) {
        const nvmf_disc_log_entry& e = log->entries[i];
        records.push_back({padded_field(e.subnqn, sizeof e.subnqn), api_->nvmf_trtype_str(e.trtype),
                           padded_field(e.traddr, sizeof e.traddr), padded_field(e.trsvcid, sizeof e.trsvcid),
                           e.subtype == NVME_NQN_DISC});
      }
    }
    std::free(log);
    api_->nvme_disconnect_ctrl(*ctrl);
    api_->nvme_free_ctrl(*ctrl);
    if (rc != 0) return sys_error(saved, "read the discovery log of", address.describe());
    return records;
  }

  Expected<ProbeController> connect(const FabricsAddress& address, const std::string& subsystem_nqn,
                                    const HostIdentity& host, double settle_seconds) override {
    if (!api_) return *unavailable_;
    auto ctrl = add_controller(address, subsystem_nqn, host, true);
    if (!ctrl) return ctrl.error();
    ProbeController probe{api_->nvme_ctrl_get_name(*ctrl), {}, {}};
    controllers_[probe.name] = *ctrl;
    // The controller exists now: a failed identify is the probe's finding,
    // and the controller is still ours to remove.
    if (auto listed = identify_namespaces(*ctrl, probe); !listed) {
      probe.problem = "connected, but " + listed.error().describe();
      probe.namespaces.clear();
      return probe;
    }
    wait_for_block_devices(probe, settle_seconds);
    return probe;
  }

  Expected<void> read_first_block(const std::string& block_device) override {
    int fd = ::open(block_device.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC);
    if (fd < 0) return sys_error(errno, "open", block_device);
    void* buffer = nullptr;
    if (posix_memalign(&buffer, 4096, 4096) != 0) {
      ::close(fd);
      return sys_error(ENOMEM, "read", block_device);
    }
    ssize_t n = ::pread(fd, buffer, 4096, 0);
    const int saved = errno;
    std::free(buffer);
    ::close(fd);
    if (n < 0) return sys_error(saved, "read", block_device);
    return {};
  }

  Expected<void> disconnect(const std::string& controller) override {
    auto found = controllers_.find(controller);
    if (found == controllers_.end()) return logic_error("disconnect", controller, "not a controller of this check");
    int rc = api_->nvme_disconnect_ctrl(found->second);
    const int saved = errno;
    api_->nvme_free_ctrl(found->second);
    controllers_.erase(found);
    if (rc != 0) return sys_error(saved, "disconnect", controller);
    return {};
  }

 private:
  Expected<nvme_ctrl_t> add_controller(const FabricsAddress& address, const std::string& nqn, const HostIdentity& host,
                                       bool with_keys) {
    nvme_host_t h = api_->nvme_lookup_host(root_, host.nqn.c_str(), or_null(host.id));
    nvme_ctrl_t c = api_->nvme_create_ctrl(root_, nqn.c_str(), address.trtype.c_str(), or_null(address.traddr), nullptr,
                                     nullptr, or_null(address.trsvcid));
    if (h == nullptr || c == nullptr) return logic_error("connect", address.describe(), "libnvme could not set it up");
    api_->nvme_host_set_dhchap_key(h, with_keys ? or_null(host.dhchap_key) : nullptr);
    if (with_keys && !host.dhchap_key.empty()) api_->nvme_ctrl_set_dhchap_host_key(c, host.dhchap_key.c_str());
    if (with_keys && !host.dhchap_ctrl_key.empty()) api_->nvme_ctrl_set_dhchap_key(c, host.dhchap_ctrl_key.c_str());
    nvme_fabrics_config cfg{};
    api_->nvmf_default_config(&cfg);
    cfg.duplicate_connect = true;  // a controller of its own, beside any a real host has
    cfg.ctrl_loss_tmo = 0;         // a probe never reconnects
    const std::size_t log_start = log_size();
    int rc = 0, saved = 0;
    bool expired = false;
    {
      ConnectDeadline deadline(timeout_);
      rc = api_->nvmf_add_ctrl(h, c, &cfg);
      saved = errno;
      expired = deadline.expired();
    }
    if (rc == 0) return c;
    api_->nvme_free_ctrl(c);
    return connect_error(saved, expired, "connect to " + nqn + " at", address.describe(), log_since(log_start));
  }

  Expected<void> identify_namespaces(nvme_ctrl_t ctrl, ProbeController& probe) {
    int fd = api_->nvme_ctrl_get_fd(ctrl);
    if (fd < 0) return sys_error(errno, "open", "/dev/" + probe.name);
    nvme_ns_list list{};
    if (identify(fd, NVME_IDENTIFY_CNS_NS_ACTIVE_LIST, 0, &list) != 0) return sys_error(errno ? errno : EIO, "identify", probe.name);
    for (std::uint32_t raw : list.ns) {
      const std::uint32_t nsid = le32toh(raw);
      if (nsid == 0) break;
      nvme_id_ns ns{};
      if (identify(fd, NVME_IDENTIFY_CNS_NS, nsid, &ns) != 0) return sys_error(errno ? errno : EIO, "identify namespace of", probe.name);
      const unsigned format = ns.flbas & NVME_NS_FLBAS_LOWER_MASK;
      const std::uint32_t block = 1u << ns.lbaf[format].ds;
      probe.namespaces.push_back({nsid, le64toh(ns.nsze) * block, block, {}});
    }
    return {};
  }

  // What the header's inline nvme_identify_ns / nvme_identify_active_ns_list
  // ask, through the opened library's nvme_identify.
  int identify(int fd, nvme_identify_cns cns, std::uint32_t nsid, void* data) {
    nvme_identify_args args{};
    args.result = nullptr;
    args.data = data;
    args.args_size = sizeof args;
    args.fd = fd;
    args.timeout = NVME_DEFAULT_IOCTL_TIMEOUT;
    args.cns = cns;
    args.csi = NVME_CSI_NVM;
    args.nsid = nsid;
    args.cntid = NVME_CNTLID_NONE;
    args.cns_specific_id = NVME_CNSSPECID_NONE;
    args.uuidx = NVME_UUID_NONE;
    return api_->nvme_identify(&args);
  }

  void wait_for_block_devices(ProbeController& probe, double settle_seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(settle_seconds);
    for (;;) {
      auto devices = host_block_devices(paths_, probe.name);
      bool all = true;
      for (VisibleNamespace& ns : probe.namespaces) {
        if (auto found = devices.find(ns.nsid); found != devices.end() && ::access(found->second.c_str(), F_OK) == 0)
          ns.block_device = found->second;
        else all = false;
      }
      if (all || std::chrono::steady_clock::now() >= deadline) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  std::size_t log_size() {
    std::fflush(log_);
    return log_size_;
  }
  std::string log_since(std::size_t start) {
    std::fflush(log_);
    return start < log_size_ ? std::string(log_buffer_ + start, log_size_ - start) : std::string();
  }

  SystemPaths paths_;
  double timeout_;
  const Libnvme* api_ = nullptr;
  std::optional<SysError> unavailable_;  // libnvme could not be opened
  FILE* log_ = nullptr;
  char* log_buffer_ = nullptr;
  std::size_t log_size_ = 0;
  nvme_root_t root_ = nullptr;
  std::map<std::string, nvme_ctrl_t> controllers_;
};

}  // namespace

std::unique_ptr<FabricsHost> make_libnvme_host(const SystemPaths& paths, double connect_timeout_seconds) {
  return std::make_unique<LibnvmeHost>(paths, connect_timeout_seconds);
}

}  // namespace nvmetctl
