#pragma once
// What engine.cpp and rollback_run.cpp share, private to the engine.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "nvmetctl/engine/engine.h"

namespace nvmetctl::engine_internal {

ApplyReport read_failed(const SysError& error);

// Runs the plan; on a failure, an interrupt or a failed verify, rolls back
// and checks the tree against the snapshot taken before. With a
// `journal_command` (and ctx.crash_journal), the crash journal records the
// snapshot and the plan before the first step, and each step done. A
// `confirm` runs after verify passed; what it reports also rolls back.
ApplyReport execute_with_rollback(Plan plan, const Target& snapshot, EngineContext& ctx,
                                  const std::function<std::vector<std::string>()>& verify,
                                  const std::atomic<bool>* interrupted, const char* journal_command,
                                  const ApplyConfirm& confirm = {});

}  // namespace nvmetctl::engine_internal
