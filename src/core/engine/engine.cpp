#include "nvmetctl/engine/engine.h"

#include <cstdlib>
#include <functional>

#include "nvmetctl/engine/kernel_facts_reader.h"
#include "nvmetctl/kernel/module_failure.h"
#include "nvmetctl/net/tcp_sockets.h"
#include "nvmetctl/rdma/rdma_address_coverage.h"

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

// The kernel refuses an rdma port whose address no RDMA device serves (-99,
// -19); say so at plan time instead of failing half-way.
void warn_uncovered_rdma_ports(const Target& desired, const SystemFacts& facts, EngineContext& ctx, Plan& plan) {
  if (!ctx.network) return;
  std::vector<RdmaDevice> devices = facts.rdma_devices.value_or(std::vector<RdmaDevice>{});
  for (const RdmaLink& link : desired.rdma_links) {
    RdmaDevice planned;
    planned.name = link.name;
    planned.link_type = link.type;
    planned.netdev = link.netdev;
    planned.port_state = 4;
    devices.push_back(planned);
  }
  for (const Port& port : desired.ports) {
    if (!port.attrs.count("addr_trtype") || port.attrs.at("addr_trtype") != "rdma") continue;
    std::string traddr = port.attrs.count("addr_traddr") ? port.attrs.at("addr_traddr") : "";
    auto check = check_rdma_address(traddr, *ctx.network, devices);
    if (!check) continue;
    std::string object = "port " + std::to_string(port.id);
    if (check->coverage == RdmaAddressCoverage::NotLocal)
      plan.problems.warning(port.where, object,
                            "traddr " + traddr + " is not on any local interface: the kernel will refuse the port "
                            "(binding CM ID failed (-99)); add it with 'ip addr add " + traddr + "/24 dev <netdev>'");
    else if (check->coverage == RdmaAddressCoverage::NoRdmaDevice)
      plan.problems.warning(port.where, object,
                            "traddr " + traddr + " is on " + check->interface + ", which no RDMA device covers: the "
                            "kernel will refuse the port (-19); add an rdma_links entry {name: rxe_" + check->interface +
                            ", type: rxe, netdev: " + check->interface + "} or run 'rdma link add rxe_" +
                            check->interface + " type rxe netdev " + check->interface + "'");
  }
}

// A process listening on a tcp port's address makes the kernel refuse the
// port (EADDRINUSE) only once a subsystem is linked, half-way through apply:
// refuse at plan time instead, naming the process.
void refuse_tcp_ports_held_by_processes(const Target& desired, const LiveState& live, EngineContext& ctx,
                                        Plan& plan) {
  std::optional<std::vector<TcpSocket>> sockets;
  for (const Port& port : desired.ports) {
    auto attr = [&](const char* file) { return port.attrs.count(file) ? port.attrs.at(file) : std::string(); };
    if (attr("addr_trtype") != "tcp" || attr("addr_traddr").empty() || attr("addr_trsvcid").empty()) continue;
    const Port* live_port = live.target.find_port(port.id);
    bool will_listen = port.subsystems ? !port.subsystems->empty()
                                       : live_port && live_port->subsystems && !live_port->subsystems->empty();
    if (!will_listen) continue;
    auto live_attr = [&](const char* file) {
      return live_port && live_port->attrs.count(file) ? live_port->attrs.at(file) : std::string();
    };
    bool already_listening = live_port && live_port->enabled() && live_attr("addr_trtype") == "tcp" &&
                             live_attr("addr_traddr") == attr("addr_traddr") &&
                             live_attr("addr_trsvcid") == attr("addr_trsvcid");
    if (already_listening) continue;  // nothing to bind: the kernel holds it already
    unsigned long service = std::strtoul(attr("addr_trsvcid").c_str(), nullptr, 10);
    if (service == 0 || service > 0xffff) continue;
    if (!sockets) sockets = read_tcp_sockets(ctx.paths.proc);
    auto conflict = find_process_listener(*sockets, attr("addr_traddr"), static_cast<std::uint16_t>(service));
    if (!conflict) continue;
    std::string holder = process_holding_socket(ctx.paths.proc, conflict->listener.inode);
    std::string message = "traddr " + attr("addr_traddr") + " trsvcid " + attr("addr_trsvcid") +
                          " is taken: " + (holder.empty() ? "a process" : holder) + " listens on " +
                          conflict->listener.local_address + ":" + attr("addr_trsvcid") +
                          (conflict->certain ? ", so the kernel will refuse the port (EADDRINUSE)"
                                             : ", so the kernel may refuse the port (EADDRINUSE) unless that "
                                               "socket is IPv6-only") +
                          "; stop it, or choose another trsvcid (see: ss -ltnp 'sport = :" + attr("addr_trsvcid") +
                          "')";
    std::string object = "port " + std::to_string(port.id);
    if (conflict->certain) plan.problems.error(port.where, object, message);
    else plan.problems.warning(port.where, object, message);
  }
}

const char* op_path_suffix(const Operation& op) { return op.kind == OpKind::Symlink ? " (link)" : ""; }

}  // namespace

Expected<FullPlan> make_full_plan(const Target& desired, EngineContext& ctx, const PlanOptions& options,
                                  bool full_read) {
  ReadScope scope;
  scope.all_attributes = full_read;
  scope.declared = &desired;
  auto live = read_live_state(ctx.fs, ctx.layout(), scope);
  if (!live) return live.error();
  return plan_from_live(desired, std::move(*live), ctx, options);
}

FullPlan plan_from_live(const Target& desired, LiveState live, EngineContext& ctx, const PlanOptions& options) {
  FullPlan result;
  NvmetLayout layout = ctx.layout();
  result.live = std::move(live);
  result.facts = gather_facts(desired, ctx, result.live);
  result.kernel = read_kernel_facts(ctx.paths, result.facts.kernel_release);
  Plan prerequisites = plan_prerequisites(desired, result.facts, ctx.paths.configfs);
  Plan configfs = plan_configfs(desired, result.live, layout, result.kernel, options);
  result.plan = std::move(prerequisites);
  for (auto& step : configfs.steps) result.plan.steps.push_back(std::move(step));
  result.plan.problems.append(configfs.problems);
  result.plan.unmanaged = std::move(configfs.unmanaged);
  warn_uncovered_rdma_ports(desired, result.facts, ctx, result.plan);
  refuse_tcp_ports_held_by_processes(desired, result.live, ctx, result.plan);
  return result;
}

std::vector<std::string> describe_drift(const Plan& plan, const NvmetLayout& layout) {
  std::vector<std::string> lines;
  for (const Step& step : plan.steps) {
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
  if (!quick) {
    report.status = ApplyStatus::Blocked;
    report.plan.problems.error({}, "", quick.error().describe());
    return report;
  }
  if (quick->plan.blocked() || quick->plan.empty()) {
    report.plan = std::move(quick->plan);
    report.status = report.plan.blocked() ? ApplyStatus::Blocked : ApplyStatus::NoChanges;
    return report;
  }
  auto full = make_full_plan(desired, ctx, options, true);
  if (!full) {
    report.status = ApplyStatus::Blocked;
    report.plan.problems.error({}, "", full.error().describe());
    return report;
  }
  if (full->plan.blocked()) {
    report.plan = std::move(full->plan);
    report.status = ApplyStatus::Blocked;
    return report;
  }
  Target snapshot = full->live.target;
  auto verify = [&]() -> std::vector<std::string> {
    ReadScope scope;
    scope.all_attributes = false;
    scope.declared = &desired;
    auto after = read_live_state(ctx.fs, ctx.layout(), scope);
    if (!after) return {"cannot re-read configfs: " + after.error().describe()};
    Plan residue = plan_configfs(desired, *after, ctx.layout(), full->kernel, options);
    return describe_drift(residue, ctx.layout());
  };
  return execute_with_rollback(std::move(full->plan), snapshot, ctx, verify, interrupted);
}

ApplyReport clear_target(EngineContext& ctx, const ClearOptions& options, const std::atomic<bool>* interrupted) {
  ApplyReport report;
  auto live = read_live_state(ctx.fs, ctx.layout(), ReadScope{});
  if (!live) {
    report.status = ApplyStatus::Blocked;
    report.plan.problems.error({}, "", live.error().describe());
    return report;
  }
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
    // Transports first: each pins nvmet while loaded.
    for (const char* module : {"nvmet-rdma", "nvmet-tcp", "nvmet-fc", "nvme-loop", "nvmet", "rdma_rxe", "siw"}) {
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
