#include "nvmetctl/engine/wait_for_resources.h"

#include <sys/stat.h>

#include <sstream>
#include <thread>

#include "nvmetctl/net/ip_address.h"

namespace nvmetctl {
namespace {

// Listens on every address: nothing to wait for. "[::]" is how people
// write it, though the kernel itself takes no brackets.
bool is_wildcard(const std::string& traddr) { return traddr == "[::]" || is_wildcard_address(traddr); }

std::string describe_all(const std::vector<WaitedResource>& resources) {
  std::string text;
  for (const auto& r : resources) text += (text.empty() ? "" : ", ") + r.describe();
  return text;
}

// A listed address may carry an IPv6 scope ("fe80::1%eth0"); the lookup
// understands it.
bool address_present(NetworkInfo& network, const std::string& traddr) {
  auto found = network.find_interface_for_address(traddr);
  return found && found->has_value();
}

}  // namespace

std::string WaitedResource::describe() const {
  return std::string(kind == Kind::Address ? "address " : "device ") + name + " (" + user + ")";
}

std::string WaitResult::describe_missing() const { return describe_all(missing); }

std::string address_port_needs(const Port& port) {
  std::string trtype = attr_value(port.attrs, "addr_trtype");
  std::string adrfam = attr_value(port.attrs, "addr_adrfam");
  std::string traddr = attr_value(port.attrs, "addr_traddr");
  if (trtype != "tcp" && trtype != "rdma") return {};
  if (adrfam != "ipv4" && adrfam != "ipv6") return {};
  if (traddr.empty() || is_wildcard(traddr)) return {};
  return traddr;
}

std::vector<WaitedResource> resources_to_wait_for(const Target& target) {
  std::vector<WaitedResource> out;
  for (const Port& p : target.ports) {
    std::string traddr = address_port_needs(p);
    if (traddr.empty()) continue;
    bool seen = false;
    for (const auto& r : out) seen = seen || (r.kind == WaitedResource::Kind::Address && r.name == traddr);
    if (!seen) out.push_back({WaitedResource::Kind::Address, traddr, "port " + std::to_string(p.id)});
  }
  for (const Subsystem& s : target.subsystems) {
    for (const Namespace& ns : s.namespaces) {
      std::string device = attr_value(ns.attrs, "device_path");
      if (device.empty() || attr_value(ns.attrs, "enable") != "1") continue;
      out.push_back({WaitedResource::Kind::Device, device,
                     "subsystem " + s.nqn + " namespace " + std::to_string(ns.nsid)});
    }
    if (s.passthru) {
      std::string device = attr_value(s.passthru->attrs, "device_path");
      if (!device.empty() && s.passthru_enabled())
        out.push_back({WaitedResource::Kind::Device, device, "subsystem " + s.nqn + " passthru"});
    }
  }
  return out;
}

WaitResult wait_for_resources(const Target& target, NetworkInfo& network, double timeout_seconds,
                              WaitHooks hooks) {
  if (!hooks.path_exists)
    hooks.path_exists = [](const std::string& path) {
      struct stat st {};
      return ::stat(path.c_str(), &st) == 0;
    };
  if (!hooks.sleep) hooks.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (!hooks.now) hooks.now = [] { return std::chrono::steady_clock::now(); };

  auto present = [&](const WaitedResource& r) {
    return r.kind == WaitedResource::Kind::Address ? address_present(network, r.name) : hooks.path_exists(r.name);
  };

  WaitResult result;
  std::vector<WaitedResource> pending = resources_to_wait_for(target);
  const auto start = hooks.now();
  const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(timeout_seconds < 0 ? 0 : timeout_seconds));
  bool announced = false;
  for (;;) {
    std::vector<WaitedResource> still;
    for (const auto& r : pending) {
      if (present(r)) {
        if (announced && hooks.progress) hooks.progress(r.describe() + " is there");
      } else {
        still.push_back(r);
      }
    }
    pending = std::move(still);
    result.waited_seconds = std::chrono::duration<double>(hooks.now() - start).count();
    if (pending.empty()) {
      result.ready = true;
      return result;
    }
    if (hooks.interrupted && hooks.interrupted->load()) {
      result.interrupted = true;
      result.missing = pending;
      return result;
    }
    if (hooks.now() >= deadline) {
      result.missing = pending;
      return result;
    }
    if (!announced && hooks.progress) {
      std::ostringstream seconds;
      seconds << timeout_seconds;
      hooks.progress("waiting up to " + seconds.str() + "s for " + describe_all(pending));
      announced = true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - hooks.now());
    hooks.sleep(std::max(std::chrono::milliseconds(1), std::min(hooks.poll_interval, left)));
  }
}

}  // namespace nvmetctl
