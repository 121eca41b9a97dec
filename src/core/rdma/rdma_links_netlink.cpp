// RdmaLinks over RDMA netlink: what `rdma link show|add|delete` does.
#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "nldev_socket.h"
#include "nvmetctl/kernel/module_names.h"
#include "nvmetctl/rdma/nldev_messages.h"
#include "nvmetctl/rdma/rdma_link_errors.h"
#include "nvmetctl/rdma/rdma_link_type.h"
#include "nvmetctl/rdma/rdma_links.h"

namespace nvmetctl {
namespace {

constexpr std::uint32_t kFirstPort = 1;

class NetlinkRdmaLinks final : public RdmaLinks {
 public:
  explicit NetlinkRdmaLinks(const SystemPaths& paths) : paths_(paths) {}

  Expected<std::vector<RdmaDevice>> list() override {
    // Without ib_core there is no RDMA device, and opening an RDMA netlink
    // socket would make the kernel load ib_core: a read-only command
    // (export, status, doctor) must not load a module, nor wait for modprobe.
    if (!rdma_core_present()) return std::vector<RdmaDevice>{};
    auto socket = open_socket("list rdma devices", "");
    if (!socket) return socket.error();
    auto devices = dump_devices(**socket);
    if (!devices) return relabel(devices.error(), "list rdma devices", "");

    std::vector<RdmaDevice> result;
    for (const auto& found : *devices) {
      RdmaDevice device{found.index, found.name, found.protocol,
                        infer_link_type(paths_, found.name, found.protocol), "", 0};
      if (found.port_count >= kFirstPort) {
        auto port = query_port(**socket, found.index, kFirstPort);
        // EINVAL: the device went away between the dump and this query.
        if (!port && port.error().errnum == EINVAL) continue;
        if (!port) return relabel(port.error(), "list rdma devices", found.name);
        device.netdev = port->netdev;
        device.port_state = port->state;
      }
      result.push_back(std::move(device));
    }
    return result;
  }

  Expected<void> add(const std::string& name, const std::string& type,
                     const std::string& netdev) override {
    const LinkSpec spec{name, type, netdev};
    if (auto valid = validate_link_spec(spec); !valid) return valid.error();
    auto socket = open_socket("add rdma link", name);
    if (!socket) return socket.error();

    const std::uint32_t seq = (*socket)->next_seq();
    auto done = acknowledge(**socket, seq, nldev::encode_new_link(seq, name, type, netdev));
    if (done) return {};
    const int errnum = done.error().errnum;
    return SysError{errnum, "add rdma link", name,
                    add_link_failure_reason(errnum, spec, facts_for(errnum, spec))};
  }

  Expected<void> remove(const std::string& name) override {
    auto socket = open_socket("delete rdma link", name);
    if (!socket) return socket.error();
    auto devices = dump_devices(**socket);
    if (!devices) return relabel(devices.error(), "delete rdma link", name);
    auto device = std::find_if(devices->begin(), devices->end(),
                               [&](const auto& d) { return d.name == name; });
    if (device == devices->end())
      return SysError{ENODEV, "delete rdma link", name, remove_link_failure_reason(ENODEV, name, true)};

    // The kernel takes only the index: names are not accepted by DELLINK.
    const std::uint32_t seq = (*socket)->next_seq();
    auto done = acknowledge(**socket, seq, nldev::encode_del_link(seq, device->index));
    if (done) return {};
    const int errnum = done.error().errnum;
    const bool software = !infer_link_type(paths_, name, device->protocol).empty();
    return SysError{errnum, "delete rdma link", name,
                    remove_link_failure_reason(errnum, name, software)};
  }

 private:
  // ib_core registers the "infiniband" device class when it loads.
  bool rdma_core_present() const {
    std::error_code ec;
    return std::filesystem::exists(paths_.sysfs + "/class/infiniband", ec);
  }

  static SysError relabel(SysError error, const std::string& action, const std::string& path) {
    error.action = action;
    error.path = path;
    error.reason = rdma_netlink_failure_reason(error.errnum);
    return error;
  }

  static Expected<std::unique_ptr<nldev::Socket>> open_socket(const std::string& action,
                                                              const std::string& path) {
    auto socket = nldev::Socket::open();
    if (!socket) return relabel(socket.error(), action, path);
    return socket;
  }

  static Expected<std::vector<nldev::DeviceAttributes>> dump_devices(nldev::Socket& socket) {
    std::vector<nldev::DeviceAttributes> devices;
    const std::uint32_t seq = socket.next_seq();
    auto done = socket.transact(nldev::encode_get_dump(seq), [&](auto datagram) {
      return nldev::decode_devices(datagram, seq, devices);
    });
    if (!done) return done.error();
    return devices;
  }

  static Expected<nldev::PortAttributes> query_port(nldev::Socket& socket, std::uint32_t index,
                                                    std::uint32_t port) {
    std::vector<nldev::PortAttributes> ports;
    const std::uint32_t seq = socket.next_seq();
    auto done = socket.transact(nldev::encode_port_get(seq, index, port), [&](auto datagram) {
      return nldev::decode_ports(datagram, seq, ports);
    });
    if (!done) return done.error();
    if (ports.empty()) return sys_error(ENODATA, "rdma netlink", "");
    return ports.front();
  }

  static Expected<void> acknowledge(nldev::Socket& socket, std::uint32_t seq,
                                    const nldev::Bytes& request) {
    return socket.transact(request, [seq](auto datagram) { return nldev::decode_ack(datagram, seq); });
  }

  // The facts that decide what an errno from NEWLINK means; gathered only
  // after a failure, since each costs a lookup.
  AddLinkFacts facts_for(int errnum, const LinkSpec& spec) {
    AddLinkFacts facts;
    if (errnum == EEXIST) {
      if (auto devices = list()) {
        for (const auto& device : *devices)
          if (device.netdev == spec.netdev && device.link_type == spec.type)
            facts.existing_device = device.name;
      }
    } else if (errnum == EINVAL) {
      facts.link_module_loaded = link_module_loaded(spec.type);
    } else if (errnum == EPERM) {
      facts.netdev_is_vlan = netdev_is_vlan(spec.netdev);
    }
    return facts;
  }

  bool link_module_loaded(const std::string& type) const {
    auto module = link_type_module(type);
    if (!module) return false;
    std::string kernel_name(*module);
    std::replace(kernel_name.begin(), kernel_name.end(), '-', '_');
    std::error_code ec;
    return std::filesystem::exists(paths_.sysfs + "/module/" + kernel_name, ec);
  }

  bool netdev_is_vlan(const std::string& netdev) const {
    std::ifstream uevent(paths_.sysfs + "/class/net/" + netdev + "/uevent");
    std::string line;
    while (std::getline(uevent, line))
      if (line == "DEVTYPE=vlan") return true;
    return false;
  }

  SystemPaths paths_;
};

}  // namespace

std::unique_ptr<RdmaLinks> make_netlink_rdma_links(const SystemPaths& paths) {
  return std::make_unique<NetlinkRdmaLinks>(paths);
}

}  // namespace nvmetctl
