// nvmetctl watch FILE: the agent (core/watch) wired to the real system:
// the engine's apply under the run lock, its plan for drift, the file's
// parser, rtnetlink/uevent/inotify/signalfd events and systemd's notify.
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>

#include "cli_context.h"
#include "live_status.h"
#include "nvmetctl/config/key_secrets.h"
#include "nvmetctl/exit_codes.h"
#include "nvmetctl/model/kernel_behaviour.h"
#include "nvmetctl/status/prometheus_text.h"
#include "nvmetctl/util/durable_file.h"
#include "nvmetctl/util/text_file.h"
#include "nvmetctl/watch/systemd_notify.h"
#include "nvmetctl/watch/watch_agent.h"

namespace nvmetctl::cli {
namespace {

LoadedFile load_file(const std::string& file) {
  LoadedFile loaded;
  auto text = read_text_file(file);
  if (!text) {
    loaded.problems = text.error().describe();
    return loaded;
  }
  ParsedTarget parsed = parse_target_text(*text, file);
  if (parsed.ok()) load_key_secrets(parsed.target, parsed.diagnostics);
  for (const Diagnostic& d : parsed.diagnostics.in_file_order())
    if (d.severity == Severity::Error) loaded.problems += (loaded.problems.empty() ? "" : "\n  ") + d.format();
  if (!parsed.diagnostics.has_errors()) loaded.target = std::move(parsed.target);
  return loaded;
}

std::string step_line(const Step& step, const NvmetLayout& layout) {
  std::string line = std::string(change_symbol(step.change)) + " " + step.object + ": " + op_kind_name(step.op.kind) +
                     " " + (step.op.touches_configfs() ? layout.relative(step.op.path) : step.op.path);
  if (step.op.kind == OpKind::Write) {
    if (step.secret) line += " (a secret)";
    else line += ": desired '" + step.op.value + "', current '" + step.old_value.value_or("") + "'";
  }
  return line;
}

// The agent holds configfs's mount (RealConfigFs walks paths from it) only
// while it works on configfs: held between events, it would keep
// `umount /sys/kernel/config` from working for as long as the agent runs.
struct MountLetGo {
  explicit MountLetGo(RealConfigFs& held) : fs(held) {}
  RealConfigFs& fs;
  MountLetGo(const MountLetGo&) = delete;
  MountLetGo& operator=(const MountLetGo&) = delete;
  ~MountLetGo() { fs.release_mount(); }
};

// An rdma link made again (its netdev was deleted and recreated) leaves the
// rdma ports on it deaf until they are disabled and enabled. `remade` keeps
// the netdevs whose link this agent made until their ports can be restarted
// (a port may still wait for its address when the link comes back).
void restart_orphaned_rdma_ports(const Target& target, const Plan& applied, RealSystem& system,
                                 std::set<std::string>& remade, WatchApplyResult& result) {
  if (!kernel_has(KernelRule::RdmaListenerDiesWithItsDevice,
                  parse_kernel_release(system.modules ? system.modules->kernel_release() : "")))
    return;
  for (const Step& step : applied.steps)
    if (step.op.kind == OpKind::AddRdmaLink) remade.insert(step.op.detail);
  if (remade.empty()) return;
  const NvmetLayout layout = system.engine.layout();
  std::vector<std::uint16_t> ports;
  std::set<std::string> served;
  for (const Port& port : target.ports) {
    if (attr_value(port.attrs, "addr_trtype") != "rdma" || !port.enabled()) continue;
    auto interface = system.network->find_interface_for_address(attr_value(port.attrs, "addr_traddr"));
    if (!interface || !interface->has_value() || !remade.count(**interface)) continue;
    served.insert(**interface);
    bool linked_now = std::any_of(applied.steps.begin(), applied.steps.end(), [&](const Step& step) {
      return step.op.kind == OpKind::Symlink && step.op.path.rfind(layout.port_subsystems(port.id) + "/", 0) == 0;
    });
    if (!linked_now) ports.push_back(port.id);
  }
  for (const std::string& netdev : served) remade.erase(netdev);
  if (ports.empty()) return;
  ApplyReport restarted = restart_ports(system.engine, ports);
  std::string which;
  for (std::uint16_t id : ports) which += (which.empty() ? "" : ", ") + std::to_string(id);
  if (restarted.status == ApplyStatus::Applied) {
    result.operations += restarted.plan.configfs_mutations();
    result.lines.push_back("restarted rdma port " + which +
                           ": its RDMA device was made again, and nvmet-rdma "
                           "listens again only after a disable and enable");
  } else {
    result.status = WatchApplyResult::Status::Failed;
    result.lines.push_back("restarting rdma port " + which + " failed" +
                           (restarted.failure ? ": " + restarted.failure->error.describe() : std::string()));
  }
}

// `check_timeout` > 0: watch --check, the agent's applies are confirmed by check.
WatchApplyResult apply_once(const Target& target, RealSystem& system, const SystemPaths& paths,
                            const PlanOptions& options, double check_timeout, std::set<std::string>& remade_links) {
  WatchApplyResult result;
  auto lock = RunLock::acquire(paths.lock_file, 0);
  if (!lock) {
    if (RunLock::held_by_another_run(lock.error())) {
      result.status = WatchApplyResult::Status::LockBusy;
    } else {
      result.lines.push_back(lock.error().describe());
    }
    return result;
  }
  std::optional<CheckReport> check;
  ApplyConfirm confirm;
  if (check_timeout > 0) confirm = confirm_by_check(paths, system, target, check_timeout, check);
  ApplyReport report = apply_target(target, system.engine, options, nullptr, confirm);
  for (const std::string& failure : report.confirm_failures) result.lines.push_back("not served: " + failure);
  switch (report.status) {
    case ApplyStatus::Applied:
      result.status = WatchApplyResult::Status::Applied;
      result.operations = report.plan.configfs_mutations();
      restart_orphaned_rdma_ports(target, report.plan, system, remade_links, result);
      break;
    case ApplyStatus::NoChanges:
      result.status = WatchApplyResult::Status::NoChanges;
      restart_orphaned_rdma_ports(target, report.plan, system, remade_links, result);
      break;
    case ApplyStatus::Blocked:
      for (const Diagnostic& d : report.plan.problems.in_file_order())
        if (d.severity == Severity::Error) result.lines.push_back(d.format());
      break;
    case ApplyStatus::ReadFailed:
    case ApplyStatus::JournalFailed:
      result.lines.push_back(report.read_error ? report.read_error->describe() : "configfs could not be read");
      break;
    case ApplyStatus::FailedRolledBack:
    case ApplyStatus::FailedRollbackIncomplete:
      if (report.failure) result.lines.push_back(report.failure->error.describe());
      for (const std::string& drift : report.verify_drift) result.lines.push_back("verify: " + drift);
      result.lines.push_back(report.status == ApplyStatus::FailedRolledBack
                                 ? "rolled back: the target is as it was before this attempt"
                                 : "the rollback is INCOMPLETE: run 'nvmetctl doctor'");
      break;
  }
  return result;
}

// watch --metrics-file: status, the agent's state and the refused connects
// the kernel logged since the start, for node_exporter's textfile collector.
class MetricsPublisher {
 public:
  MetricsPublisher(RealSystem& system, std::string path)
      : system_(system), path_(std::move(path)), kernel_log_(system.engine.paths.kmsg) {
    kernel_log_.discard_pending();  // only what happens while the agent runs
  }

  Expected<void> publish(const WatchState& state) {
    for (const KernelLogLine& line : kernel_log_.take_available())
      if (line.text.find("nvmet: connect by host") != std::string::npos &&
          line.text.find("not allowed") != std::string::npos)
        ++refused_;
    if (state.applies != seen_applies_) {
      seen_applies_ = state.applies;
      last_apply_unix_ = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    }
    AgentMetrics agent;
    agent.applied_once = state.applies > 0;
    agent.last_apply_succeeded = state.last_apply_succeeded;
    agent.last_apply_seconds = state.last_apply_seconds;
    agent.last_apply_unix_time = last_apply_unix_;
    agent.last_apply_operations = state.last_apply_operations;
    agent.pending_items = state.pending;
    agent.drift_items = state.drift;
    agent.refused_connects = refused_;
    MountLetGo let_go{system_.fs};
    auto live = read_live_state(system_.fs, system_.engine.layout(), ReadScope{});
    if (!live) return live.error();
    return write_file_atomically(path_, prometheus_text(live_status(system_, *live), agent), 0644);
  }

 private:
  RealSystem& system_;
  std::string path_;
  KernelLog kernel_log_;
  std::uint64_t refused_ = 0, seen_applies_ = 0;
  double last_apply_unix_ = 0;
};

}  // namespace

void register_watch(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "watch", "Keep the target converged: apply, then apply again when addresses, devices or the file change");
  struct Args {
    std::string file;
    bool repair = false;
    double drift_interval = 60;
    std::string metrics_file;
    bool check = false;
    double check_timeout = 10;
    PlanOptions options;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("FILE", args->file, "Target file (YAML)")->required();
  cmd->add_flag("--repair", args->repair, "Put configfs back when it drifts from the file (default: report only)");
  add_plan_options(cmd, args->options);
  cmd->add_option("--drift-interval", args->drift_interval, "Seconds between drift checks when nothing happens")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  cmd->add_flag("--check", args->check,
                "Confirm each apply by checking that hosts are served (as apply --check); roll it back if not");
  cmd->add_option("--check-timeout", args->check_timeout, "With --check: seconds a connect may take")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  cmd->add_option("--metrics-file", args->metrics_file,
                  "Write Prometheus text-format metrics here after each apply and drift check (replaced atomically)");
  cmd->callback([&ctx, args] {
    auto events = make_linux_watch_events(args->file);
    if (!events) {
      print_error(ctx, events.error().describe(), "watch needs rtnetlink, uevent and inotify (run it as root)");
      ctx.exit_status = exit_code::kError;
      return;
    }
    RealSystem system(ctx.paths);
    const NvmetLayout layout = system.engine.layout();
    WatchSettings settings;
    settings.repair = args->repair;
    settings.drift_interval = std::chrono::milliseconds(static_cast<long long>(args->drift_interval * 1000));
    const SystemdNotify systemd = SystemdNotify::open();
    if (systemd.load_error() && std::getenv("NOTIFY_SOCKET"))
      std::cerr << "nvmetctl: warning: " << systemd.load_error()->describe()
                << ": systemd will not hear that the agent is ready\n";
    // Under systemd's watchdog, the loop never sleeps longer than half of it.
    auto watchdog_usec = systemd.watchdog_usec();
    bool watchdog = watchdog_usec.has_value();
    if (watchdog) settings.longest_sleep = std::chrono::milliseconds(std::max<std::uint64_t>(*watchdog_usec / 2000, 1));
    const bool json = ctx.json();
    WatchWorld world;
    world.load = [args] { return load_file(args->file); };
    world.split = [&system](const Target& target) {
      return split_pending(
          target, *system.network,
          [](const std::string& path) {
            struct stat st {};
            return ::stat(path.c_str(), &st) == 0;
          },
          [&system] { return system.rdma->list().value_or(std::vector<RdmaDevice>{}); });
    };
    std::set<std::string> remade_links;
    world.apply = [&](const Target& target) {
      MountLetGo let_go{system.fs};
      return apply_once(target, system, ctx.paths, args->options, args->check ? args->check_timeout : 0, remade_links);
    };
    world.drift = [&](const Target& target) {
      MountLetGo let_go{system.fs};
      std::vector<std::string> lines;
      auto plan = make_full_plan(target, system.engine, args->options, false);
      if (!plan) return std::vector<std::string>{"configfs could not be read: " + plan.error().describe()};
      for (const Step& step : plan->plan.steps) lines.push_back(step_line(step, layout));
      return lines;
    };
    world.log = [json](const WatchLogEntry& entry) {
      if (json) std::cout << entry.to_json().dump() << std::endl;
      else std::cerr << "nvmetctl watch: " << entry.to_text() << std::endl;
    };
    world.ready = [&systemd] { systemd.notify("READY=1\nSTATUS=target applied; watching"); };
    world.alive = [&systemd, watchdog] {
      if (watchdog) systemd.notify("WATCHDOG=1");
    };
    world.now = [] { return std::chrono::steady_clock::now(); };
    MetricsPublisher metrics(system, args->metrics_file);
    if (!args->metrics_file.empty())
      world.publish = [&metrics, &world](const WatchState& state) {
        if (auto written = metrics.publish(state); !written)
          world.log(
              {"metrics", "the metrics file could not be written", "not-written", 0, 0, {written.error().describe()}});
      };
    world.log({"start", args->file, "watching", 0, 0, {}});
    ctx.exit_status = run_watch(world, **events, settings);
    systemd.notify("STOPPING=1");
  });
}

}  // namespace nvmetctl::cli
