#include "nvmetctl/doctor/failure_explanation.h"

#include <cerrno>

#include "nvmetctl/doctor/doctor.h"
#include "nvmetctl/util/sys_files.h"

namespace nvmetctl {
namespace {

// A port attribute as the failed link saw it: the plan's last write before
// the link, or what the port already had. The plan comes first, since by the
// time the failure is explained the rollback may have removed the port.
std::string port_attribute_at(const Plan& plan, std::size_t failed_step, const std::string& port_dir,
                              const std::string& file) {
  const std::string path = port_dir + "/" + file;
  for (std::size_t i = failed_step; i-- > 0;)
    if (plan.steps[i].op.kind == OpKind::Write && plan.steps[i].op.path == path) return plan.steps[i].op.value;
  return sys_files::read_trimmed(path).value_or("");
}

// An fc port's link names the FC port it binds to in detail: ENXIO and
// EALREADY on it are about that FC port.
std::string fc_traddr_for_link(const Plan& plan, std::size_t failed_step, const Operation& link) {
  auto subsystems = link.path.rfind("/subsystems/");
  if (subsystems == std::string::npos || link.path.find("/ports/") == std::string::npos) return {};
  const std::string port_dir = link.path.substr(0, subsystems);
  if (port_attribute_at(plan, failed_step, port_dir, "addr_trtype") != "fc") return {};
  return port_attribute_at(plan, failed_step, port_dir, "addr_traddr");
}

}  // namespace

FailureExplanation explain_failure(const Plan& plan, std::size_t failed_step, const SysError& error,
                                   const std::vector<KernelLogLine>& kernel_log, const SystemPaths& paths) {
  if (failed_step >= plan.steps.size()) return {};
  Operation op = plan.steps[failed_step].op;
  if (op.kind == OpKind::Symlink && op.detail.empty()) op.detail = fc_traddr_for_link(plan, failed_step, op);
  // Naming the interface an RDMA address lives on needs the network.
  std::unique_ptr<NetworkInfo> network;
  if (op.kind == OpKind::Symlink && error.errnum == ENODEV) network = make_system_network_info(paths);
  doctor::Finding finding = doctor::diagnose_failed_operation(op, error, kernel_log, network.get(), nullptr, paths);
  if (finding.id.empty()) return {};
  return {finding.what + " (doctor: " + finding.id + ")", finding.fix};
}

}  // namespace nvmetctl
