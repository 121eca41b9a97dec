#pragma once
// Runs the probes through the host side and judges each: the host-side
// modules first (loaded only if missing, unloaded again after), then per
// probe the port's discovery log, a connect, the namespaces compared with
// the target's and read, and the probe's own controller removed.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "nvmetctl/check/check_report.h"
#include "nvmetctl/check/fabrics_host.h"
#include "nvmetctl/kernel/kernel_log.h"
#include "nvmetctl/kernel/module_loader.h"

namespace nvmetctl {

struct CheckEnvironment {
  FabricsHost& host;
  ModuleLoader* modules = nullptr;  // nullptr: leave host modules alone
  KernelLog* kernel_log = nullptr;  // for the kernel's own words on a refused connect
  // The host ID to use with a host NQN (the one this node already uses with it, if any).
  std::function<std::string(const std::string& host_nqn)> host_id;
  double settle_seconds = 5;  // how long the host may take to show a namespace's block device
  // Set by a signal: the probes not yet run are skipped (each probe cleans up after itself).
  const std::atomic<bool>* interrupted = nullptr;
};

CheckReport run_check(const std::vector<Probe>& probes, CheckEnvironment& env);

// The host-side modules the probes need: nvme-fabrics and one per transport.
std::vector<std::string> host_modules_for(const std::vector<Probe>& probes);

struct ConnectFailure {
  Verdict verdict = Verdict::Refused;
  std::string cause;
};
// What a failed connect (or discovery) means, from its error and the kernel's lines.
ConnectFailure classify_connect_failure(const SysError& error, const std::vector<std::string>& kernel_lines);

}  // namespace nvmetctl
