#pragma once
// file -> model -> observed state -> outcome -> plan -> apply -> verify
// (-> rollback). The engine strings the layers together.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nvmetctl/apply/environment.h"
#include "nvmetctl/apply/executor.h"
#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/engine/rollback.h"
#include "nvmetctl/engine/verify.h"
#include "nvmetctl/net/network_info.h"
#include "nvmetctl/plan/planner.h"
#include "nvmetctl/plan/port_address_checks.h"
#include "nvmetctl/plan/prerequisites.h"
#include "nvmetctl/configfs/live_state.h"
#include "nvmetctl/system_paths.h"

namespace nvmetctl {

struct EngineContext {
  SystemPaths paths;
  ConfigFs& fs;
  ModuleLoader* modules = nullptr;
  RdmaLinks* rdma = nullptr;
  NetworkInfo* network = nullptr;
  ConfigfsMounter* mounter = nullptr;
  KernelLog* kernel_log = nullptr;
  // The .nvme keyring for hosts' TLS PSKs; nullptr: keys are not managed.
  PskKeyring* keyring = nullptr;
  // apply and clear keep the crash journal in paths.run_dir (engine/journal.h).
  bool crash_journal = false;
  // plan and apply compare namespace devices with the sizes the kernel
  // serves, recorded in paths.run_dir (engine/served_sizes.h).
  bool served_sizes = false;

  NvmetLayout layout() const { return NvmetLayout(paths.configfs); }
  Environment environment() { return {fs, modules, rdma, mounter, kernel_log, keyring}; }
};

struct FullPlan {
  LiveState live;
  SystemFacts facts;
  KernelFacts kernel;
  ListenerFacts listeners;
  Plan plan;  // prerequisites first, then configfs steps
};

// `full_read`: read every attribute (needed to undo removals and to check a
// rollback); otherwise only what the file declares.
Expected<FullPlan> make_full_plan(const Target& desired, EngineContext& ctx, const PlanOptions& options,
                                  bool full_read);
// The same from a state the caller has already read (the doctor reads the
// whole tree once and plans from it).
FullPlan plan_from_live(const Target& desired, LiveState live, EngineContext& ctx, const PlanOptions& options);

// Modules, RDMA devices and netdevs the file needs, as the system has them
// now (engine/system_facts.cpp).
SystemFacts gather_system_facts(const Target& desired, EngineContext& ctx, const LiveState& live);

// ReadFailed: configfs could not be read, so nothing was planned or changed
// (an I/O problem, not a problem of the file). JournalFailed: the crash
// journal could not be written (or read, for rollback); nothing was changed.
enum class ApplyStatus {
  NoChanges,
  Applied,
  Blocked,
  ReadFailed,
  JournalFailed,
  FailedRolledBack,
  FailedRollbackIncomplete
};

struct ApplyReport {
  ApplyStatus status = ApplyStatus::NoChanges;
  Plan plan;
  std::size_t completed = 0;
  std::optional<SysError> read_error;       // with ReadFailed, and JournalFailed
  // The journal could not be removed at the end (the run itself is done).
  std::optional<SysError> journal_error;
  // The served sizes could not be recorded (the apply itself is done).
  std::optional<SysError> sizes_error;
  std::optional<StepFailure> failure;
  std::vector<std::string> verify_drift;    // apply ran but configfs does not match
  // apply --check: what the confirmation found after verify passed (each a
  // reason the change was rolled back).
  std::vector<std::string> confirm_failures;
  RollbackResult rollback;
  std::vector<std::string> rollback_drift;  // state after rollback differs from before
  // Device paths a rollback cannot unset (the kernel has no way back to
  // none); inert while their namespace or passthru is disabled.
  std::vector<std::string> rollback_kept;
};

// Runs after verify passed, with the plan that was applied; anything it
// returns rolls the change back (apply --check: hosts are not served).
using ApplyConfirm = std::function<std::vector<std::string>(const Plan& applied)>;

ApplyReport apply_target(const Target& desired, EngineContext& ctx, const PlanOptions& options,
                         const std::atomic<bool>* interrupted = nullptr, const ApplyConfirm& confirm = {});

// Disables and enables the given ports (unlink and relink each subsystem):
// what makes an rdma port listen again once its RDMA device came back
// (KernelRule::RdmaListenerDiesWithItsDevice). The tree reads the same
// after; a failed step rolls back as apply does. Ports that are not
// enabled are left alone.
ApplyReport restart_ports(EngineContext& ctx, const std::vector<std::uint16_t>& ports);

// Everything the tree holds, removed in the safe order (modules and links optional).
struct ClearOptions {
  bool rdma_links = false;      // remove links the file... (all rxe/siw links)
  bool unload_modules = false;  // transports, then nvmet
};
// What clear would do, without doing it (clear --dry-run).
Expected<Plan> plan_clear(EngineContext& ctx, const ClearOptions& options);
ApplyReport clear_target(EngineContext& ctx, const ClearOptions& options,
                         const std::atomic<bool>* interrupted = nullptr);

}  // namespace nvmetctl
