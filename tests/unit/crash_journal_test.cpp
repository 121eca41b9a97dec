#include <gtest/gtest.h>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "crash_journal_fixture.h"

namespace nvmetctl {
namespace {

using testing_support::as_if_dead;
using testing_support::EngineFixture;
using testing_support::JournalFixture;
using testing_support::kAfter;
using testing_support::kBefore;
using testing_support::parse_ok;
using testing_support::prune_recreate;

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
// rollback itself killed in the middle: the journal still holds the
// snapshot of the first run, and the next rollback gets there.
// A plain apply after a kill plans from what is there, converges, and the
// stale journal is gone.
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
TEST(CrashJournal, AStepLineCutShortIsNoCompletedStep) {
  JournalFixture j;
  CrashJournal journal = j.journal();
  ASSERT_TRUE(journal.begin("apply", Target{}, Plan{}).has_value());
  j.dir.write("run/journal.steps", "0\n1\n2");  // killed in the middle of the third line
  auto record = journal.read();
  ASSERT_TRUE(record.has_value() && record->has_value());
  EXPECT_EQ((*record)->done, 2u);
}

// Format 2 writes a step as a row [change, operation, path]; a journal in
// format 1 (keyed steps), left by a run killed before an upgrade, is still
// read, so it can still be rolled back.
TEST(CrashJournal, StepsAreRowsAndAKeyedFormatOneJournalIsStillRead) {
  JournalFixture j;
  CrashJournal journal = j.journal();
  Plan plan;
  Step step;
  step.op = {OpKind::Mkdir, "/cfg/nvmet/hosts/h1", "", ""};
  step.object = "host h1";
  plan.steps.push_back(step);
  ASSERT_TRUE(journal.begin("apply", Target{}, plan).has_value());
  nlohmann::json written = nlohmann::json::parse(testing_support::file_content(journal.record_path()));
  EXPECT_EQ(written["format"], 2);
  EXPECT_EQ(written["steps"], nlohmann::json::parse(R"([["+", "mkdir", "/cfg/nvmet/hosts/h1"]])"));

  written["format"] = 1;
  written["steps"] = nlohmann::json::parse(
      R"([{"change": "-", "operation": "rmdir", "path": "/cfg/nvmet/hosts/h0", "object": "host h0"}])");
  j.dir.write("run/journal.json", written.dump());
  auto record = journal.read();
  ASSERT_TRUE(record.has_value() && record->has_value()) << (record ? "" : record.error().describe());
  ASSERT_EQ((*record)->steps.size(), 1u);
  EXPECT_EQ((*record)->steps[0].change, "-");
  EXPECT_EQ((*record)->steps[0].operation, "rmdir");
  EXPECT_EQ((*record)->steps[0].path, "/cfg/nvmet/hosts/h0");

  written["format"] = 2;
  written["steps"] = nlohmann::json::parse(R"([["+", "mkdir"]])");
  j.dir.write("run/journal.json", written.dump());
  auto short_row = journal.read();
  ASSERT_FALSE(short_row.has_value());
  EXPECT_NE(short_row.error().describe().find("[change, operation, path]"), std::string::npos);
}

// Plain ASCII paths are copied into the JSON as they are; anything else
// (quotes, backslashes, control characters, UTF-8) is escaped by nlohmann,
// which replaces what is not UTF-8: every step reads back.
TEST(CrashJournal, EveryStepPathReadsBack) {
  JournalFixture j;
  CrashJournal journal = j.journal();
  const std::vector<std::string> paths = {"/cfg/nvmet/hosts/plain-nqn:1", "/cfg/nvmet/hosts/quote\"back\\slash",
                                          "/cfg/nvmet/hosts/line\nfeed\ttab\x01", "/cfg/nvmet/hosts/caf\xc3\xa9",
                                          "/cfg/nvmet/hosts/bad-\xff", "/cfg/nvmet/hosts/del\x7f"};
  Plan plan;
  for (const std::string& path : paths) {
    Step step;
    step.change = ChangeKind::Remove;
    step.op = {OpKind::Rmdir, path, "", ""};
    plan.steps.push_back(step);
  }
  ASSERT_TRUE(journal.begin("clear", Target{}, plan).has_value());
  auto record = journal.read();
  ASSERT_TRUE(record.has_value() && record->has_value()) << (record ? "" : record.error().describe());
  ASSERT_EQ((*record)->steps.size(), paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    EXPECT_EQ((*record)->steps[i].change, "-");
    EXPECT_EQ((*record)->steps[i].operation, "rmdir");
    std::string expected = i == 4 ? "/cfg/nvmet/hosts/bad-\xef\xbf\xbd" : paths[i];  // U+FFFD for the lone byte
    EXPECT_EQ((*record)->steps[i].path, expected) << i;
  }
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
