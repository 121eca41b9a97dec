#include <gtest/gtest.h>

#include "engine_fixture.h"
#include "nvmetctl/engine/snapshot_json.h"

namespace nvmetctl {
namespace {

using testing_support::EngineFixture;
using testing_support::parse_ok;

const char* kTarget = R"(version: 1
subsystems:
  - {nqn: nqn.2024-01.io.example:a, allow_any_host: true}
  - {nqn: nqn.2024-01.io.example:b, allow_any_host: true}
ports:
  - {id: 1, trtype: loop, subsystems: [nqn.2024-01.io.example:a, nqn.2024-01.io.example:b]}
  - {id: 2, trtype: loop}
)";

TEST(RestartPorts, UnlinksThenRelinksEverySubsystemAndTheTreeReadsTheSame) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTarget)).status, ApplyStatus::Applied);
  const Target before = f.live().target;
  ApplyReport report = restart_ports(f.ctx, {1, 2});
  ASSERT_EQ(report.status, ApplyStatus::Applied);
  ASSERT_EQ(report.plan.steps.size(), 4u) << "port 2 links nothing: left alone";
  EXPECT_EQ(report.plan.steps[0].op.kind, OpKind::Unlink);
  EXPECT_EQ(report.plan.steps[1].op.kind, OpKind::Unlink);
  EXPECT_EQ(report.plan.steps[2].op.kind, OpKind::Symlink);
  EXPECT_EQ(report.plan.steps[3].op.kind, OpKind::Symlink);
  EXPECT_EQ(report.plan.steps[0].disruption, "the port restarts: its hosts reconnect");
  EXPECT_EQ(snapshot_to_json(f.live().target), snapshot_to_json(before));
  EXPECT_TRUE(f.plan(parse_ok(kTarget)).empty());
}

TEST(RestartPorts, AFailedRelinkRollsBackToTheLinkedPort) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTarget)).status, ApplyStatus::Applied);
  const Target before = f.live().target;
  f.fs.fail_mutation(4, EINVAL);  // the second relink
  ApplyReport report = restart_ports(f.ctx, {1});
  EXPECT_EQ(report.status, ApplyStatus::FailedRolledBack);
  EXPECT_TRUE(report.rollback_drift.empty());
  EXPECT_EQ(snapshot_to_json(f.live().target), snapshot_to_json(before));
}

TEST(RestartPorts, NothingToRestartChangesNothing) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTarget)).status, ApplyStatus::Applied);
  ApplyReport report = restart_ports(f.ctx, {2, 7});
  EXPECT_EQ(report.status, ApplyStatus::NoChanges);
  EXPECT_TRUE(report.plan.empty());
}

}  // namespace
}  // namespace nvmetctl
