#include "nvmetctl/engine/engine.h"
#include "nvmetctl/exit_codes.h"

namespace nvmetctl::exit_code {

int for_apply_status(ApplyStatus status) {
  switch (status) {
    case ApplyStatus::NoChanges:
    case ApplyStatus::Applied:
      return kOk;
    case ApplyStatus::Blocked:
      return kInvalidInput;
    case ApplyStatus::ReadFailed:
    case ApplyStatus::JournalFailed:
      return kError;
    case ApplyStatus::FailedRolledBack:
      return kRolledBack;
    case ApplyStatus::FailedRollbackIncomplete:
      return kRollbackIncomplete;
  }
  return kError;
}

}  // namespace nvmetctl::exit_code
