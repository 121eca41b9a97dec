#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine_fixture.h"
#include "nvmetctl/engine/journal.h"
#include "nvmetctl/engine/rollback_interrupted.h"
#include "nvmetctl/formats/target_writer.h"
#include "nvmetctl/plan/planner.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::EngineFixture;
using testing_support::parse_ok;
using testing_support::TempDir;

const char* kBefore = R"(version: 1
hosts:
  - nqn: nqn.h1
  - nqn: nqn.h2
subsystems:
  - nqn: nqn.keep
    allowed_hosts: [nqn.h1]
    namespaces:
      - {nsid: 1, device_path: /dev/nvme0n1, enable: true}
      - {nsid: 2, device_path: /dev/loop0, enable: true}
  - nqn: nqn.extra
    allow_any_host: true
ports:
  - id: 1
    trtype: tcp
    traddr: 127.0.0.1
    subsystems: [nqn.keep, nqn.extra]
)";

const char* kAfter = R"(version: 1
hosts:
  - nqn: nqn.h1
  - nqn: nqn.h3
subsystems:
  - nqn: nqn.keep
    model: NewModel
    allowed_hosts: [nqn.h3]
    namespaces:
      - {nsid: 1, device_path: /dev/nullb0, enable: true}
      - {nsid: 3, device_path: /dev/loop0, enable: true}
  - nqn: nqn.new
    allow_any_host: true
    namespaces:
      - {nsid: 7, device_path: /dev/nvme0n1, enable: true}
ports:
  - id: 1
    trtype: tcp
    traddr: 127.0.0.2
    subsystems: [nqn.keep, nqn.new]
  - id: 2
    trtype: tcp
    traddr: 127.0.0.3
    subsystems: [nqn.new]
)";

PlanOptions prune_recreate() {
  PlanOptions options;
  options.prune = true;
  options.allow_recreate = true;
  return options;
}

// What SIGKILL does to a run: it stops dead at the n-th mutation (which
// never happens) and nothing after runs, no rollback, no cleanup. Thrown
// through the engine, an exception does the same.
struct Killed {};
class KillingFs final : public ConfigFs {
 public:
  KillingFs(ConfigFs& inner, int at) : inner_(inner), left_(at) {}
  bool exists(const std::string& path) const override { return inner_.exists(path); }
  Expected<std::vector<DirEntry>> list(const std::string& dir) const override { return inner_.list(dir); }
  Expected<std::string> read(const std::string& attr) const override { return inner_.read(attr); }
  Expected<std::string> read_link(const std::string& link) const override { return inner_.read_link(link); }
  Expected<void> write(const std::string& attr, const std::string& value) override {
    return die(), inner_.write(attr, value);
  }
  Expected<void> make_dir(const std::string& dir) override { return die(), inner_.make_dir(dir); }
  Expected<void> remove_dir(const std::string& dir) override { return die(), inner_.remove_dir(dir); }
  Expected<void> make_link(const std::string& target, const std::string& link) override {
    return die(), inner_.make_link(target, link);
  }
  Expected<void> remove_link(const std::string& link) override { return die(), inner_.remove_link(link); }

 private:
  void die() {
    if (--left_ == 0) throw Killed{};
  }
  ConfigFs& inner_;
  int left_;
};

long dead_pid() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

// The journal as the dead process would have left it (the test process is
// the one that wrote it, and still runs).
void as_if_dead(CrashJournal& journal) {
  auto record = journal.read();
  ASSERT_TRUE(record.has_value() && record->has_value());
  JournalRecord dead = **record;
  dead.pid = dead_pid();
  ASSERT_TRUE(journal.restore(dead).has_value());
}

struct JournalFixture {
  JournalFixture() {
    f.ctx.paths.run_dir = dir.path() + "/run";
    f.ctx.crash_journal = true;
  }
  CrashJournal journal() const { return CrashJournal(f.ctx.paths.run_dir); }
  std::string yaml() { return target_to_yaml(f.live().target); }
  // Applies kAfter and kills it at mutation `at`.
  void kill_apply_at(int at) {
    KillingFs killing(f.fs, at);
    EngineContext ctx{f.ctx.paths, killing};
    ctx.crash_journal = true;
    EXPECT_THROW(apply_target(parse_ok(kAfter), ctx, prune_recreate()), Killed);
  }
  TempDir dir;
  EngineFixture f;
};

TEST(CrashJournal, RecordsSnapshotPlanAndMarks) {
  JournalFixture j;
  ASSERT_EQ(j.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  Target snapshot = j.f.live().target;
  Plan plan = j.f.plan(parse_ok(kAfter), prune_recreate());
  CrashJournal journal = j.journal();
  ASSERT_TRUE(journal.begin("apply", snapshot, plan).has_value());
  for (std::size_t i = 0; i < 3; ++i) ASSERT_TRUE(journal.mark(i).has_value());
  auto record = journal.read();
  ASSERT_TRUE(record.has_value() && record->has_value());
  EXPECT_EQ((*record)->pid, static_cast<long>(::getpid()));
  EXPECT_EQ((*record)->command, "apply");
  EXPECT_EQ((*record)->done, 3u);
  ASSERT_EQ((*record)->steps.size(), plan.steps.size());
  EXPECT_EQ((*record)->steps[0].path, plan.steps[0].op.path);
  EXPECT_EQ(target_to_yaml((*record)->snapshot), target_to_yaml(snapshot));
  struct stat st {};
  ASSERT_EQ(::stat(journal.record_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(j.f.ctx.paths.run_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_TRUE(journal.remove().has_value());
  auto gone = journal.read();
  ASSERT_TRUE(gone.has_value());
  EXPECT_FALSE(gone->has_value());
}

TEST(CrashJournal, AJournalOfALiveRunIsNoInterruptedRunADeadOneIs) {
  JournalFixture j;
  CrashJournal journal = j.journal();
  ASSERT_TRUE(journal.begin("clear", Target{}, Plan{}).has_value());
  auto live = journal.find_interrupted();
  ASSERT_TRUE(live.has_value());
  EXPECT_FALSE(live->has_value()) << "this process still runs";
  as_if_dead(journal);
  auto dead = journal.find_interrupted();
  ASSERT_TRUE(dead.has_value());
  ASSERT_TRUE(dead->has_value());
  EXPECT_EQ((*dead)->command, "clear");
  EXPECT_NE(describe_interrupted_run(**dead).find("an interrupted run was found (pid "), std::string::npos);
  // A reused pid: alive, but started at another time than the run.
  JournalRecord reused = **dead;
  reused.pid = static_cast<long>(::getpid());
  reused.pid_start = 1;
  ASSERT_TRUE(journal.restore(reused).has_value());
  auto found = journal.find_interrupted();
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->has_value());
}

TEST(CrashJournal, AnOrderlyRunLeavesNoJournal) {
  JournalFixture j;
  ASSERT_EQ(j.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  j.f.fs.fail_mutation(3, EIO);
  EXPECT_EQ(j.f.apply(parse_ok(kAfter), prune_recreate()).status, ApplyStatus::FailedRolledBack);
  auto record = j.journal().read();
  ASSERT_TRUE(record.has_value());
  EXPECT_FALSE(record->has_value()) << "a run rolled back cleanly removes its journal";
}

// Killed after every k-th mutation: the journal says how far it got, and
// rollback puts the tree back to the snapshot exactly.
TEST(CrashJournal, RollbackAfterAKillRestoresTheSnapshotExactly) {
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

// rollback itself killed in the middle: the journal still holds the
// snapshot of the first run, and the next rollback gets there.
TEST(CrashJournal, ARollbackKilledInTheMiddleCanBeRunAgain) {
  JournalFixture j;
  ASSERT_EQ(j.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  std::string before = j.yaml();
  j.kill_apply_at(20);
  CrashJournal journal = j.journal();
  as_if_dead(journal);
  {
    KillingFs killing(j.f.fs, 4);
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

TEST(CrashJournal, RollbackWithoutAJournalHasNothingToDo) {
  JournalFixture j;
  InterruptedRollback result = roll_back_interrupted_run(j.f.ctx, false);
  EXPECT_FALSE(result.run.has_value());
  EXPECT_EQ(j.f.fs.mutations(), 0);
}

TEST(CrashJournal, RollbackDryRunChangesNothingAndKeepsTheJournal) {
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

// A plain apply after a kill plans from what is there, converges, and the
// stale journal is gone.
TEST(CrashJournal, ApplyAfterAKillConvergesAndRemovesTheJournal) {
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

TEST(CrashJournal, ApplyWithNothingToDoForgetsAnInterruptedRun) {
  JournalFixture j;
  ASSERT_EQ(j.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  CrashJournal journal = j.journal();
  ASSERT_TRUE(journal.begin("apply", j.f.live().target, Plan{}).has_value());
  as_if_dead(journal);
  EXPECT_EQ(j.f.apply(parse_ok(kBefore)).status, ApplyStatus::NoChanges);
  auto after = journal.read();
  ASSERT_TRUE(after.has_value());
  EXPECT_FALSE(after->has_value());
}

// A run that replaced an interrupted run's journal and then rolled itself
// back puts that journal back: the way to the older snapshot stays.
TEST(CrashJournal, AFailedApplyPutsBackTheInterruptedRunsJournal) {
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

TEST(CrashJournal, AStepLineCutShortIsNoCompletedStep) {
  JournalFixture j;
  CrashJournal journal = j.journal();
  ASSERT_TRUE(journal.begin("apply", Target{}, Plan{}).has_value());
  ASSERT_TRUE(journal.mark(0).has_value());
  j.dir.write("run/journal.steps", "0\n1\n2");  // killed in the middle of the third line
  auto record = journal.read();
  ASSERT_TRUE(record.has_value() && record->has_value());
  EXPECT_EQ((*record)->done, 2u);
}

TEST(CrashJournal, AJournalThatCannotBeWrittenStopsApplyBeforeAnyMutation) {
  JournalFixture j;
  j.dir.write("run", "a file where the directory should be");
  ApplyReport report = j.f.apply(parse_ok(kBefore));
  EXPECT_EQ(report.status, ApplyStatus::JournalFailed);
  ASSERT_TRUE(report.read_error.has_value());
  EXPECT_EQ(j.f.fs.mutations(), 0);
}

}  // namespace
}  // namespace nvmetctl
