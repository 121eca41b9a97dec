// The kernel's build options are read from /boot only when a plan asks: an
// attribute the kernel does not show, or passthru.
#include <gtest/gtest.h>

#include "engine_fixture.h"
#include "nvmetctl/plan/planner.h"

namespace nvmetctl {
namespace {

using testing_support::EngineFixture;
using testing_support::parse_ok;

struct CountingConfig {
  int loads = 0;
  KernelFacts facts() {
    KernelFacts kernel;
    kernel.version = {6, 12};
    kernel.config = KernelConfig([this] {
      ++loads;
      return KernelConfig::Options{{"CONFIG_NVME_TARGET_PASSTHRU", false}};
    });
    return kernel;
  }
};

TEST(KernelConfig, UnknownWithoutALoaderAndLoadedOnceWithOne) {
  EXPECT_EQ(KernelConfig().built("CONFIG_NVME_TARGET_PASSTHRU"), std::nullopt);
  CountingConfig counting;
  KernelFacts kernel = counting.facts();
  KernelFacts copy = kernel;
  EXPECT_FALSE(kernel.config.loaded());
  EXPECT_EQ(kernel.config.built("CONFIG_NVME_TARGET_PASSTHRU"), false);
  EXPECT_EQ(copy.config.built("CONFIG_NVME_TARGET_TCP_TLS"), std::nullopt);
  EXPECT_EQ(counting.loads, 1) << "copies share what was read";
}

// How often planning `yaml` on an empty tree read the kernel's config.
int config_loads(const char* yaml, Plan& plan) {
  EngineFixture f;
  CountingConfig counting;
  plan = plan_configfs(parse_ok(yaml), f.live(), f.ctx.layout(), counting.facts(), PlanOptions{});
  return counting.loads;
}

TEST(KernelConfig, APlanOfAttributesTheKernelShowsNeverReadsIt) {
  Plan plan;
  EXPECT_EQ(config_loads(R"(version: 1
subsystems:
  - nqn: nqn.2024-01.io.example:a
    model: m
    namespaces: [{nsid: 1, device_path: /dev/nullb0, enable: true}]
ports:
  - {id: 1, trtype: tcp, adrfam: ipv4, traddr: 127.0.0.1, trsvcid: 4420, subsystems: [nqn.2024-01.io.example:a]}
)", plan), 0);
  EXPECT_FALSE(plan.steps.empty());
}

TEST(KernelConfig, PassthruAsksAndIsRefusedByAKernelBuiltWithoutIt) {
  Plan plan;
  EXPECT_EQ(config_loads(R"(version: 1
subsystems:
  - nqn: nqn.2024-01.io.example:pt
    passthru: {device_path: /dev/nvme0, enable: true}
)", plan), 1);
  std::string all;
  for (const Diagnostic& d : plan.problems.all()) all += d.format() + "\n";
  EXPECT_NE(all.find("passthru needs a kernel built with CONFIG_NVME_TARGET_PASSTHRU"), std::string::npos) << all;
}

}  // namespace
}  // namespace nvmetctl
