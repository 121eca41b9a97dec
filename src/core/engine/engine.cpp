#include "nvmetctl/engine/engine.h"

#include <algorithm>
#include <functional>
#include <set>

#include "nvmetctl/engine/kernel_facts_reader.h"
#include "nvmetctl/engine/port_address_checks.h"
#include "nvmetctl/kernel/module_failure.h"

namespace nvmetctl {
namespace {

bool uses_rdma(const Target& t) {
  if (!t.rdma_links.empty()) return true;
  for (const Port& p : t.ports)
    if (p.attrs.count("addr_trtype") && p.attrs.at("addr_trtype") == "rdma") return true;
  return false;
}

SystemFacts gather_facts(const Target& desired, EngineContext& ctx, const LiveState& live) {
  SystemFacts facts;
  facts.kernel_release = ctx.modules ? ctx.modules->kernel_release() : read_kernel_release(ctx.paths).value_or("");
  facts.configfs_mounted = live.nvmet_loaded || configfs_mounted_at(ctx.paths, ctx.paths.configfs);
  if (ctx.modules) {
    for (const RequiredModule& module : required_modules(desired)) {
      auto state = ctx.modules->state(module.name);
      if (!state) {
        facts.module_problems[module.name] = state.error().describe();
        continue;
      }
      facts.modules[module.name] = *state;
      if (*state == ModuleState::Unavailable) {
        facts.module_problems[module.name] = "module " + module.name + " is not available for kernel " + facts.kernel_release;
        facts.module_hints[module.name] = module_failure_hint(module.name, ENOENT, facts.kernel_release, ctx.paths);
      }
    }
  } else {
    // Without a loader (tests on a fake tree) everything counts as present.
    for (const RequiredModule& module : required_modules(desired)) facts.modules[module.name] = ModuleState::BuiltIn;
  }
  if (ctx.rdma && uses_rdma(desired)) {
    auto devices = ctx.rdma->list();
    if (devices) facts.rdma_devices = *devices;
    else facts.rdma_problem = devices.error().describe();
  }
  if (ctx.network)
    for (const RdmaLink& link : desired.rdma_links)
      if (!ctx.network->netdev_exists(link.netdev)) facts.missing_netdevs.insert(link.netdev);
  return facts;
}

ApplyReport read_failed(const SysError& error) {
  ApplyReport report;
  report.status = ApplyStatus::ReadFailed;
  report.read_error = error;
  return report;
}

const char* op_path_suffix(const Operation& op) { return op.kind == OpKind::Symlink ? " (link)" : ""; }

}  // namespace

namespace {

Expected<LiveState> read_live_for(const Target& desired, EngineContext& ctx, bool full_read) {
  ReadScope scope;
  scope.all_attributes = full_read;
  scope.declared = &desired;
  return read_live_state(ctx.fs, ctx.layout(), scope);
}

FullPlan plan_with_facts(const Target& desired, LiveState live, SystemFacts facts, KernelFacts kernel,
                         EngineContext& ctx, const PlanOptions& options) {
  FullPlan result;
  result.live = std::move(live);
  result.facts = std::move(facts);
  result.kernel = std::move(kernel);
  Plan prerequisites = plan_prerequisites(desired, result.facts, ctx.paths.configfs);
  Plan configfs = plan_configfs(desired, result.live, ctx.layout(), result.kernel, options);
  result.plan = std::move(prerequisites);
  for (auto& step : configfs.steps) result.plan.steps.push_back(std::move(step));
  result.plan.problems.append(configfs.problems);
  result.plan.unmanaged = std::move(configfs.unmanaged);
  check_port_addresses(desired, result.live, result.facts, options, ctx, result.plan);
  return result;
}

}  // namespace

Expected<FullPlan> make_full_plan(const Target& desired, EngineContext& ctx, const PlanOptions& options,
                                  bool full_read) {
  auto live = read_live_for(desired, ctx, full_read);
  if (!live) return live.error();
  FullPlan plan = plan_from_live(desired, std::move(*live), ctx, options);
  // Objects removed or recreated carry attributes the file does not declare
  // (a recreated subsystem keeps its passthru, firmware, ...), which only a
  // full read has: plan again from one, so the plan shows what apply does.
  bool carries = std::any_of(plan.plan.steps.begin(), plan.plan.steps.end(), [](const Step& step) {
    return step.change == ChangeKind::Replace || step.change == ChangeKind::Remove;
  });
  if (full_read || !carries) return plan;
  auto full = read_live_for(desired, ctx, true);
  if (!full) return full.error();
  return plan_with_facts(desired, std::move(*full), std::move(plan.facts), std::move(plan.kernel), ctx, options);
}

FullPlan plan_from_live(const Target& desired, LiveState live, EngineContext& ctx, const PlanOptions& options) {
  SystemFacts facts = gather_facts(desired, ctx, live);
  KernelFacts kernel = read_kernel_facts(ctx.paths, facts.kernel_release);
  return plan_with_facts(desired, std::move(live), std::move(facts), std::move(kernel), ctx, options);
}

std::vector<std::string> describe_drift(const Plan& plan, const NvmetLayout& layout) {
  // A link the plan removes and makes again is a port relinked for the
  // attribute writes between (already listed), not a link of its own.
  std::set<std::string> unlinked, linked;
  for (const Step& step : plan.steps) {
    if (step.op.kind == OpKind::Unlink) unlinked.insert(step.op.path);
    if (step.op.kind == OpKind::Symlink) linked.insert(step.op.path);
  }
  std::vector<std::string> lines;
  for (const Step& step : plan.steps) {
    bool relink = (step.op.kind == OpKind::Unlink || step.op.kind == OpKind::Symlink) &&
                  unlinked.count(step.op.path) && linked.count(step.op.path);
    if (relink) continue;
    std::string path = layout.relative(step.op.path);
    switch (step.op.kind) {
      case OpKind::Write:
        lines.push_back(path + ": desired '" + (step.secret ? "<secret>" : step.op.value) + "', current '" +
                        (step.secret ? "<secret>" : step.old_value.value_or("")) + "'");
        break;
      case OpKind::Mkdir: lines.push_back(path + ": missing"); break;
      case OpKind::Rmdir: lines.push_back(path + ": present, but not wanted"); break;
      case OpKind::Symlink: lines.push_back(path + op_path_suffix(step.op) + ": link missing"); break;
      case OpKind::Unlink: lines.push_back(path + ": link present, but not wanted"); break;
      default: lines.push_back(std::string(op_kind_name(step.op.kind)) + " " + step.op.path + ": still pending"); break;
    }
  }
  return lines;
}

namespace {

// "(null)" before the run, set after the rollback: the kernel cannot unset a
// device path, so the rollback says what it had to keep.
std::vector<std::string> kept_device_paths(const Target& before, const Target& after, const NvmetLayout& layout) {
  std::vector<std::string> kept;
  auto compare = [&](const AttrMap& was, const AttrMap& now, const std::string& path) {
    std::string device = attr_value(now, "device_path");
    if (attr_value(was, "device_path") == "(null)" && !device.empty() && device != "(null)")
      kept.push_back(layout.relative(path) + "/device_path: '" + device + "' stays (the kernel cannot unset a device path)");
  };
  for (const Subsystem& s : before.subsystems) {
    const Subsystem* now = after.find_subsystem(s.nqn);
    if (!now) continue;
    if (s.passthru && now->passthru) compare(s.passthru->attrs, now->passthru->attrs, layout.passthru(s.nqn));
    for (const Namespace& ns : s.namespaces)
      if (const Namespace* now_ns = now->find_namespace(ns.nsid))
        compare(ns.attrs, now_ns->attrs, layout.namespace_dir(s.nqn, ns.nsid));
  }
  return kept;
}

ApplyReport execute_with_rollback(Plan plan, const Target& snapshot, EngineContext& ctx,
                                  const std::function<std::vector<std::string>()>& verify,
                                  const std::atomic<bool>* interrupted) {
  ApplyReport report;
  report.plan = std::move(plan);
  Environment env = ctx.environment();
  ExecutionResult run = execute_plan(report.plan, env, interrupted);
  report.completed = run.completed;
  report.failure = run.failure;
  if (!run.failure) {
    report.verify_drift = verify();
    if (report.verify_drift.empty()) {
      report.status = ApplyStatus::Applied;
      return report;
    }
  }
  report.rollback = roll_back(report.plan, report.completed, env);
  // The state after rollback must equal the snapshot taken before the run.
  PlanOptions exact;
  exact.prune = true;
  auto after = read_live_state(ctx.fs, ctx.layout(), ReadScope{});
  if (!after) {
    report.rollback_drift.push_back("cannot re-read configfs: " + after.error().describe());
  } else {
    Plan residue = plan_configfs(snapshot, *after, ctx.layout(), KernelFacts{}, exact);
    report.rollback_drift = describe_drift(residue, ctx.layout());
    report.rollback_kept = kept_device_paths(snapshot, after->target, ctx.layout());
  }
  report.status = report.rollback.errors.empty() && report.rollback_drift.empty() ? ApplyStatus::FailedRolledBack
                                                                                   : ApplyStatus::FailedRollbackIncomplete;
  return report;
}

}  // namespace

ApplyReport apply_target(const Target& desired, EngineContext& ctx, const PlanOptions& options,
                         const std::atomic<bool>* interrupted) {
  ApplyReport report;
  // A cheap read first: a no-op apply must not pay for a full snapshot.
  auto quick = make_full_plan(desired, ctx, options, false);
  if (!quick) return read_failed(quick.error());
  if (quick->plan.blocked() || quick->plan.empty()) {
    report.plan = std::move(quick->plan);
    report.status = report.plan.blocked() ? ApplyStatus::Blocked : ApplyStatus::NoChanges;
    return report;
  }
  // The snapshot rollback needs: every attribute. The module, RDMA and
  // kernel facts cannot have changed since the quick pass, so it keeps them.
  auto snapshot_live = read_live_for(desired, ctx, true);
  if (!snapshot_live) return read_failed(snapshot_live.error());
  FullPlan full = plan_with_facts(desired, std::move(*snapshot_live), std::move(quick->facts), std::move(quick->kernel),
                                  ctx, options);
  if (full.plan.blocked()) {
    report.plan = std::move(full.plan);
    report.status = ApplyStatus::Blocked;
    return report;
  }
  Target snapshot = full.live.target;
  auto verify = [&]() -> std::vector<std::string> {
    auto after = read_live_for(desired, ctx, false);
    if (!after) return {"cannot re-read configfs: " + after.error().describe()};
    Plan residue = plan_configfs(desired, *after, ctx.layout(), full.kernel, options);
    return describe_drift(residue, ctx.layout());
  };
  return execute_with_rollback(std::move(full.plan), snapshot, ctx, verify, interrupted);
}

ApplyReport clear_target(EngineContext& ctx, const ClearOptions& options, const std::atomic<bool>* interrupted) {
  ApplyReport report;
  auto live = read_live_state(ctx.fs, ctx.layout(), ReadScope{});
  if (!live) return read_failed(live.error());
  Plan plan = plan_teardown(*live, ctx.layout());
  if (options.rdma_links && ctx.rdma) {
    auto devices = ctx.rdma->list();
    if (devices)
      for (const RdmaDevice& device : *devices) {
        if (device.link_type != "rxe" && device.link_type != "siw") continue;
        Step step;
        step.change = ChangeKind::Remove;
        step.op = {OpKind::RemoveRdmaLink, device.name, {}, {}};
        step.object = "rdma link " + device.name;
        step.undo = {{OpKind::AddRdmaLink, device.name, device.link_type, device.netdev}};
        plan.steps.push_back(step);
      }
  }
  if (options.unload_modules && ctx.modules) {
    // Transports first: each pins nvmet while loaded. Unloading rdma_rxe or
    // siw deletes every link of that type, so only with --rdma-links.
    for (const char* module : {"nvmet-rdma", "nvmet-tcp", "nvmet-fc", "nvme-loop", "nvmet", "rdma_rxe", "siw"}) {
      bool link_module = std::string(module) == "rdma_rxe" || std::string(module) == "siw";
      if (link_module && !options.rdma_links) continue;
      auto state = ctx.modules->state(module);
      if (!state || *state != ModuleState::Loaded) continue;
      Step step;
      step.change = ChangeKind::Remove;
      step.op = {OpKind::UnloadModule, module, {}, {}};
      step.object = std::string("module ") + module;
      step.undo = {{OpKind::LoadModule, module, {}, {}}};
      plan.steps.push_back(step);
    }
  }
  if (plan.empty()) {
    report.plan = std::move(plan);
    return report;
  }
  Target snapshot = live->target;
  auto verify = [&]() -> std::vector<std::string> {
    auto after = read_live_state(ctx.fs, ctx.layout(), ReadScope{});
    if (!after) return {"cannot re-read configfs: " + after.error().describe()};
    return describe_drift(plan_teardown(*after, ctx.layout()), ctx.layout());
  };
  return execute_with_rollback(std::move(plan), snapshot, ctx, verify, interrupted);
}

}  // namespace nvmetctl
