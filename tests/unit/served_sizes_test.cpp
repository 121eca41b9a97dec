// A namespace whose device grew after it was enabled: plan shows a
// revalidate_size write with the old and new size; apply writes it (the
// namespace stays enabled) and records the new size, after which nothing is
// left to do.
#include "nvmetctl/engine/served_sizes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine_fixture.h"
#include "nvmetctl/plan/planner.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::EngineFixture;
using testing_support::parse_ok;
using testing_support::TempDir;

constexpr const char* kNqn = "nqn.2024-01.io.example:grow";

struct GrowFixture {
  TempDir dir;
  std::string device = dir.path() + "/disk.img";
  EngineFixture f{options()};

  GrowFixture() {
    std::filesystem::resize_file(create(device), 1 << 20);
    f.ctx.paths.run_dir = dir.path() + "/run";
    f.ctx.served_sizes = true;
  }
  FakeNvmetFs::Options options() const {
    FakeNvmetFs::Options o;
    o.devices = {device};
    return o;
  }
  static std::string create(const std::string& path) {
    std::ofstream(path).put('\0');
    return path;
  }
  Target target(bool enabled = true, const std::string& path = {}) const {
    return parse_ok(std::string("version: 1\nsubsystems:\n  - nqn: ") + kNqn +
                    "\n    allow_any_host: true\n    namespaces:\n      - {nsid: 1, device_path: " +
                    (path.empty() ? device : path) + ", enable: " + (enabled ? "true" : "false") + "}\n");
  }
  std::vector<const Step*> revalidations(const Plan& plan) const {
    std::vector<const Step*> out;
    for (const Step& step : plan.steps)
      if (step.op.path.ends_with("/revalidate_size")) out.push_back(&step);
    return out;
  }
};

TEST(ServedSizes, AGrownDeviceIsRevalidatedOnceAndRecorded) {
  GrowFixture g;
  ASSERT_EQ(g.f.apply(g.target()).status, ApplyStatus::Applied);
  ServedSizes recorded = load_served_sizes(g.f.ctx.paths);
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded.begin()->second, (ServedSize{g.device, 1u << 20}));
  EXPECT_TRUE(g.f.plan(g.target()).empty()) << "an unchanged device is nothing to do";

  std::filesystem::resize_file(g.device, 3 << 20);
  Plan plan = g.f.plan(g.target());
  auto steps = g.revalidations(plan);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(plan.steps.size(), 1u) << "only the revalidation";
  EXPECT_EQ(steps[0]->change, ChangeKind::Update);
  EXPECT_EQ(steps[0]->op.value, "1");
  EXPECT_EQ(steps[0]->op.detail, "size 1048576 -> 3145728 bytes");
  EXPECT_EQ(steps[0]->object, "namespace 1 of nqn.2024-01.io.example:grow");

  g.f.fs.reset_counters();
  ApplyReport report = g.f.apply(g.target());
  ASSERT_EQ(report.status, ApplyStatus::Applied);
  EXPECT_EQ(g.f.fs.journal(), (std::vector<std::string>{"write /cfg/nvmet/subsystems/" + std::string(kNqn) +
                                                        "/namespaces/1/revalidate_size=1"}));
  EXPECT_EQ(load_served_sizes(g.f.ctx.paths).begin()->second.bytes, 3u << 20);
  EXPECT_TRUE(g.f.plan(g.target()).empty());
}

TEST(ServedSizes, NothingIsRevalidatedWithoutARecordOrWhenTheNamespaceIsDisabledOrMoved) {
  GrowFixture g;
  g.f.ctx.served_sizes = false;  // enabled by another tool: no record
  ASSERT_EQ(g.f.apply(g.target()).status, ApplyStatus::Applied);
  g.f.ctx.served_sizes = true;
  std::filesystem::resize_file(g.device, 2 << 20);
  EXPECT_TRUE(g.f.plan(g.target()).empty()) << "unknown served size: nothing to compare";
  ASSERT_EQ(g.f.apply(g.target()).status, ApplyStatus::NoChanges);
  EXPECT_EQ(load_served_sizes(g.f.ctx.paths).begin()->second.bytes, 2u << 20) << "a no-op apply records it";

  std::filesystem::resize_file(g.device, 4 << 20);
  EXPECT_TRUE(g.revalidations(g.f.plan(g.target(false))).empty()) << "disabling it reads the size again anyway";
}

TEST(ServedSizes, AKernelWithoutRevalidateSizeGetsAWarningNotAStep) {
  GrowFixture g;
  ASSERT_EQ(g.f.apply(g.target()).status, ApplyStatus::Applied);
  std::filesystem::resize_file(g.device, 2 << 20);
  const Target desired = g.target();  // the Outcome holds these by reference
  const PlanOptions options;
  auto full = make_full_plan(desired, g.f.ctx, options, true);
  ASSERT_TRUE(full.has_value());
  full->live.attribute_files[ObjectKind::Namespace].erase("revalidate_size");
  Outcome outcome(desired, full->live, full->kernel, options);
  Plan plan = plan_configfs(outcome, g.f.ctx.layout());
  EXPECT_TRUE(g.revalidations(plan).empty());
  bool warned = false;
  for (const auto& d : plan.problems.all())
    warned = warned || d.message.find("no revalidate_size") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(ServedSizes, AMissingOrDamagedRecordIsEmpty) {
  TempDir dir;
  SystemPaths paths;
  paths.run_dir = dir.path();
  EXPECT_TRUE(load_served_sizes(paths).empty());
  dir.write("served-sizes.json", "[{\"nqn\": 1}, {\"nqn\": \"x\", \"nsid\": 99999999999, \"device\": \"/d\", \"bytes\": 1}");
  EXPECT_TRUE(load_served_sizes(paths).empty());
  dir.write("served-sizes.json", "[{\"nqn\": \"x\", \"nsid\": 2, \"device\": \"/d\", \"bytes\": 7}]");
  ServedSizes sizes = load_served_sizes(paths);
  ASSERT_EQ(sizes.size(), 1u);
  EXPECT_EQ(sizes.begin()->first, (NamespaceKey{"x", 2}));
}

// The record is written as text (util/json_text), not as a document: every
// NQN and device path reads back, odd bytes included.
TEST(ServedSizes, TheRecordReadsBackAsWritten) {
  TempDir dir;
  SystemPaths paths;
  paths.run_dir = dir.path() + "/run";
  ServedSizes sizes;
  sizes[{"nqn.2024-01.io.example:plain", 1}] = {"/dev/nullb0", 1073741824};
  sizes[{"nqn.2024-01.io.example:caf\xc3\xa9", 4294967295u}] = {"/srv/images/a \"quoted\" \\ file", 0};
  sizes[{"nqn.2024-01.io.example:tab\there", 7}] = {"/dev/disk/by-id/nvme-eui.0001", 18446744073709551615ull};
  ASSERT_TRUE(save_served_sizes(sizes, paths).has_value());
  ServedSizes back = load_served_sizes(paths);
  ASSERT_EQ(back.size(), sizes.size());
  for (const auto& [key, size] : sizes) {
    auto found = back.find(key);
    ASSERT_NE(found, back.end()) << key.first;
    EXPECT_EQ(found->second.device, size.device);
    EXPECT_EQ(found->second.bytes, size.bytes);
  }
  ASSERT_TRUE(save_served_sizes({}, paths).has_value());
  EXPECT_TRUE(load_served_sizes(paths).empty());
}

}  // namespace
}  // namespace nvmetctl
