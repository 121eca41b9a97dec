#pragma once
// The ordered steps that take configfs from what it holds to what the file
// declares, each with the operations that undo it.
#include <optional>
#include <string>
#include <vector>

#include "nvmetctl/config/diagnostic.h"
#include "nvmetctl/plan/operation.h"

namespace nvmetctl {

enum class ChangeKind { Create, Update, Replace, Remove };

const char* change_symbol(ChangeKind kind);  // + ~ -/+ -

struct Step {
  ChangeKind change = ChangeKind::Create;
  Operation op;
  std::string object;                    // "subsystem nqn.x", "port 1"
  std::optional<std::string> old_value;  // for writes: what the kernel shows now
  bool secret = false;                   // value must never be printed
  std::string disruption;                // why connected hosts will notice; "" if they won't
  std::vector<Operation> undo;           // restores the state before this step
};

struct Plan {
  std::vector<Step> steps;
  std::vector<std::string> unmanaged;  // live objects the file does not declare
  std::vector<std::string> notes;      // facts that need no step: "module nvmet: already loaded"
  Diagnostics problems;                // errors block apply; warnings are shown

  bool empty() const { return steps.empty(); }
  bool blocked() const { return problems.has_errors(); }
  int configfs_mutations() const;
  struct Summary {
    int create = 0, update = 0, replace = 0, remove = 0;
  };
  Summary summary() const;  // counted per object, not per operation
};

}  // namespace nvmetctl
