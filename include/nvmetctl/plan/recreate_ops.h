#pragma once
// The operations that bring back an object exactly as it was read, used as
// the undo of its removal.
#include <vector>

#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/model/target.h"
#include "nvmetctl/plan/operation.h"

namespace nvmetctl {

// Writes that restore `attrs` on a fresh object of `kind` at `dir`, in the
// kernel's required order, skipping values a fresh object already has and
// values that cannot be written back (unset paths, empty addresses).
std::vector<Operation> restore_attribute_writes(ObjectKind kind, const std::string& dir,
                                                const AttrMap& attrs);

std::vector<Operation> recreate_ops(ObjectKind kind, const std::string& dir, const AttrMap& attrs);

}  // namespace nvmetctl
