// Times nvmetctl's own work, with the kernel taken out: parse a target file,
// then plan and no-op apply it against an in-memory nvmet tree that already
// holds it. The guest bench (guest-bench.sh) times the same commands on the
// real kernel under emulation, where every syscall is slow; this one shows
// what the userland costs on the host's CPU. Run in the guest as well
// (bench/guest-bench.sh), it shows what emulation costs nvmetctl's own code,
// and "yaml-cpp alone" is the floor that the fixed YAML library sets for any
// parse of the file.
//
//   nvmetctl_host_bench FILE [REPEATS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "nvmetctl/config/target_parser.h"
#include "fake_nvmet_fs.h"
#include "nvmetctl/engine/engine.h"
#include "nvmetctl/formats/target_writer.h"
#include "nvmetctl/util/phase_profile.h"

namespace {

using namespace nvmetctl;

double median_seconds(int repeats, const std::function<void()>& run) {
  std::vector<double> samples;
  for (int i = 0; i < repeats; ++i) {
    auto start = std::chrono::steady_clock::now();
    run();
    samples.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

std::set<std::string> device_paths(const Target& target) {
  std::set<std::string> paths;
  for (const Subsystem& s : target.subsystems)
    for (const Namespace& n : s.namespaces)
      if (auto it = n.attrs.find("device_path"); it != n.attrs.end()) paths.insert(it->second);
  return paths;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [REPEATS]\n", argv[0]);
    return 64;
  }
  const std::string file = argv[1];
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;

  double yaml_s = median_seconds(repeats, [&] { YAML::Node document = YAML::LoadFile(file); });
  ParsedTarget parsed;
  double parse_s = median_seconds(repeats, [&] { parsed = parse_target_file(file); });
  if (!parsed.ok()) {
    for (const auto& d : parsed.diagnostics.all()) std::fprintf(stderr, "%s\n", d.format().c_str());
    return 3;
  }
  const Target& desired = parsed.target;

  SystemPaths paths;
  paths.configfs = "/cfg";
  paths.proc = "/nonexistent-proc";
  paths.boot = "/nonexistent-boot";
  // The crash journal and the served-size record as a real apply keeps
  // them, in a directory of this run's own.
  char run_dir[] = "/tmp/nvmetctl-bench-XXXXXX";
  if (!::mkdtemp(run_dir)) {
    std::perror("mkdtemp");
    return 1;
  }
  paths.run_dir = run_dir;
  FakeNvmetFs::Options options;
  options.devices = device_paths(desired);
  FakeNvmetFs fs("/cfg", options);
  EngineContext ctx{paths, fs};
  ctx.crash_journal = true;
  ctx.served_sizes = true;

  // The cold apply by phase, too (NVMETCTL_PROFILE's table), and the no-op below.
  PhaseProfile::instance().enable();
  auto start = std::chrono::steady_clock::now();
  ApplyReport cold = apply_target(desired, ctx, PlanOptions{});
  double cold_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string cold_profile = PhaseProfile::instance().report();
  if (cold.status != ApplyStatus::Applied) {
    std::fprintf(stderr, "cold apply against the in-memory tree did not succeed\n");
    return 1;
  }
  int cold_mutations = fs.mutations();

  fs.reset_counters();
  std::size_t plan_steps = 0;
  double plan_s = median_seconds(repeats, [&] {
    auto full = make_full_plan(desired, ctx, PlanOptions{}, false);
    plan_steps = full ? full->plan.steps.size() : 1;
  });
  int plan_reads = fs.reads() / repeats;

  fs.reset_counters();
  ApplyStatus noop_status = ApplyStatus::Applied;
  double noop_s = median_seconds(repeats, [&] { noop_status = apply_target(desired, ctx, PlanOptions{}).status; });
  int noop_mutations = fs.mutations();

  // export: the whole tree read, then written as a target file.
  std::size_t export_bytes = 0;
  double read_all_s = median_seconds(repeats, [&] { (void)read_live_state(fs, ctx.layout(), ReadScope{}); });
  double export_s = median_seconds(repeats, [&] {
    auto live = read_live_state(fs, ctx.layout(), ReadScope{});
    if (live) export_bytes = target_to_yaml(exportable_target(live->target, {})).size();
  });

  std::printf("%-14s %10s %12s\n", "operation", "seconds", "configfs ops");
  std::printf("%-14s %10.4f %12s\n", "yaml-cpp alone", yaml_s, "-");
  std::printf("%-14s %10.4f %12s\n", "parse", parse_s, "-");
  std::printf("%-14s %10.4f %12d mutations\n", "cold apply", cold_s, cold_mutations);
  std::printf("%-14s %10.4f %12d reads, %zu steps\n", "plan", plan_s, plan_reads, plan_steps);
  std::printf("%-14s %10.4f %12d mutations\n", "no-op apply", noop_s, noop_mutations);
  std::printf("%-14s %10.4f %12s\n", "read, whole", read_all_s, "-");
  std::printf("%-14s %10.4f %12zu bytes of YAML\n", "export", export_s, export_bytes);
  std::printf("\nin-memory cold apply, by phase (the first, unrepeated):\n%s", cold_profile.c_str());
  std::filesystem::remove_all(run_dir);
  bool converged = plan_steps == 0 && noop_status == ApplyStatus::NoChanges && noop_mutations == 0;
  if (!converged) std::fprintf(stderr, "the in-memory tree did not converge: %zu steps left\n", plan_steps);
  return converged ? 0 : 1;
}
