// The check of a target, with this node's facts for the probes.
#include "nvmetctl/check/target_check.h"

#include <sys/stat.h>

#include "nvmetctl/check/host_identity.h"
#include "nvmetctl/rdma/rdma_address_coverage.h"
#include "nvmetctl/util/block_device_sysfs.h"

namespace nvmetctl {
namespace {

std::optional<std::uint64_t> device_bytes(const SystemPaths& paths, const std::string& device_path) {
  struct stat st{};
  if (::stat(device_path.c_str(), &st) != 0) return std::nullopt;
  if (S_ISBLK(st.st_mode)) return block_device_bytes(paths, st.st_rdev);
  if (S_ISREG(st.st_mode)) return static_cast<std::uint64_t>(st.st_size);
  return std::nullopt;
}

// An rdma port is reachable from this node only through a local RDMA device
// that holds its address.
std::string rdma_unreachable(const Port& port, EngineContext& ctx, const std::vector<RdmaDevice>& devices) {
  const std::string traddr = attr_value(port.attrs, "addr_traddr");
  if (ctx.network == nullptr) return {};
  auto coverage = check_rdma_address(traddr, *ctx.network, devices);
  if (!coverage) return {};
  switch (coverage->coverage) {
    case RdmaAddressCoverage::NotLocal:
      return "no interface of this node has " + traddr + ", so no host here can reach it over RDMA";
    case RdmaAddressCoverage::NoRdmaDevice:
      return "no RDMA device covers " + coverage->interface + " (" + traddr + "), so no host here can reach it";
    default:
      return {};
  }
}

}  // namespace

std::vector<Probe> plan_target_probes(const Target& target, EngineContext& ctx) {
  std::vector<RdmaDevice> devices;
  bool rdma = false;
  for (const Port& port : target.ports) rdma = rdma || attr_value(port.attrs, "addr_trtype") == "rdma";
  if (rdma && ctx.rdma != nullptr)
    if (auto listed = ctx.rdma->list()) devices = std::move(*listed);
  ProbeSources sources;
  const SystemPaths paths = ctx.paths;
  sources.device_bytes = [paths](const std::string& path) { return device_bytes(paths, path); };
  sources.new_host_nqn = random_host_nqn;
  sources.unreachable_reason = [&ctx, devices](const Port& port) {
    return attr_value(port.attrs, "addr_trtype") == "rdma" ? rdma_unreachable(port, ctx, devices) : std::string();
  };
  return plan_probes(target, sources);
}

CheckReport check_target(const Target& target, EngineContext& ctx, FabricsHost& host, const TargetCheckOptions& options) {
  std::vector<Probe> probes = plan_target_probes(target, ctx);
  if (options.only_changed) probes = probes_touching(probes, options.changed_paths);
  const auto in_use = host_ids_in_use(ctx.paths);
  CheckEnvironment env{host, ctx.modules, ctx.kernel_log, [in_use](const std::string& nqn) { return host_id_for(nqn, in_use); },
                       options.settle_seconds, options.interrupted};
  return run_check(probes, env);
}

std::vector<std::string> paths_changed_by(const Plan& plan) {
  std::vector<std::string> paths;
  for (const Step& step : plan.steps)
    if (step.op.touches_configfs()) paths.push_back(step.op.path);
  return paths;
}

}  // namespace nvmetctl
