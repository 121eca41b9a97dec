// Ports: transport, address, RDMA coverage, and the kernel's refusals.
#include "check_util.h"
#include "nvmetctl/model/kernel_behaviour.h"
#include "nvmetctl/kernel/module_names.h"
#include "nvmetctl/model/port_listener.h"
#include "nvmetctl/net/ip_address.h"
#include "nvmetctl/rdma/rdma_address_coverage.h"

namespace nvmetctl::doctor {

using namespace util;

namespace {

bool is_ip_transport(const std::string& trtype) { return trtype == "tcp" || trtype == "rdma"; }

std::string adrfam_for(const std::string& traddr) {
  return traddr.find(':') != std::string::npos ? "ipv6" : "ipv4";
}

// Log events that name this port, directly (port id, ip:port) or through its
// transport when the kernel says no more.
std::vector<const LogEvent*> events_for(const std::vector<LogEvent>& events, const Port& port, LogEventKind kind) {
  std::vector<const LogEvent*> found;
  std::string trtype = attr_value(port.attrs, "addr_trtype");
  std::string traddr = attr_value(port.attrs, "addr_traddr");
  std::string trsvcid = attr_value(port.attrs, "addr_trsvcid");
  for (const auto& e : events) {
    if (e.kind != kind) continue;
    switch (kind) {
      case LogEventKind::TransportNotSupported:
      case LogEventKind::PiUnsupported: {
        auto id = transport_id(trtype);
        // 0 (6.1-6.13) or 255 (6.14+) is what an unset trtype reads as.
        if ((id && *id == e.number) || (trtype.empty() && (e.number == 0 || e.number == 255))) found.push_back(&e);
        break;
      }
      case LogEventKind::RdmaBindFailed:
      case LogEventKind::RdmaListenFailed:
        if (trtype == "rdma" && same_ip(e.address, traddr) && e.service == trsvcid) found.push_back(&e);
        break;
      case LogEventKind::TcpBindFailed:
        if (trtype == "tcp") found.push_back(&e);
        break;
      case LogEventKind::AddressFamilyUnsupported:
      case LogEventKind::MalformedAddress:
        if ("nvmet_" + trtype == e.module) found.push_back(&e);
        break;
      case LogEventKind::PortEnabledRefused:
        if (e.number == port.id) found.push_back(&e);
        break;
      default:
        break;
    }
  }
  return found;
}

std::vector<const LogEvent*> with_errno(const std::vector<const LogEvent*>& events, int errnum) {
  std::vector<const LogEvent*> found;
  for (auto* e : events)
    if (e->errnum == errnum) found.push_back(e);
  return found;
}

class PortChecker {
 public:
  PortChecker(const DoctorInputs& in, Findings& out, const std::vector<LogEvent>& events)
      : in_(in), out_(out), events_(events), layout_(layout(in)) {}

  void check(const Port& port) {
    port_ = &port;
    object_ = port_object(port.id);
    dir_ = layout_.port(port.id);
    enabled_ = port.enabled();
    trtype_ = attr_value(port.attrs, "addr_trtype");
    traddr_ = attr_value(port.attrs, "addr_traddr");
    trsvcid_ = attr_value(port.attrs, "addr_trsvcid");
    std::size_t before = out_.all().size();
    check_trtype() && check_address() && check_reachability();
    check_pi();
    check_refused_writes();
    if (out_.all().size() != before) return;
    if (!enabled_)
      out_.warning("port-not-enabled", object_,
                   "port " + std::to_string(port.id) + " has no subsystem links: the kernel is not listening on it",
                   "ln -s " + layout_.subsystems() + "/<nqn> " + layout_.port_subsystems(port.id) + "/<nqn>");
    else
      out_.ok("port-ok", object_, trtype_ + " " + traddr_ + ":" + trsvcid_ + " enabled");
  }

 private:
  std::string link_state() const {
    if (!enabled_) return "no subsystem links";
    std::string list;
    for (const auto& nqn : *port_->subsystems) list += (list.empty() ? "" : ", ") + nqn;
    return "linked to " + list;
  }

  bool check_trtype() {
    auto logged = events_for(events_, *port_, LogEventKind::TransportNotSupported);
    if (trtype_.empty()) {
      auto& f = out_.failure("trtype-unset", object_,
                             "port " + std::to_string(port_->id) + " has no trtype: linking a subsystem to it fails with "
                             "EINVAL" + std::string(!kernel_has(KernelRule::UnsetTrtypeNotTransportZero, in_.kernel_version)
                                                        ? " ('nvmet: transport type 0 not supported')" : ""),
                             "echo tcp > " + dir_ + "/addr_trtype   # or rdma, loop, fc; set it before any link");
      f.evidence.push_back(read_evidence(dir_ + "/addr_trtype", ""));
      add_log(f, logged);
      return false;
    }
    auto module = transport_module(trtype_);
    if (!module) return true;
    std::string name(*module);
    auto state = module_state(in_, name);
    if (state && *state == ModuleState::Unavailable) {
      auto& f = out_.failure("transport-module-missing", object_,
                             "port uses trtype " + trtype_ + ", but module " + name + " is not available for kernel " +
                                 in_.kernel_release + ": linking a subsystem fails with EINVAL",
                             unavailable_module_fix(in_, name));
      f.evidence.push_back(read_evidence(dir_ + "/addr_trtype", trtype_));
      f.evidence.push_back("module " + name + ": not found under " + in_.module_env.kernel_modules_dir);
      add_log(f, logged);
      return false;
    }
    bool present = state && (*state == ModuleState::Loaded || *state == ModuleState::BuiltIn);
    if (!enabled_ && !present && (!logged.empty() || trtype_ == "fc")) {
      std::string why = trtype_ == "fc" ? "nvmet-fc has no autoload alias, so the kernel never loads it by itself"
                                        : "the kernel tried to load it when a subsystem was linked, and failed";
      auto& f = out_.failure("transport-module-missing", object_,
                             "port uses trtype " + trtype_ + ", but module " + name + " is not loaded: " + why,
                             "modprobe " + name + "   # if it fails: dmesg | tail; then link the subsystem again");
      f.evidence.push_back(read_evidence(dir_ + "/addr_trtype", trtype_));
      f.evidence.push_back("module " + name + ": " + (state ? to_string(*state) : std::string("state unknown")));
      add_log(f, logged);
      return false;
    }
    return true;
  }

  bool check_address() {
    if (!is_ip_transport(trtype_)) return true;
    std::string adrfam = attr_value(port_->attrs, "addr_adrfam");
    if (adrfam != "ipv4" && adrfam != "ipv6") {
      auto& f = out_.failure("adrfam-unset", object_,
                             "trtype " + trtype_ + " needs adrfam ipv4 or ipv6, the port has '" + adrfam +
                                 "': linking a subsystem fails with EINVAL",
                             (enabled_ ? relink_command(layout_, *port_, "echo " + adrfam_for(traddr_) + " > " + dir_ + "/addr_adrfam")
                                       : "echo " + adrfam_for(traddr_) + " > " + dir_ + "/addr_adrfam"));
      f.evidence.push_back(read_evidence(dir_ + "/addr_adrfam", adrfam));
      add_log(f, events_for(events_, *port_, LogEventKind::AddressFamilyUnsupported));
      return false;
    }
    if (traddr_.empty() || trsvcid_.empty() || !parse_ip_address(traddr_)) {
      auto& f = out_.failure("port-address-invalid", object_,
                             "traddr '" + traddr_ + "' / trsvcid '" + trsvcid_ +
                                 "' is not a literal IP address and port: linking a subsystem fails with EINVAL",
                             "echo <ip> > " + dir_ + "/addr_traddr; echo 4420 > " + dir_ + "/addr_trsvcid");
      f.evidence.push_back(read_evidence(dir_ + "/addr_traddr", traddr_));
      f.evidence.push_back(read_evidence(dir_ + "/addr_trsvcid", trsvcid_));
      add_log(f, events_for(events_, *port_, LogEventKind::MalformedAddress));
      return false;
    }
    return true;
  }

  std::string change_traddr_fix() const {
    std::string change = "echo <local-ip> > " + dir_ + "/addr_traddr";
    return enabled_ ? relink_command(layout_, *port_, change) : change;
  }

  bool check_reachability() {
    if (trtype_ == "rdma") return check_rdma();
    if (trtype_ == "tcp") return check_tcp();
    return true;
  }

  bool check_tcp() {
    auto logged = events_for(events_, *port_, LogEventKind::TcpBindFailed);
    if (!in_.network || is_wildcard_address(traddr_)) return check_in_use(logged);
    auto owner = in_.network->find_interface_for_address(traddr_);
    if (owner && !owner->has_value()) {
      Finding f{"tcp-addr-not-local", enabled_ ? FindingSeverity::Warning : FindingSeverity::Failure, object_,
                "traddr " + traddr_ + " is not assigned to any local interface: " +
                    (enabled_ ? "the listener was bound before the address went away; hosts cannot reach it"
                              : "linking a subsystem fails with EADDRNOTAVAIL (nvmet_tcp: failed to bind port socket -99)"),
                {},
                "ip addr add " + traddr_ + "/24 dev " + guess_netdev(in_) + "   # or: " + change_traddr_fix()};
      f.evidence.push_back("local addresses: " + local_addresses(in_));
      add_log(f, with_errno(logged, EADDRNOTAVAIL));
      out_.add(std::move(f));
      return false;
    }
    return check_in_use(logged);
  }

  // Another enabled port of the same transport already listening on this
  // address and port (or a wildcard over it).
  const Port* listener_in_the_way() const {
    for (const Port& other : in_.live->target.ports)
      if (other.id != port_->id && other.enabled() && listeners_clash(port_->attrs, other.attrs)) return &other;
    return nullptr;
  }

  std::optional<ListenerConflict> process_in_the_way() const {
    auto service = parse_tcp_service(trsvcid_);
    if (!service) return std::nullopt;
    return find_process_listener(in_.tcp_sockets, in_.socket_holders, traddr_, *service);
  }

  // tcp logs no address with its bind failure, so an in-use finding needs the
  // conflicting port; rdma's log line names the address exactly.
  bool check_in_use(const std::vector<const LogEvent*>& logged) {
    if (enabled_) return true;
    std::vector<const LogEvent*> in_use = with_errno(logged, EADDRINUSE);
    const Port* other = listener_in_the_way();
    std::optional<ListenerConflict> process = other || trtype_ != "tcp" ? std::nullopt : process_in_the_way();
    if (!other && !process && (trtype_ != "rdma" || in_use.empty())) return true;
    std::string by = other ? "port " + std::to_string(other->id) + " (enabled)" : "another listener";
    if (process) by = process->holder + ", listening on " + socket_address_text(process->listener);
    auto& f = out_.failure("port-addr-in-use", object_,
                           traddr_ + ":" + trsvcid_ + " is already in use by " + by +
                               ": linking a subsystem fails with EADDRINUSE",
                           "echo <free-port> > " + dir_ + "/addr_trsvcid   # in use: grep -H . " + layout_.ports() +
                               "/*/addr_trsvcid; ss -ltn");
    if (other)
      f.evidence.push_back("port " + std::to_string(other->id) + ": " + trtype_ + " " + listen_address(other->attrs) +
                           ", linked");
    if (process) {
      f.fix = "ss -ltnp 'sport = :" + trsvcid_ + "'   # stop that process, or: echo <free-port> > " + dir_ +
              "/addr_trsvcid";
      f.evidence.push_back(std::string(process->listener.v6 ? "tcp6" : "tcp") + " LISTEN " +
                           socket_address_text(process->listener) + " inode " +
                           std::to_string(process->listener.inode) +
                           (process->certain ? "" : " (an IPv6 wildcard: conflicts unless the socket is IPv6-only)"));
    }
    add_log(f, in_use);
    return false;
  }

  // Returns false when it reported a finding, like the other checks; without
  // network facts or when traddr is no literal address there is nothing to say.
  bool check_rdma() {
    std::vector<const LogEvent*> logged = events_for(events_, *port_, LogEventKind::RdmaBindFailed);
    for (auto* e : events_for(events_, *port_, LogEventKind::RdmaListenFailed)) logged.push_back(e);
    if (!in_.network) return true;
    if (!in_.rdma_devices) {
      auto& f = out_.warning("rdma-devices-unknown", object_,
                             "cannot list RDMA devices, so whether this port can listen is unknown",
                             "rdma link show");
      f.evidence.push_back(in_.rdma_error);
      return false;
    }
    auto check = check_rdma_address(traddr_, *in_.network, *in_.rdma_devices);
    if (!check) return true;
    switch (check->coverage) {
      case RdmaAddressCoverage::NotLocal:
        return report_rdma_addr_not_local(with_errno(logged, EADDRNOTAVAIL));
      case RdmaAddressCoverage::NoRdmaDevice:
        return report_rdma_no_device(check->interface, with_errno(logged, ENODEV));
      case RdmaAddressCoverage::Wildcard:
        if (!check_any_rdma_device()) return false;
        break;
      case RdmaAddressCoverage::Covered:
        if (!check_rdma_device_active(*check)) return false;
        break;
    }
    return check_in_use(with_errno(logged, EADDRINUSE));
  }

  // An enabled port already listened, so its problem is a listener gone
  // silently; a port not yet enabled gets the errno linking will fail with
  // (the caller appends it).
  std::string rdma_consequence() const {
    return enabled_ ? "the port is " + link_state() + " but nothing can be listening (the kernel drops the listener "
                      "when its RDMA device goes away and does not rebind)"
                    : "linking a subsystem fails with ";
  }

  bool report_rdma_addr_not_local(const std::vector<const LogEvent*>& logged) {
    Finding f{"rdma-addr-not-local", FindingSeverity::Failure, object_,
              "traddr " + traddr_ + " is not assigned to any local interface: " + rdma_consequence() +
                  (enabled_ ? "" : "EADDRNOTAVAIL (binding CM ID failed (-99))"),
              {},
              "ip addr add " + traddr_ + "/24 dev " + guess_netdev(in_) + "   # or: " + change_traddr_fix()};
    f.evidence.push_back(read_evidence(dir_ + "/addr_traddr", traddr_));
    f.evidence.push_back("local addresses: " + local_addresses(in_));
    add_log(f, logged);
    out_.add(std::move(f));
    return false;
  }

  bool report_rdma_no_device(const std::string& interface, const std::vector<const LogEvent*>& logged) {
    std::string add = "rdma link add rxe_" + interface + " type rxe netdev " + interface;
    std::string fix = enabled_ ? add + "; " + relink_command(layout_, *port_, "") : add;
    fix += "   # or in the file: rdma_links: [{name: rxe_" + interface + ", type: rxe, netdev: " + interface + "}]";
    Finding f{"rdma-no-device", FindingSeverity::Failure, object_,
              "traddr " + traddr_ + " is on " + interface + ", which no RDMA device (rxe/siw link or RDMA NIC) "
              "covers: " + rdma_consequence() + (enabled_ ? "" : "ENODEV (binding CM ID failed (-19))"),
              {}, fix};
    f.evidence.push_back(read_evidence(dir_ + "/addr_traddr", traddr_));
    std::string devices;
    for (const auto& d : *in_.rdma_devices)
      devices += (devices.empty() ? "" : ", ") + d.name + (d.netdev.empty() ? "" : " on " + d.netdev);
    f.evidence.push_back("RDMA devices: " + (devices.empty() ? std::string("none") : devices));
    add_log(f, logged);
    out_.add(std::move(f));
    return false;
  }

  // A wildcard address listens on every RDMA device, which is fine unless
  // there is none at all.
  bool check_any_rdma_device() {
    if (!in_.rdma_devices->empty()) return true;
    auto& f = out_.warning("rdma-no-device", object_,
                           "the port listens on " + traddr_ + ", but there is no RDMA device at all: no host can connect",
                           "rdma link add rxe_" + guess_netdev(in_) + " type rxe netdev " + guess_netdev(in_));
    f.evidence.push_back("RDMA devices: none");
    return false;
  }

  bool check_rdma_device_active(const RdmaAddressCheck& check) {
    for (const auto& d : *in_.rdma_devices)
      if (d.name == check.device && !d.active()) {
        auto& f = out_.warning("rdma-device-down", object_,
                               "RDMA device " + d.name + " serving " + traddr_ + " is not ACTIVE (port state " +
                                   std::to_string(d.port_state) + "): hosts cannot connect",
                               "ip link set " + (d.netdev.empty() ? check.interface : d.netdev) + " up");
        f.evidence.push_back(in_.paths.sysfs + "/class/infiniband/" + d.name + "/ports/1/state");
        return false;
      }
    return true;
  }

  void check_pi() {
    if (attr_value(port_->attrs, "param_pi_enable") != "1" || trtype_ == "rdma" || enabled_) return;
    auto& f = out_.failure("port-pi-unsupported", object_,
                           "param_pi_enable is 1 but only rdma supports T10-PI: linking a subsystem fails with EINVAL",
                           "echo 0 > " + dir_ + "/param_pi_enable");
    f.evidence.push_back(read_evidence(dir_ + "/param_pi_enable", "1"));
    add_log(f, events_for(events_, *port_, LogEventKind::PiUnsupported));
  }

  void check_refused_writes() {
    auto logged = events_for(events_, *port_, LogEventKind::PortEnabledRefused);
    if (logged.empty() || !enabled_) return;
    std::string attribute = logged.back()->attribute;
    auto& f = out_.warning("port-enabled-attr-refused", object_,
                           "a write to " + attribute + " was refused with EACCES: the port is enabled (" + link_state() +
                               ") and the kernel allows address and parameter changes only while it has no links",
                           "nvmetctl apply <file>   # unlinks, writes and relinks; by hand: " +
                               relink_command(layout_, *port_, "echo <value> > " + dir_ + "/" + attribute));
    add_log(f, logged);
  }

  const DoctorInputs& in_;
  Findings& out_;
  const std::vector<LogEvent>& events_;
  NvmetLayout layout_;
  const Port* port_ = nullptr;
  std::string object_, dir_, trtype_, traddr_, trsvcid_;
  bool enabled_ = false;
};

}  // namespace

void check_ports(const DoctorInputs& in, Findings& out) {
  if (!in.live || !in.live->nvmet_loaded) return;
  auto events = parse_log_events(in.kernel_log);
  PortChecker checker(in, out, events);
  for (const Port& port : in.live->target.ports) checker.check(port);
  // A transport refusal that names no existing port: the port was removed
  // (apply rolls back), but the module is still missing.
  for (const auto& e : events) {
    if (e.kind != LogEventKind::TransportNotSupported) continue;
    auto trtype = transport_name(e.number);
    if (!trtype || e.number == 0) continue;
    auto module = transport_module(*trtype);
    if (!module || module_present(in, std::string(*module))) continue;
    bool named = false;
    for (const Port& port : in.live->target.ports)
      if (attr_value(port.attrs, "addr_trtype") == *trtype) named = true;
    if (named || out.find("transport-module-missing", "module " + std::string(*module))) continue;
    auto state = module_state(in, std::string(*module));
    bool unavailable = state && *state == ModuleState::Unavailable;
    auto& f = out.warning("transport-module-missing", "module " + std::string(*module),
                          "the kernel could not find a " + std::string(*trtype) + " transport when a port was enabled, and " +
                              std::string(*module) + " is still " + (unavailable ? "not installed" : "not loaded"),
                          unavailable ? unavailable_module_fix(in, std::string(*module)) : "modprobe " + std::string(*module));
    f.evidence.push_back(log_evidence(e.line));
  }
}

}  // namespace nvmetctl::doctor
