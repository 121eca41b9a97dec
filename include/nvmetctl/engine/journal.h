#pragma once
// The crash journal: what a run that is SIGKILLed, OOM-killed or otherwise
// stopped dead (no rollback of its own) leaves for the next one. Before its
// first mutation a run writes <run_dir>/journal.json (the full snapshot of
// the tree and its plan), then appends one line per completed step to
// <run_dir>/journal.steps, each on disk before the next mutation. An orderly
// end removes both. A journal whose process is gone is an interrupted run:
// `nvmetctl rollback` puts the snapshot back.
#include <optional>
#include <string>
#include <vector>

#include "nvmetctl/expected.h"
#include "nvmetctl/model/target.h"
#include "nvmetctl/plan/plan.h"
#include "nvmetctl/engine/step_marks.h"

namespace nvmetctl {

// 2: steps are rows [change, operation, path]; 1 (still read): keyed objects.
inline constexpr int kJournalFormat = 2;
inline constexpr int kJournalFormatWithKeyedSteps = 1;

// A step as the journal shows it later; never a value (secrets).
struct JournalStep {
  std::string change;     // + ~ -/+ -
  std::string operation;  // mkdir, write, ...
  std::string path;
};

struct JournalRecord {
  int format = kJournalFormat;
  long pid = 0;
  // Field 22 of /proc/<pid>/stat: a pid reused by another process has
  // another start time, so it is not taken for the run still going.
  unsigned long long pid_start = 0;
  std::string started;  // UTC, 2025-01-31T12:00:00Z
  std::string command;  // apply | clear
  Target snapshot;      // the whole tree before the run
  std::vector<JournalStep> steps;
  std::size_t done = 0;  // completed steps (lines in journal.steps)
};

class CrashJournal {
 public:
  explicit CrashJournal(std::string run_dir, std::string proc = "/proc");

  std::string record_path() const { return dir_ + "/journal.json"; }
  std::string steps_path() const { return dir_ + "/journal.steps"; }

  // Before the first mutation: the record, durable; the steps file empty.
  Expected<void> begin(const std::string& command, const Target& snapshot, const Plan& plan);
  // After step `index` (0-based) completed.
  Expected<void> mark(std::size_t index);
  // Both files gone (the run ended in order, or was rolled back).
  Expected<void> remove();
  // Writes `record` back with its `done` count: a run that replaced an
  // interrupted run's journal and then undid itself restores it.
  Expected<void> restore(const JournalRecord& record);

  // nullopt when there is no journal.
  Expected<std::optional<JournalRecord>> read() const;
  // Whether the record's process still runs (then it is no interrupted run).
  bool is_running(const JournalRecord& record) const;
  // The journal of a run whose process is gone; nullopt if none.
  Expected<std::optional<JournalRecord>> find_interrupted() const;

 private:
  std::string dir_, proc_;
  StepMarks steps_;
};

// "an interrupted run was found (pid N, started T): K of M steps done"
std::string describe_interrupted_run(const JournalRecord& record);

}  // namespace nvmetctl
