#pragma once
// Undoing a run that failed or was interrupted, and proving it: the undo
// operations of the completed steps in reverse, then a fresh read compared
// with the snapshot taken before the run.
#include <string>
#include <vector>

#include "nvmetctl/apply/environment.h"
#include "nvmetctl/configfs/config_fs.h"
#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/model/target.h"
#include "nvmetctl/plan/plan.h"

namespace nvmetctl {

struct RollbackResult {
  std::size_t undone = 0;
  std::vector<SysError> errors;  // undo operations that failed (rollback carries on)
};

// Undoes steps [0, completed) in reverse order.
RollbackResult roll_back(const Plan& plan, std::size_t completed, Environment& env);

struct RollbackCheck {
  std::vector<std::string> drift;  // how the tree differs from the snapshot
  // Device paths a rollback cannot unset (the kernel has no way back to
  // none); inert while their namespace or passthru is disabled.
  std::vector<std::string> kept;
};

// Reads the whole tree again and compares it with `snapshot`.
RollbackCheck check_rolled_back(const Target& snapshot, const ConfigFs& fs, const NvmetLayout& layout);

// RDMA links are outside configfs: after undoing steps [0, completed),
// a link those steps added must be gone and one they deleted back. Lists the
// links once, and only when a completed step touched one.
std::vector<std::string> rdma_link_drift(const Plan& plan, std::size_t completed, RdmaLinks* rdma);

// TLS PSKs are outside configfs too (engine/tls_key_drift.cpp). After a run:
// each key it added holds the file's key, each it removed is gone. After a
// rollback of steps [0, completed): each identity holds what it held before.
std::vector<std::string> tls_key_drift_after_run(const Plan& plan, PskKeyring* keyring);
std::vector<std::string> tls_key_drift_after_rollback(const Plan& plan, std::size_t completed, PskKeyring* keyring);

}  // namespace nvmetctl
