#include <gtest/gtest.h>

#include "crash_journal_fixture.h"
#include "nvmetctl/engine/rollback_interrupted.h"
#include "nvmetctl/plan/planner.h"

namespace nvmetctl {
namespace {

using testing_support::as_if_dead;
using testing_support::EngineFixture;
using testing_support::JournalFixture;
using testing_support::Killed;
using testing_support::killing_fs;
using testing_support::kAfter;
using testing_support::kBefore;
using testing_support::parse_ok;
using testing_support::prune_recreate;

TEST(InterruptedRun, RollbackAfterAKillRestoresTheSnapshotExactly) {
  std::size_t steps = 0;
  {
    EngineFixture probe;
    ASSERT_EQ(probe.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
    steps = probe.plan(parse_ok(kAfter), prune_recreate()).steps.size();
  }
  ASSERT_GT(steps, 20u);
  for (std::size_t k = 1; k <= steps; ++k) {
    JournalFixture j;
    ASSERT_EQ(j.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
    std::string before = j.yaml();
    Target snapshot = j.f.live().target;
    j.kill_apply_at(static_cast<int>(k));
    if (k > 1) {
      EXPECT_NE(j.yaml(), before) << "killed at " << k;
    }
    CrashJournal journal = j.journal();
    as_if_dead(journal);
    auto found = journal.find_interrupted();
    ASSERT_TRUE(found.has_value() && found->has_value()) << "killed at " << k;
    EXPECT_EQ((*found)->done, k - 1) << "the k-th mutation never ran";
    EXPECT_EQ((*found)->steps.size(), steps);
    InterruptedRollback result = roll_back_interrupted_run(j.f.ctx, false);
    ASSERT_TRUE(result.run.has_value());
    // Killed at the first mutation, the run changed nothing.
    ASSERT_EQ(result.report.status, k == 1 ? ApplyStatus::NoChanges : ApplyStatus::Applied)
        << "killed at " << k << ": " << testing::PrintToString(result.report.verify_drift)
        << (result.report.failure ? result.report.failure->error.describe() : "");
    EXPECT_EQ(j.yaml(), before) << "killed at " << k;
    PlanOptions exact;
    exact.prune = true;
    EXPECT_TRUE(plan_configfs(snapshot, j.f.live(), j.f.ctx.layout(), KernelFacts{}, exact).empty()) << k;
    auto after = journal.read();
    ASSERT_TRUE(after.has_value());
    EXPECT_FALSE(after->has_value()) << "rollback removes the journal";
  }
}

TEST(InterruptedRun, ARollbackKilledInTheMiddleCanBeRunAgain) {
  JournalFixture j;
  ASSERT_EQ(j.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  std::string before = j.yaml();
  j.kill_apply_at(20);
  CrashJournal journal = j.journal();
  as_if_dead(journal);
  {
    MutationHookFs killing = killing_fs(j.f.fs, 4);
    EngineContext ctx{j.f.ctx.paths, killing};
    ctx.crash_journal = true;
    EXPECT_THROW(roll_back_interrupted_run(ctx, false), Killed);
  }
  auto still = journal.find_interrupted();
  ASSERT_TRUE(still.has_value() && still->has_value()) << "the journal outlives a killed rollback";
  EXPECT_EQ((*still)->done, 19u);
  InterruptedRollback again = roll_back_interrupted_run(j.f.ctx, false);
  ASSERT_EQ(again.report.status, ApplyStatus::Applied);
  EXPECT_EQ(j.yaml(), before);
}

TEST(InterruptedRun, RollbackWithoutAJournalHasNothingToDo) {
  JournalFixture j;
  InterruptedRollback result = roll_back_interrupted_run(j.f.ctx, false);
  EXPECT_FALSE(result.run.has_value());
  EXPECT_EQ(j.f.fs.mutations(), 0);
}

TEST(InterruptedRun, RollbackDryRunChangesNothingAndKeepsTheJournal) {
  JournalFixture j;
  ASSERT_EQ(j.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  j.kill_apply_at(9);
  CrashJournal journal = j.journal();
  as_if_dead(journal);
  int mutations = j.f.fs.mutations();
  InterruptedRollback result = roll_back_interrupted_run(j.f.ctx, true);
  ASSERT_TRUE(result.run.has_value());
  EXPECT_FALSE(result.report.plan.empty());
  EXPECT_EQ(j.f.fs.mutations(), mutations);
  auto still = journal.find_interrupted();
  ASSERT_TRUE(still.has_value());
  EXPECT_TRUE(still->has_value());
}

TEST(InterruptedRun, ApplyAfterAKillConvergesAndRemovesTheJournal) {
  for (int k : {1, 7, 15}) {
    JournalFixture j;
    ASSERT_EQ(j.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
    j.kill_apply_at(k);
    CrashJournal journal = j.journal();
    as_if_dead(journal);
    ApplyReport report = j.f.apply(parse_ok(kAfter), prune_recreate());
    ASSERT_EQ(report.status, ApplyStatus::Applied) << "killed at " << k;
    EXPECT_TRUE(j.f.plan(parse_ok(kAfter), prune_recreate()).empty()) << "killed at " << k;
    auto after = journal.read();
    ASSERT_TRUE(after.has_value());
    EXPECT_FALSE(after->has_value()) << "killed at " << k;
  }
}

TEST(InterruptedRun, AFailedApplyPutsBackTheInterruptedRunsJournal) {
  JournalFixture j;
  ASSERT_EQ(j.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  std::string before = j.yaml();
  j.kill_apply_at(6);
  CrashJournal journal = j.journal();
  as_if_dead(journal);
  auto interrupted = journal.find_interrupted();
  ASSERT_TRUE(interrupted.has_value() && interrupted->has_value());
  j.f.fs.fail_mutation(2, EIO);
  EXPECT_EQ(j.f.apply(parse_ok(kAfter), prune_recreate()).status, ApplyStatus::FailedRolledBack);
  auto back = journal.find_interrupted();
  ASSERT_TRUE(back.has_value() && back->has_value());
  EXPECT_EQ((*back)->pid, (*interrupted)->pid);
  EXPECT_EQ((*back)->done, 5u);
  ASSERT_EQ(roll_back_interrupted_run(j.f.ctx, false).report.status, ApplyStatus::Applied);
  EXPECT_EQ(j.yaml(), before);
}

}  // namespace
}  // namespace nvmetctl
