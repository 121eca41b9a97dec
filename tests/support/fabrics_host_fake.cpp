#include "fabrics_host_fake.h"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>

namespace nvmetctl {

std::string FakeFabricsHost::key(const FabricsAddress& address) {
  return address.trtype + "|" + address.traddr + "|" + address.trsvcid;
}

FakeFabricsHost& FakeFabricsHost::set_discovery(const FabricsAddress& address, std::vector<DiscoveryRecord> records) {
  DiscoveryScript script;
  script.ok = true;
  script.records = std::move(records);
  discoveries_[key(address)] = std::move(script);
  return *this;
}

FakeFabricsHost& FakeFabricsHost::fail_discovery(const FabricsAddress& address, SysError error,
                                                 std::vector<std::string> kernel_lines) {
  DiscoveryScript script;
  script.error = std::move(error);
  script.kernel_lines = std::move(kernel_lines);
  discoveries_[key(address)] = std::move(script);
  return *this;
}

FakeFabricsHost& FakeFabricsHost::accept(const FabricsAddress& address, const std::string& subsystem_nqn,
                                         const std::string& host_nqn, ProbeController controller) {
  ConnectScript script;
  script.ok = true;
  script.controller = std::move(controller);
  connects_[{key(address), subsystem_nqn, host_nqn}] = std::move(script);
  return *this;
}

FakeFabricsHost& FakeFabricsHost::refuse(const FabricsAddress& address, const std::string& subsystem_nqn,
                                         const std::string& host_nqn, SysError error,
                                         std::vector<std::string> kernel_lines) {
  ConnectScript script;
  script.error = std::move(error);
  script.kernel_lines = std::move(kernel_lines);
  connects_[{key(address), subsystem_nqn, host_nqn}] = std::move(script);
  return *this;
}

FakeFabricsHost& FakeFabricsHost::fail_read(const std::string& block_device, int errnum) {
  read_failures_[block_device] = errnum;
  return *this;
}

FakeFabricsHost& FakeFabricsHost::fail_disconnect(const std::string& controller, int errnum) {
  disconnect_failures_[controller] = errnum;
  return *this;
}

FakeFabricsHost& FakeFabricsHost::add_existing_controller(const std::string& name) {
  existing_.insert(name);
  return *this;
}

FakeFabricsHost& FakeFabricsHost::write_kernel_log_to(const std::string& path) {
  kmsg_path_ = path;
  return *this;
}

FakeFabricsHost& FakeFabricsHost::first_controller_number(unsigned number) {
  next_number_ = number;
  return *this;
}

FakeFabricsHost& FakeFabricsHost::on_connect(std::function<void(const FabricsCall&)> callback) {
  on_connect_ = std::move(callback);
  return *this;
}

std::vector<FabricsCall> FakeFabricsHost::calls_of(FabricsCall::Kind kind) const {
  std::vector<FabricsCall> out;
  std::copy_if(calls_.begin(), calls_.end(), std::back_inserter(out),
               [&](const FabricsCall& call) { return call.kind == kind; });
  return out;
}

const FakeFabricsHost::ConnectScript* FakeFabricsHost::connect_script(const FabricsAddress& address,
                                                                      const std::string& subsystem_nqn,
                                                                      const std::string& host_nqn) const {
  if (auto found = connects_.find({key(address), subsystem_nqn, host_nqn}); found != connects_.end())
    return &found->second;
  if (auto found = connects_.find({key(address), subsystem_nqn, kAnyHost}); found != connects_.end())
    return &found->second;
  return nullptr;
}

std::string FakeFabricsHost::next_controller_name() {
  for (;;) {
    std::string name = "nvme" + std::to_string(next_number_++);
    const bool used = existing_.count(name) > 0 || std::find(created_.begin(), created_.end(), name) != created_.end();
    if (!used) return name;
  }
}

void FakeFabricsHost::log_kernel(const std::vector<std::string>& lines) {
  if (kmsg_path_.empty() || lines.empty()) return;
  std::ofstream out(kmsg_path_, std::ios::app);
  for (const std::string& line : lines) {
    ++kmsg_seq_;
    // /dev/kmsg records: "prio,seq,usec,flags;message"
    out << "3," << kmsg_seq_ << "," << kmsg_seq_ * 1000 << ",-;" << line << "\n";
  }
}

Expected<std::vector<DiscoveryRecord>> FakeFabricsHost::discover(const FabricsAddress& address,
                                                                 const HostIdentity& host) {
  FabricsCall call;
  call.kind = FabricsCall::Kind::Discover;
  call.address = address;
  call.host = host;
  auto found = discoveries_.find(key(address));
  if (found == discoveries_.end()) {
    calls_.push_back(call);
    return sys_error(ECONNREFUSED, "connect to nqn.2014-08.org.nvmexpress.discovery at", address.describe());
  }
  const DiscoveryScript& script = found->second;
  call.ok = script.ok;
  calls_.push_back(call);
  if (!script.ok) {
    log_kernel(script.kernel_lines);
    return script.error;
  }
  return script.records;
}

Expected<ProbeController> FakeFabricsHost::connect(const FabricsAddress& address, const std::string& subsystem_nqn,
                                                   const HostIdentity& host, double settle_seconds) {
  FabricsCall call;
  call.kind = FabricsCall::Kind::Connect;
  call.address = address;
  call.subsystem_nqn = subsystem_nqn;
  call.host = host;
  call.settle_seconds = settle_seconds;
  const ConnectScript* script = connect_script(address, subsystem_nqn, host.nqn);
  call.ok = script != nullptr && script->ok;
  calls_.push_back(call);
  if (on_connect_) on_connect_(call);
  if (script == nullptr) return sys_error(ECONNREFUSED, "connect to " + subsystem_nqn + " at", address.describe());
  if (!script->ok) {
    log_kernel(script->kernel_lines);
    return script->error;
  }
  ProbeController controller = script->controller;
  // A controller of its own: a scripted name already taken gets a fresh one.
  if (controller.name.empty() || existing_.count(controller.name) || connected_.count(controller.name))
    controller.name = next_controller_name();
  created_.push_back(controller.name);
  connected_.insert(controller.name);
  return controller;
}

Expected<void> FakeFabricsHost::read_first_block(const std::string& block_device) {
  FabricsCall call;
  call.kind = FabricsCall::Kind::Read;
  call.target = block_device;
  auto failure = read_failures_.find(block_device);
  call.ok = failure == read_failures_.end();
  calls_.push_back(call);
  if (!call.ok) return sys_error(failure->second, "read", block_device);
  return {};
}

Expected<void> FakeFabricsHost::disconnect(const std::string& controller) {
  FabricsCall call;
  call.kind = FabricsCall::Kind::Disconnect;
  call.target = controller;
  if (!connected_.count(controller)) {
    calls_.push_back(call);
    foreign_disconnects_.push_back(controller);
    return logic_error("disconnect", controller, "not a controller of this check");
  }
  if (auto failure = disconnect_failures_.find(controller); failure != disconnect_failures_.end()) {
    calls_.push_back(call);
    return sys_error(failure->second, "disconnect", controller);
  }
  call.ok = true;
  calls_.push_back(call);
  connected_.erase(controller);
  return {};
}

}  // namespace nvmetctl
