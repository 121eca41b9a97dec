// apply's explanation of a failed step is the doctor's diagnosis of it.
#include "nvmetctl/engine/failure_hint.h"

#include <cerrno>

#include "nvmetctl/doctor/doctor.h"

namespace nvmetctl {

FailureExplanation explain_failure(const Operation& op, const SysError& error,
                                   const std::vector<KernelLogLine>& kernel_log) {
  // Naming the interface an RDMA address lives on needs the network.
  std::unique_ptr<NetworkInfo> network;
  if (op.kind == OpKind::Symlink && error.errnum == ENODEV) network = make_system_network_info(SystemPaths{});
  doctor::Finding finding = doctor::diagnose_failed_operation(op, error, kernel_log, network.get(), nullptr);
  if (finding.id.empty()) return {};
  return {finding.what + " (doctor: " + finding.id + ")", finding.fix};
}

}  // namespace nvmetctl
