#include "check_util.h"

#include "nvmetctl/net/ip_address.h"

namespace nvmetctl::doctor::util {

std::optional<ModuleState> module_state(const DoctorInputs& in, const std::string& name) {
  std::string wanted = normalize_module_name(name);
  for (const auto& [asked, state] : in.modules)
    if (normalize_module_name(asked) == wanted) return state;
  return std::nullopt;
}

bool module_present(const DoctorInputs& in, const std::string& name) {
  auto state = module_state(in, name);
  return state && (*state == ModuleState::Loaded || *state == ModuleState::BuiltIn);
}

bool same_ip(const std::string& a, const std::string& b) {
  auto x = parse_ip_address(a);
  auto y = parse_ip_address(b);
  if (x && y) return x->same_address(*y);
  return a == b;
}

std::string guess_netdev(const DoctorInputs& in) {
  if (!in.network) return "<netdev>";
  auto interfaces = in.network->interfaces();
  if (!interfaces) return "<netdev>";
  std::string only;
  int count = 0;
  for (const auto& i : *interfaces) {
    if (i.name == "lo" || !i.up) continue;
    only = i.name;
    ++count;
  }
  return count == 1 ? only : "<netdev>";
}

std::string local_addresses(const DoctorInputs& in) {
  if (!in.network) return "unknown";
  auto interfaces = in.network->interfaces();
  if (!interfaces) return "unknown (" + interfaces.error().describe() + ")";
  std::string text;
  for (const auto& i : *interfaces)
    for (const auto& a : i.addresses)
      text += (text.empty() ? "" : ", ") + i.name + " " + a.address.to_string() + "/" +
              std::to_string(a.prefix_length);
  return text.empty() ? "none" : text;
}

std::string relink_command(const NvmetLayout& layout, const Port& port, const std::string& between) {
  std::string unlink, relink;
  if (port.subsystems)
    for (const auto& nqn : *port.subsystems) {
      unlink += (unlink.empty() ? "rm " : " ") + layout.port_link(port.id, nqn);
      relink += "; ln -s " + layout.subsystem(nqn) + " " + layout.port_link(port.id, nqn);
    }
  std::string text = unlink;
  if (!between.empty()) text += (text.empty() ? "" : "; ") + between;
  return text + relink;
}

std::string device_create_hint(const std::string& path) {
  if (path.rfind("/dev/nullb", 0) == 0) return "modprobe null_blk nr_devices=1   # creates /dev/nullb0";
  if (path.rfind("/dev/loop", 0) == 0) return "losetup " + path + " <backing-file>";
  return "";
}

std::string unavailable_module_fix(const DoctorInputs& in, const std::string& module) {
  return module_failure_hint(module, ENOENT, in.kernel_release, in.module_env);
}

}  // namespace nvmetctl::doctor::util
