#pragma once
// Shared by the doctor's checks: object names, paths for fixes, evidence.
#include <string>
#include <vector>

#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/doctor/doctor.h"

namespace nvmetctl::doctor::util {

inline std::string port_object(std::uint16_t id) { return "port " + std::to_string(id); }
inline std::string namespace_object(const std::string& nqn, std::uint32_t nsid) {
  return "namespace " + std::to_string(nsid) + " of " + nqn;
}
inline std::string subsystem_object(const std::string& nqn) { return "subsystem " + nqn; }

inline NvmetLayout layout(const DoctorInputs& in) { return NvmetLayout(in.paths.configfs); }

inline std::string log_evidence(const KernelLogLine& line) { return "kernel log: " + line.stamped(); }
// The last `max` of the events, as evidence: the newest say what is wrong now.
inline void add_log(Finding& f, const std::vector<const LogEvent*>& events, std::size_t max = 2) {
  std::size_t from = events.size() > max ? events.size() - max : 0;
  for (std::size_t i = from; i < events.size(); ++i) f.evidence.push_back(log_evidence(events[i]->line));
}

// "read <path>: '<value>'"
inline std::string read_evidence(const std::string& path, const std::string& value) {
  return "read " + path + ": '" + value + "'";
}

std::optional<ModuleState> module_state(const DoctorInputs& in, const std::string& name);
bool module_present(const DoctorInputs& in, const std::string& name);  // loaded or built in

// Same IP by value ("10.0.0.1" vs "10.0.0.01" are not; "::1" vs "0::1" are).
bool same_ip(const std::string& a, const std::string& b);

// The only non-loopback interface that is up, or "<netdev>" when ambiguous.
std::string guess_netdev(const DoctorInputs& in);
// "lo 127.0.0.1/8, nvmt0 10.111.0.1/24"
std::string local_addresses(const DoctorInputs& in);

// "rm L1 L2; echo V > A; ln -s T1 L1; ..." to change a port attribute by hand.
std::string relink_command(const NvmetLayout& layout, const Port& port, const std::string& between);

// How to make a missing device appear ("modprobe null_blk ..."), or "".
std::string device_create_hint(const std::string& path);

// Sentences for modules (from module_failure.h), for a module the kernel lacks.
std::string unavailable_module_fix(const DoctorInputs& in, const std::string& module);

}  // namespace nvmetctl::doctor::util
