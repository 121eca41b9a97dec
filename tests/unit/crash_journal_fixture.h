#pragma once
// Two targets, a ConfigFs that "kills" the run at its n-th mutation, and an
// engine over the fake tree with the crash journal in a scratch directory:
// for the crash journal's tests.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include "engine_fixture.h"
#include "mutation_hook_fs.h"
#include "sample_change.h"
#include "nvmetctl/engine/journal.h"
#include "nvmetctl/formats/target_writer.h"
#include "temp_dir.h"

namespace nvmetctl::testing_support {

inline PlanOptions prune_recreate() {
  PlanOptions options;
  options.prune = true;
  options.allow_recreate = true;
  return options;
}

// What SIGKILL does to a run: it stops dead at the n-th mutation (which
// never happens) and nothing after runs, no rollback, no cleanup. Thrown
// through the engine, an exception does the same.
struct Killed {};
// A ConfigFs over `inner` that is killed at its `at`-th mutation.
inline MutationHookFs killing_fs(ConfigFs& inner, int at) {
  return MutationHookFs(inner, [at](int n) { if (n == at) throw Killed{}; }, nullptr);
}

inline long dead_pid() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

// The journal as the dead process would have left it (the test process is
// the one that wrote it, and still runs).
inline void as_if_dead(CrashJournal& journal) {
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
    MutationHookFs killing = killing_fs(f.fs, at);
    EngineContext ctx{f.ctx.paths, killing};
    ctx.crash_journal = true;
    EXPECT_THROW(apply_target(parse_ok(kAfter), ctx, prune_recreate()), Killed);
  }
  TempDir dir;
  EngineFixture f;
};

}  // namespace nvmetctl::testing_support
