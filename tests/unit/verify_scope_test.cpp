// Verify after an apply reads again only the objects the run's steps
// touched; the rest is taken from the state the plan was made from.
#include <gtest/gtest.h>

#include "engine_fixture.h"
#include "nvmetctl/engine/verify.h"

namespace nvmetctl {
namespace {

using testing_support::EngineFixture;
using testing_support::parse_ok;

constexpr const char* kTwoSubsystems = R"(version: 1
subsystems:
  - nqn: nqn.2024-01.io.example:a
    model: model-a
  - nqn: nqn.2024-01.io.example:b
    model: model-b
ports:
  - {id: 1, trtype: tcp, adrfam: ipv4, traddr: 127.0.0.1, trsvcid: 4420, subsystems: [nqn.2024-01.io.example:a]}
)";

TEST(VerifyScope, TouchedObjectsAreTheHostsSubsystemsAndPortsUnderTheSteps) {
  NvmetLayout layout("/cfg");
  Plan plan;
  auto step = [&](OpKind kind, const std::string& path) {
    Step s;
    s.op = {kind, path, {}, {}};
    plan.steps.push_back(s);
  };
  step(OpKind::Write, layout.root() + "/subsystems/nqn.s1/namespaces/1/enable");
  step(OpKind::Symlink, layout.root() + "/ports/3/subsystems/nqn.s2");
  step(OpKind::Mkdir, layout.root() + "/hosts/nqn.h1");
  step(OpKind::Unlink, layout.root() + "/subsystems/nqn.s3/allowed_hosts/nqn.h1");
  step(OpKind::LoadModule, "nvmet-tcp");
  EXPECT_EQ(touched_objects(plan, layout),
            (std::set<std::string>{layout.root() + "/hosts/nqn.h1", layout.root() + "/ports/3",
                                   layout.root() + "/subsystems/nqn.s1", layout.root() + "/subsystems/nqn.s3"}));
}

// Subsystem b changes behind the run's back: a verify told that only a was
// touched keeps b as planned (it is not read again); one told b was touched,
// or told nothing, reads it and reports the drift.
TEST(VerifyScope, OnlyTouchedObjectsAreReadAgain) {
  EngineFixture f;
  Target desired = parse_ok(kTwoSubsystems);
  ASSERT_EQ(f.apply(desired).status, ApplyStatus::Applied);
  LiveState before = f.live();
  const std::string a = f.ctx.layout().subsystem("nqn.2024-01.io.example:a");
  const std::string b = f.ctx.layout().subsystem("nqn.2024-01.io.example:b");
  ASSERT_TRUE(f.fs.write(b + "/attr_model", "changed").has_value());

  const std::set<std::string> only_a{a}, a_and_b{a, b};
  KernelFacts kernel;
  PlanOptions options;
  EXPECT_TRUE(verify_applied(desired, f.fs, f.ctx.layout(), kernel, options, &only_a, &before).empty());
  for (const auto& drift : {verify_applied(desired, f.fs, f.ctx.layout(), kernel, options, &a_and_b, &before),
                            verify_applied(desired, f.fs, f.ctx.layout(), kernel, options)}) {
    ASSERT_EQ(drift.size(), 1u) << testing::PrintToString(drift);
    EXPECT_EQ(drift[0], "subsystems/nqn.2024-01.io.example:b/attr_model: desired 'model-b', current 'changed'");
  }
}

// An apply that changes one subsystem of many reads the others once (the
// snapshot), not again in verify, and still ends verified.
TEST(VerifyScope, AnApplyThatChangesOneSubsystemVerifiesWithoutRereadingTheRest) {
  EngineFixture f;
  std::string many = "version: 1\nsubsystems:\n";
  for (int i = 0; i < 20; ++i)
    many += "  - {nqn: nqn.2024-01.io.example:s" + std::to_string(i) + ", model: m" + std::to_string(i) + "}\n";
  ASSERT_EQ(f.apply(parse_ok(many)).status, ApplyStatus::Applied);
  std::string changed = many;
  changed.replace(changed.find("model: m7}"), 10, "model: x7}");

  f.fs.reset_counters();
  ASSERT_TRUE(make_full_plan(parse_ok(changed), f.ctx, PlanOptions{}, false).has_value());
  const int plan_reads = f.fs.reads();
  f.fs.reset_counters();
  ApplyReport report = f.apply(parse_ok(changed));
  ASSERT_EQ(report.status, ApplyStatus::Applied) << testing::PrintToString(report.verify_drift);
  ASSERT_EQ(report.plan.steps.size(), 1u);
  // The quick read and the snapshot read whole; verify adds far less than
  // another read of the 20 subsystems (which is what it was before).
  const int full_reads = f.fs.reads();
  f.fs.reset_counters();
  ASSERT_TRUE(read_live_state(f.fs, f.ctx.layout(), ReadScope{}).has_value());
  const int snapshot_reads = f.fs.reads();
  EXPECT_LT(full_reads - plan_reads - snapshot_reads, plan_reads / 4)
      << "apply " << full_reads << ", plan " << plan_reads << ", snapshot " << snapshot_reads;
}

}  // namespace
}  // namespace nvmetctl
