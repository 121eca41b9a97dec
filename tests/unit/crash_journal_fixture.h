#pragma once
// Two targets, a ConfigFs that "kills" the run at its n-th mutation, and an
// engine over the fake tree with the crash journal in a scratch directory:
// for the crash journal's tests.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include "engine_fixture.h"
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
    KillingFs killing(f.fs, at);
    EngineContext ctx{f.ctx.paths, killing};
    ctx.crash_journal = true;
    EXPECT_THROW(apply_target(parse_ok(kAfter), ctx, prune_recreate()), Killed);
  }
  TempDir dir;
  EngineFixture f;
};

}  // namespace nvmetctl::testing_support
