#include "nvmetctl/engine/engine.h"

#include <algorithm>
#include <functional>

#include "engine_internal.h"
#include "nvmetctl/engine/served_sizes.h"
#include "nvmetctl/kernel/kernel_facts_reader.h"
#include "nvmetctl/plan/port_address_checks.h"
#include "nvmetctl/util/phase_profile.h"
#include "nvmetctl/tls/live_tls_keys.h"
#include "nvmetctl/util/stable_device_name.h"
#include "run_journal.h"

namespace nvmetctl {
using engine_internal::execute_with_rollback;
using engine_internal::read_failed;
namespace {

// Facts outside configfs that one run reads once, although an apply reads
// configfs up to twice and records sizes at the end.
struct RunFacts {
  std::optional<ServedSizes> recorded_sizes;
  std::optional<std::map<std::string, std::string>> stable_device_names;
};

// What the last apply recorded of the sizes the kernel serves.
const ServedSizes& recorded_sizes(EngineContext& ctx, RunFacts& run) {
  if (!run.recorded_sizes) run.recorded_sizes = ctx.served_sizes ? load_served_sizes(ctx.paths) : ServedSizes{};
  return *run.recorded_sizes;
}

// Only a file with kernel device names reads udev's links.
std::map<std::string, std::string> find_stable_device_names(const Target& desired, const SystemPaths& paths) {
  std::map<std::string, std::string> out;
  StableDeviceNames names(paths.dev);
  for (const Subsystem& s : desired.subsystems)
    for (const Namespace& ns : s.namespaces) {
      std::string path = attr_value(ns.attrs, "device_path");
      if (path.empty() || out.count(path) || !is_kernel_device_name(path, paths.dev)) continue;
      ProfiledPhase profiled("facts: devices");
      if (auto link = names.stable_name(path)) out[path] = *link;
    }
  return out;
}

// The keyring is read only when the plan can touch a key: the file declares
// one, or --prune may take a removed object's keys with it.
bool manages_tls_keys(const Target& desired, const PlanOptions& options) {
  if (options.prune) return true;
  return std::any_of(desired.hosts.begin(), desired.hosts.end(), [](const Host& h) { return h.tls_psk_file.has_value(); });
}

// A declared-only read of a tree with no object in it is already a full one.
bool nothing_live(const LiveState& live) {
  const Target& t = live.target;
  return t.hosts.empty() && t.subsystems.empty() && t.ports.empty();
}

Expected<LiveState> read_live_for(const Target& desired, EngineContext& ctx, const PlanOptions& options, bool full_read,
                                  RunFacts& run) {
  ReadScope scope;
  scope.all_attributes = full_read;
  scope.declared = &desired;
  auto live = read_live_state(ctx.fs, ctx.layout(), scope);
  if (live && ctx.keyring && manages_tls_keys(desired, options)) {
    ProfiledPhase profiled("facts: tls keys");
    live->tls = read_live_tls_keys(*ctx.keyring, wanted_tls_identities(desired, live->target));
  }
  if (live) {
    if (!run.stable_device_names) run.stable_device_names = find_stable_device_names(desired, ctx.paths);
    live->stable_device_names = *run.stable_device_names;
  }
  // Nothing live (a cold apply) has no size to compare: the record is not read.
  if (live && ctx.served_sizes && !nothing_live(*live)) {
    ProfiledPhase profiled("served sizes");
    live->resized_namespaces = find_resized_namespaces(desired, live->target, recorded_sizes(ctx, run), ctx.paths);
  }
  return live;
}

// After a run that left the file's target in place: what the kernel now
// serves each enabled namespace with.
void record_served_sizes(const Target& desired, EngineContext& ctx, ApplyReport& report, RunFacts& run) {
  if (!ctx.served_sizes) return;
  if (report.status != ApplyStatus::NoChanges && report.status != ApplyStatus::Applied) return;
  ProfiledPhase profiled("served sizes");
  ServedSizes after =
      sizes_after_apply(desired, report.plan, [&]() -> const ServedSizes& { return recorded_sizes(ctx, run); }, ctx.paths);
  if (run.recorded_sizes && after == *run.recorded_sizes) return;  // unchanged: not written again
  if (auto saved = save_served_sizes(after, ctx.paths); !saved) report.sizes_error = saved.error();
}

// `earlier`: facts an earlier plan of the same run gathered, kept (the
// modules, RDMA devices and listeners cannot have changed under the lock).
FullPlan plan_with_facts(const Target& desired, LiveState live, SystemFacts facts, KernelFacts kernel,
                         EngineContext& ctx, const PlanOptions& options, const ListenerFacts* earlier = nullptr) {
  ProfiledPhase profiled("plan");
  FullPlan result;
  result.live = std::move(live);
  result.facts = std::move(facts);
  result.kernel = std::move(kernel);
  Outcome outcome(desired, result.live, result.kernel, options);
  Plan configfs = plan_configfs(outcome, ctx.layout());
  result.plan = plan_prerequisites(desired, result.facts, ctx.paths.configfs);
  for (auto& step : configfs.steps) result.plan.steps.push_back(std::move(step));
  result.plan.problems.append(configfs.problems);
  result.plan.unmanaged = std::move(configfs.unmanaged);
  result.listeners = read_listener_facts(outcome, ctx.paths.proc, earlier);
  check_port_addresses(outcome, result.facts, result.listeners, ctx.network, result.plan);
  return result;
}

bool carries_undeclared_attributes(const Plan& plan) {
  return std::any_of(plan.steps.begin(), plan.steps.end(), [](const Step& step) {
    return step.change == ChangeKind::Replace || step.change == ChangeKind::Remove;
  });
}

Expected<FullPlan> full_plan(const Target& desired, EngineContext& ctx, const PlanOptions& options, bool full_read,
                             RunFacts& run) {
  auto live = read_live_for(desired, ctx, options, full_read, run);
  if (!live) return live.error();
  SystemFacts facts = gather_system_facts(desired, ctx, *live);
  KernelFacts kernel = read_kernel_facts(ctx.paths, facts.kernel_release);
  FullPlan plan = plan_with_facts(desired, std::move(*live), std::move(facts), std::move(kernel), ctx, options);
  // Objects removed or recreated carry attributes the file does not declare
  // (a recreated subsystem keeps its passthru, firmware, ...), which only a
  // full read has: plan again from one, so the plan shows what apply does.
  if (full_read || !carries_undeclared_attributes(plan.plan)) return plan;
  auto full = read_live_for(desired, ctx, options, true, run);
  if (!full) return full.error();
  return plan_with_facts(desired, std::move(*full), std::move(plan.facts), std::move(plan.kernel), ctx, options,
                         &plan.listeners);
}

// clear --rdma-links: every rxe/siw link; clear --unload-modules: the
// transports, then nvmet.
void add_clear_extras(Plan& plan, EngineContext& ctx, const ClearOptions& options) {
  if (options.rdma_links && ctx.rdma)
    if (auto devices = ctx.rdma->list())
      for (const RdmaDevice& device : *devices) {
        if (device.link_type != "rxe" && device.link_type != "siw") continue;
        plan.steps.push_back({ChangeKind::Remove,
                              {OpKind::RemoveRdmaLink, device.name, {}, {}},
                              "rdma link " + device.name,
                              std::nullopt,
                              false,
                              {},
                              {{OpKind::AddRdmaLink, device.name, device.link_type, device.netdev}}});
      }
  if (!options.unload_modules || !ctx.modules) return;
  // Transports first: each pins nvmet while loaded. Unloading rdma_rxe or
  // siw deletes every link of that type, so only with --rdma-links.
  for (const char* module : {"nvmet-rdma", "nvmet-tcp", "nvmet-fc", "nvme-loop", "nvmet", "rdma_rxe", "siw"}) {
    bool link_module = std::string(module) == "rdma_rxe" || std::string(module) == "siw";
    if (link_module && !options.rdma_links) continue;
    auto state = ctx.modules->state(module);
    if (!state || *state != ModuleState::Loaded) continue;
    plan.steps.push_back({ChangeKind::Remove,
                          {OpKind::UnloadModule, module, {}, {}},
                          std::string("module ") + module,
                          std::nullopt,
                          false,
                          {},
                          {{OpKind::LoadModule, module, {}, {}}}});
  }
}

}  // namespace

Expected<FullPlan> make_full_plan(const Target& desired, EngineContext& ctx, const PlanOptions& options,
                                  bool full_read) {
  RunFacts run;
  return full_plan(desired, ctx, options, full_read, run);
}

FullPlan plan_from_live(const Target& desired, LiveState live, EngineContext& ctx, const PlanOptions& options) {
  SystemFacts facts = gather_system_facts(desired, ctx, live);
  KernelFacts kernel = read_kernel_facts(ctx.paths, facts.kernel_release);
  return plan_with_facts(desired, std::move(live), std::move(facts), std::move(kernel), ctx, options);
}

ApplyReport apply_target(const Target& desired, EngineContext& ctx, const PlanOptions& options,
                         const std::atomic<bool>* interrupted, const ApplyConfirm& confirm) {
  ApplyReport report;
  RunFacts run;
  // A cheap read first: a no-op apply must not pay for a full snapshot.
  auto quick = full_plan(desired, ctx, options, false, run);
  if (!quick) return read_failed(quick.error());
  if (quick->plan.blocked() || quick->plan.empty()) {
    report.plan = std::move(quick->plan);
    report.status = report.plan.blocked() ? ApplyStatus::Blocked : ApplyStatus::NoChanges;
    // The target is as the file wants: an interrupted run is history.
    if (report.status == ApplyStatus::NoChanges)
      if (auto forgotten = engine_internal::forget_interrupted_run(ctx); !forgotten)
        report.journal_error = forgotten.error();
    record_served_sizes(desired, ctx, report, run);
    return report;
  }
  // The snapshot rollback needs: every attribute. The module, RDMA, kernel
  // and listener facts cannot have changed since the quick pass, so it keeps
  // them; on a node with no target yet, the quick read was the whole tree.
  FullPlan full = std::move(*quick);
  if (!nothing_live(full.live)) {
    auto snapshot_live = read_live_for(desired, ctx, options, true, run);
    if (!snapshot_live) return read_failed(snapshot_live.error());
    ListenerFacts listeners = std::move(full.listeners);
    full = plan_with_facts(desired, std::move(*snapshot_live), std::move(full.facts), std::move(full.kernel), ctx,
                           options, &listeners);
  }
  if (full.plan.blocked()) {
    report.plan = std::move(full.plan);
    report.status = ApplyStatus::Blocked;
    return report;
  }
  const std::set<std::string> touched = touched_objects(full.plan, ctx.layout());
  auto verify = [&] {
    return verify_applied(desired, ctx.fs, ctx.layout(), full.kernel, options, &touched, &full.live);
  };
  ApplyReport done =
      execute_with_rollback(std::move(full.plan), full.live.target, ctx, verify, interrupted, "apply", confirm);
  record_served_sizes(desired, ctx, done, run);
  return done;
}

// clear: every key of a subsystem it removes goes too.
static Expected<LiveState> read_live_for_clear(EngineContext& ctx) {
  auto live = read_live_state(ctx.fs, ctx.layout(), ReadScope{});
  if (live && ctx.keyring) live->tls = read_live_tls_keys(*ctx.keyring, {});
  return live;
}

Expected<Plan> plan_clear(EngineContext& ctx, const ClearOptions& options) {
  auto live = read_live_for_clear(ctx);
  if (!live) return live.error();
  Plan plan = plan_teardown(*live, ctx.layout());
  add_clear_extras(plan, ctx, options);
  return plan;
}

ApplyReport clear_target(EngineContext& ctx, const ClearOptions& options, const std::atomic<bool>* interrupted) {
  ApplyReport report;
  auto live = read_live_for_clear(ctx);
  if (!live) return read_failed(live.error());
  Plan plan = plan_teardown(*live, ctx.layout());
  add_clear_extras(plan, ctx, options);
  if (plan.empty()) {
    report.plan = std::move(plan);
    return report;
  }
  auto verify = [&] { return verify_cleared(ctx.fs, ctx.layout()); };
  return execute_with_rollback(std::move(plan), live->target, ctx, verify, interrupted, "clear");
}

}  // namespace nvmetctl
