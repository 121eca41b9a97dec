// The root discovery_nqn: parsed and checked, written last (or before the
// subsystem that takes its old name), undone, reset by clear, exported only
// when it is not the kernel's default, refused on kernels without it.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine_fixture.h"
#include "nvmetctl/config/target_validator.h"
#include "nvmetctl/formats/target_writer.h"

namespace nvmetctl {
namespace {

using testing_support::EngineFixture;
using testing_support::parse_ok;

constexpr const char* kOwn = "nqn.2024-01.io.example:discovery";

std::string with_discovery(const std::string& nqn, const std::string& subsystem = "nqn.2024-01.io.example:disk") {
  return "version: 1\ndiscovery_nqn: " + nqn + "\nsubsystems:\n  - nqn: " + subsystem +
         "\n    allow_any_host: true\n";
}

std::vector<std::string> messages(const Diagnostics& diagnostics) {
  std::vector<std::string> out;
  for (const auto& d : diagnostics.all()) out.push_back(d.format());
  return out;
}

std::string discovery_file(EngineFixture& f) { return f.fs.layout().root() + "/discovery_nqn"; }

TEST(DiscoveryNqn, ParsedWithItsLineAndCheckedAsTheKernelWould) {
  ParsedTarget ok = parse_target_text(with_discovery(kOwn), "t.yaml");
  EXPECT_FALSE(ok.diagnostics.has_errors()) << testing::PrintToString(messages(ok.diagnostics));
  EXPECT_EQ(ok.target.discovery_nqn, std::optional<std::string>(kOwn));
  EXPECT_EQ(ok.target.discovery_nqn_where.line, 2);

  ParsedTarget prefix = parse_target_text(with_discovery("nqn.2024-01.io.example"), "t.yaml");
  ASSERT_TRUE(prefix.diagnostics.has_errors());
  EXPECT_NE(messages(prefix.diagnostics)[0].find("t.yaml:2:16: error: discovery_nqn: subsystem "
                                                 "'nqn.2024-01.io.example:disk' begins with it"),
            std::string::npos)
      << messages(prefix.diagnostics)[0];

  ParsedTarget huge = parse_target_text(with_discovery("nqn." + std::string(300, 'x')), "t.yaml");
  ASSERT_TRUE(huge.diagnostics.has_errors());
  EXPECT_NE(messages(huge.diagnostics)[0].find("must be 1 to 255 bytes, got 304"), std::string::npos);

  ParsedTarget empty = parse_target_text("version: 1\ndiscovery_nqn: ''\n", "t.yaml");
  EXPECT_TRUE(empty.diagnostics.has_errors());
  ParsedTarget informal = parse_target_text(with_discovery("discovery-here"), "t.yaml");
  EXPECT_FALSE(informal.diagnostics.has_errors());
  EXPECT_NE(messages(informal.diagnostics).at(0).find("is not in nqn. form"), std::string::npos);
}

TEST(DiscoveryNqn, WrittenLastUndoneByRollbackResetByClearExportedOnlyWhenOwn) {
  EngineFixture f;
  Plan plan = f.plan(parse_ok(with_discovery(kOwn)));
  ASSERT_FALSE(plan.blocked());
  const Step& last = plan.steps.back();
  EXPECT_EQ(last.op.path, discovery_file(f));
  EXPECT_EQ(last.op.value, kOwn);
  EXPECT_EQ(last.old_value, std::optional<std::string>(kDiscoveryNqn));
  ASSERT_EQ(last.undo.size(), 1u);
  EXPECT_EQ(last.undo[0].value, kDiscoveryNqn);

  // A failure after the write puts the kernel's value back.
  EngineFixture failing;
  failing.fs.fail_path(discovery_file(failing), EIO, "write");
  EXPECT_EQ(failing.apply(parse_ok(with_discovery(kOwn))).status, ApplyStatus::FailedRolledBack);
  EXPECT_EQ(*failing.fs.read(discovery_file(failing)), kDiscoveryNqn);

  ASSERT_EQ(f.apply(parse_ok(with_discovery(kOwn))).status, ApplyStatus::Applied);
  EXPECT_EQ(*f.fs.read(discovery_file(f)), kOwn);
  EXPECT_TRUE(f.plan(parse_ok(with_discovery(kOwn))).empty()) << "applied: nothing left to do";
  EXPECT_NE(target_to_yaml(exportable_target(f.live().target, {})).find(std::string("discovery_nqn: ") + kOwn),
            std::string::npos);
  // A file without the key leaves the kernel's value alone.
  EXPECT_TRUE(f.plan(parse_ok("version: 1\nsubsystems:\n  - nqn: nqn.2024-01.io.example:disk\n"
                              "    allow_any_host: true\n"))
                  .empty());

  ASSERT_EQ(clear_target(f.ctx, {}).status, ApplyStatus::Applied);
  EXPECT_EQ(*f.fs.read(discovery_file(f)), kDiscoveryNqn);
  EXPECT_EQ(target_to_yaml(exportable_target(f.live().target, {})).find("discovery_nqn"), std::string::npos)
      << "the kernel's default is not exported";
}

TEST(DiscoveryNqn, GoesFirstWhenTheFileCreatesASubsystemNamedLikeItsCurrentValue) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(with_discovery(kOwn))).status, ApplyStatus::Applied);
  Plan plan = f.plan(parse_ok(with_discovery("nqn.2024-01.io.example:discovery2", kOwn)));
  ASSERT_FALSE(plan.blocked()) << testing::PrintToString(messages(plan.problems));
  auto write = std::find_if(plan.steps.begin(), plan.steps.end(),
                            [&](const Step& s) { return s.op.path == discovery_file(f); });
  auto mkdir = std::find_if(plan.steps.begin(), plan.steps.end(), [&](const Step& s) {
    return s.op.kind == OpKind::Mkdir && s.op.path == f.fs.layout().subsystem(kOwn);
  });
  ASSERT_NE(write, plan.steps.end());
  ASSERT_NE(mkdir, plan.steps.end());
  EXPECT_LT(write - plan.steps.begin(), mkdir - plan.steps.begin());
  EXPECT_EQ(f.apply(parse_ok(with_discovery("nqn.2024-01.io.example:discovery2", kOwn))).status,
            ApplyStatus::Applied);
}

TEST(DiscoveryNqn, RefusedBesideAKeptLiveSubsystemThatBeginsWithItAndOnKernelsWithoutIt) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(with_discovery(kOwn, "nqn.2024-01.io.example:disk"))).status, ApplyStatus::Applied);
  Plan kept = f.plan(parse_ok(with_discovery("nqn.2024-01.io.example:d", "nqn.2024-01.io.example:other")));
  ASSERT_TRUE(kept.blocked());
  EXPECT_NE(messages(kept.problems)[0].find("live subsystem 'nqn.2024-01.io.example:disk' begins with it"),
            std::string::npos)
      << messages(kept.problems)[0];
  PlanOptions prune;
  prune.prune = true;
  EXPECT_FALSE(f.plan(parse_ok(with_discovery("nqn.2024-01.io.example:d", "nqn.2024-01.io.example:other")), prune)
                   .blocked())
      << "pruned first, then written";

  FakeNvmetFs::Options old_kernel;
  old_kernel.kernel = {6, 1};
  EngineFixture on61(old_kernel);
  Plan refused = plan_configfs(parse_ok(with_discovery(kOwn)), on61.live(), on61.fs.layout(), KernelFacts{{6, 1}, {}},
                               {});
  ASSERT_TRUE(refused.blocked());
  EXPECT_NE(messages(refused.problems)[0].find("discovery_nqn needs Linux 6.9 or newer; this kernel is 6.1"),
            std::string::npos)
      << messages(refused.problems)[0];
}

}  // namespace
}  // namespace nvmetctl
