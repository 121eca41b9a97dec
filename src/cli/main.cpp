// nvmetctl: the thin command line over the core library.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <set>
#include <string>

#include "cli_context.h"
#include "nvmetctl/exit_codes.h"
#include "nvmetctl/util/interrupt.h"
#include "nvmetctl/util/phase_profile.h"
#include "nvmetctl/version.h"

namespace {

const char* kExitStatusHelp =
    "Exit status:\n"
    "  0   success (plan: no changes, or changes without --detailed-exitcode)\n"
    "  1   error: the job could not be done (I/O, permissions, unreadable configfs)\n"
    "  2   plan --detailed-exitcode: changes are pending\n"
    "  3   invalid input: the file or its plan has errors; nothing was changed\n"
    "  4   apply failed and was rolled back; the target is as it was\n"
    "  5   apply failed and the rollback is incomplete\n"
    "  6   another nvmetctl run holds the lock\n"
    "  7   doctor found at least one failure\n"
    "  8   check: something the target promises is not served\n"
    "  64  bad command line\n";

using Register = void (*)(CLI::App&, nvmetctl::cli::CliContext&);
struct Command {
  const char* name;
  Register add;
};
constexpr Command kCommands[] = {
    {"validate", nvmetctl::cli::register_validate}, {"plan", nvmetctl::cli::register_plan},
    {"apply", nvmetctl::cli::register_apply},       {"export", nvmetctl::cli::register_export},
    {"clear", nvmetctl::cli::register_clear},       {"rollback", nvmetctl::cli::register_rollback},
    {"doctor", nvmetctl::cli::register_doctor},     {"import-nvmetcli", nvmetctl::cli::register_import_nvmetcli},
    {"status", nvmetctl::cli::register_status},     {"check", nvmetctl::cli::register_check},
    {"watch", nvmetctl::cli::register_watch},
};

// The command the line names: the first argument that is neither an option
// nor the value of a global one. Only that command is built: CLI11 builds
// every option of every command it is given, a tenth of a small export's
// time under emulation (issue 16). nullptr when the line names none, or asks
// for the app's help before it (--help, --version, a typo, "--"): then every
// command is built, so help lists them all and an error reads as before.
const Command* named_command(const CLI::App& app, int argc, char** argv) {
  std::set<std::string> with_value;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_type_size_min() <= 0) continue;
    for (const std::string& name : option->get_lnames()) with_value.insert("--" + name);
    for (const std::string& name : option->get_snames()) with_value.insert("-" + name);
  }
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--" || argument == "-h" || argument == "--help") return nullptr;  // the app's own help
    if (argument.size() > 1 && argument[0] == '-') {
      if (with_value.count(argument)) ++i;  // its value is the next argument
      continue;
    }
    for (const Command& command : kCommands)
      if (argument == command.name) return &command;
    return nullptr;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nvmetctl;
  if (const char* profile = std::getenv("NVMETCTL_PROFILE"); profile && std::string(profile) == "1") {
    PhaseProfile::instance().enable();
    PhaseProfile::instance().enter("start-up");  // until the command runs
  }
  cli::CliContext ctx;
  CLI::App app{"nvmetctl: make the kernel's NVMe-oF target (nvmet) match a YAML file, safely"};
  app.footer(kExitStatusHelp);
  app.set_version_flag("--version", std::string("nvmetctl ") + kVersion);
  app.require_subcommand(1);
  // Global options after the subcommand too, as nvme-cli users type them
  // (nvmetctl status -o json): subcommands hand options they lack to the app.
  app.fallthrough();
  app.add_option("-o,--output", ctx.output, "Output format")->check(CLI::IsMember({"text", "json", "prometheus"}))->envname("NVMETCTL_OUTPUT");
  auto* paths = "System paths (for tests; defaults are the real ones)";
  app.add_option("--configfs", ctx.paths.configfs, "configfs mount point")->group(paths)->envname("NVMETCTL_CONFIGFS")->capture_default_str();
  app.add_option("--sysfs", ctx.paths.sysfs, "sysfs root")->group(paths)->envname("NVMETCTL_SYSFS")->capture_default_str();
  app.add_option("--proc", ctx.paths.proc, "procfs root")->group(paths)->envname("NVMETCTL_PROC")->capture_default_str();
  app.add_option("--kmsg", ctx.paths.kmsg, "kernel log device")->group(paths)->envname("NVMETCTL_KMSG")->capture_default_str();
  app.add_option("--debugfs", ctx.paths.debugfs, "debugfs root")->group(paths)->envname("NVMETCTL_DEBUGFS")->capture_default_str();
  app.add_option("--modules-dir", ctx.paths.modules_dir, "kernel modules root")->group(paths)->envname("NVMETCTL_MODULES_DIR")->capture_default_str();
  app.add_option("--boot-dir", ctx.paths.boot, "where config-<release> lives")->group(paths)->envname("NVMETCTL_BOOT_DIR")->capture_default_str();
  app.add_option("--dev-dir", ctx.paths.dev, "device nodes and udev's disk/by-id links")->group(paths)->envname("NVMETCTL_DEV_DIR")->capture_default_str();
  app.add_option("--lock-file", ctx.paths.lock_file, "lock against concurrent runs")->group(paths)->envname("NVMETCTL_LOCK_FILE")->capture_default_str();
  app.add_option("--tls-keyring", ctx.paths.tls_keyring, "kernel keyring of the hosts' TLS PSKs")->group(paths)->envname("NVMETCTL_TLS_KEYRING")->capture_default_str();
  app.add_option("--run-dir", ctx.paths.run_dir, "crash journal of apply and clear")->group(paths)->envname("NVMETCTL_RUN_DIR")->capture_default_str();

  if (const Command* named = named_command(app, argc, argv)) {
    named->add(app, ctx);
  } else {
    for (const Command& command : kCommands) command.add(app, ctx);
  }

  // Prometheus' text format is a view of the live target: status only.
  app.parse_complete_callback([&app, &ctx] {
    if (PhaseProfile::instance().enabled()) {
      PhaseProfile::instance().leave();  // start-up
      // The command's own work between the named phases: printing its
      // report, above all. Left when the profile is printed.
      PhaseProfile::instance().enter("command, other");
    }
    if (!ctx.prometheus()) return;
    auto chosen = app.get_subcommands();
    if (chosen.empty() || chosen.front()->get_name() != "status")
      throw CLI::ValidationError("-o prometheus", "only 'status' prints the Prometheus text format (watch writes it with --metrics-file)");
  });

  install_interrupt_handlers();
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_code::kUsage;
  }
  if (PhaseProfile::instance().enabled()) {
    PhaseProfile::instance().leave();  // command, other
    std::cerr << PhaseProfile::instance().report();
  }
  return ctx.exit_status;
}
