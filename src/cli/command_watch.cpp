// nvmetctl watch FILE: the agent (core/watch) wired to the real system:
// the engine's apply under the run lock, its plan for drift, the file's
// parser, rtnetlink/uevent/inotify/signalfd events and systemd's notify.
#include <sys/stat.h>

#include <iostream>

#include <systemd/sd-daemon.h>

#include "cli_context.h"
#include "nvmetctl/config/key_secrets.h"
#include "nvmetctl/exit_codes.h"
#include "nvmetctl/util/text_file.h"
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

WatchApplyResult apply_once(const Target& target, RealSystem& system, const std::string& lock_file,
                            const PlanOptions& options) {
  WatchApplyResult result;
  auto lock = RunLock::acquire(lock_file, 0);
  if (!lock) {
    if (RunLock::held_by_another_run(lock.error())) {
      result.status = WatchApplyResult::Status::LockBusy;
    } else {
      result.lines.push_back(lock.error().describe());
    }
    return result;
  }
  ApplyReport report = apply_target(target, system.engine, options);
  switch (report.status) {
    case ApplyStatus::Applied:
      result.status = WatchApplyResult::Status::Applied;
      result.operations = report.plan.configfs_mutations();
      break;
    case ApplyStatus::NoChanges:
      result.status = WatchApplyResult::Status::NoChanges;
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

}  // namespace

void register_watch(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand(
      "watch", "Keep the target converged: apply, then apply again when addresses, devices or the file change");
  struct Args {
    std::string file;
    bool repair = false;
    double drift_interval = 60;
    PlanOptions options;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("FILE", args->file, "Target file (YAML)")->required();
  cmd->add_flag("--repair", args->repair, "Put configfs back when it drifts from the file (default: report only)");
  cmd->add_flag("--prune", args->options.prune, "Also remove objects the file does not declare");
  cmd->add_flag("--allow-recreate", args->options.allow_recreate, "Recreate subsystems whose identity is frozen");
  cmd->add_option("--drift-interval", args->drift_interval, "Seconds between drift checks when nothing happens")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
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
    // Under systemd's watchdog, the loop never sleeps longer than half of it.
    std::uint64_t watchdog_usec = 0;
    bool watchdog = sd_watchdog_enabled(0, &watchdog_usec) > 0;
    if (watchdog)
      settings.drift_interval = std::min(settings.drift_interval,
                                         std::chrono::milliseconds(std::max<std::uint64_t>(watchdog_usec / 2000, 1)));
    const bool json = ctx.json();
    WatchWorld world;
    world.load = [args] { return load_file(args->file); };
    world.split = [&system](const Target& target) {
      return split_pending(target, *system.network, [](const std::string& path) {
        struct stat st{};
        return ::stat(path.c_str(), &st) == 0;
      });
    };
    world.apply = [&](const Target& target) { return apply_once(target, system, ctx.paths.lock_file, args->options); };
    world.drift = [&](const Target& target) {
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
    world.ready = [] { sd_notify(0, "READY=1\nSTATUS=target applied; watching"); };
    world.alive = [watchdog] {
      if (watchdog) sd_notify(0, "WATCHDOG=1");
    };
    world.now = [] { return std::chrono::steady_clock::now(); };
    world.log({"start", args->file, "watching", 0, 0, {}});
    ctx.exit_status = run_watch(world, **events, settings);
    sd_notify(0, "STOPPING=1");
  });
}

}  // namespace nvmetctl::cli
