#include "nvmetctl/doctor/failure_explanation.h"

#include <cerrno>

#include "nvmetctl/doctor/doctor.h"
#include "nvmetctl/util/sys_files.h"

namespace nvmetctl {
namespace {

// The traddr a port link brings up: what the plan wrote to the port, or
// what the port already had. Read from the plan first, since by the time the
// failure is explained the rollback may have removed a port made by this run.
std::string port_traddr_for_link(const Plan& plan, const Operation& link) {
  auto subsystems = link.path.rfind("/subsystems/");
  if (subsystems == std::string::npos || link.path.find("/ports/") == std::string::npos) return {};
  const std::string traddr_file = link.path.substr(0, subsystems) + "/addr_traddr";
  for (const Step& step : plan.steps)
    if (step.op.kind == OpKind::Write && step.op.path == traddr_file) return step.op.value;
  return sys_files::read_trimmed(traddr_file).value_or("");
}

}  // namespace

FailureExplanation explain_failure(const Plan& plan, std::size_t failed_step, const SysError& error,
                                   const std::vector<KernelLogLine>& kernel_log, const SystemPaths& paths) {
  if (failed_step >= plan.steps.size()) return {};
  Operation op = plan.steps[failed_step].op;
  if (op.kind == OpKind::Symlink && op.detail.empty()) op.detail = port_traddr_for_link(plan, op);
  // Naming the interface an RDMA address lives on needs the network.
  std::unique_ptr<NetworkInfo> network;
  if (op.kind == OpKind::Symlink && error.errnum == ENODEV) network = make_system_network_info(paths);
  doctor::Finding finding = doctor::diagnose_failed_operation(op, error, kernel_log, network.get(), nullptr, paths);
  if (finding.id.empty()) return {};
  return {finding.what + " (doctor: " + finding.id + ")", finding.fix};
}

}  // namespace nvmetctl
