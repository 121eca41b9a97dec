#include "nvmetctl/doctor/failure_explanation.h"

#include <cerrno>

#include "nvmetctl/doctor/doctor.h"

namespace nvmetctl {

FailureExplanation explain_failure(const Operation& op, const SysError& error,
                                   const std::vector<KernelLogLine>& kernel_log, const SystemPaths& paths) {
  // Naming the interface an RDMA address lives on needs the network.
  std::unique_ptr<NetworkInfo> network;
  if (op.kind == OpKind::Symlink && error.errnum == ENODEV) network = make_system_network_info(paths);
  doctor::Finding finding = doctor::diagnose_failed_operation(op, error, kernel_log, network.get(), nullptr, paths);
  if (finding.id.empty()) return {};
  return {finding.what + " (doctor: " + finding.id + ")", finding.fix};
}

}  // namespace nvmetctl
