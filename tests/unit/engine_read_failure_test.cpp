#include <gtest/gtest.h>

#include "engine_fixture.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::parse_ok;
using testing_support::TempDir;

// configfs that cannot be read (here: `nvmet` is a plain file) is an I/O
// problem, reported as such: not a plan with errors, and nothing is touched.
class UnreadableConfigfs : public ::testing::Test {
 protected:
  UnreadableConfigfs() : ctx{paths(), fs} { root.write("nvmet", "not a directory\n"); }
  SystemPaths paths() const {
    SystemPaths p;
    p.configfs = root.path();
    p.proc = "/nonexistent-proc";
    p.boot = "/nonexistent-boot";
    return p;
  }
  TempDir root;
  RealConfigFs fs;
  EngineContext ctx;
};

TEST_F(UnreadableConfigfs, ApplyReportsTheReadError) {
  ApplyReport report = apply_target(parse_ok("version: 1\nsubsystems:\n  - nqn: nqn.s\n"), ctx, {});
  EXPECT_EQ(report.status, ApplyStatus::ReadFailed);
  ASSERT_TRUE(report.read_error.has_value());
  EXPECT_NE(report.read_error->path.find(root.path() + "/nvmet"), std::string::npos) << report.read_error->describe();
  EXPECT_EQ(report.completed, 0U);
  EXPECT_TRUE(report.plan.steps.empty());
}

TEST_F(UnreadableConfigfs, ClearReportsTheReadError) {
  ApplyReport report = clear_target(ctx, {});
  EXPECT_EQ(report.status, ApplyStatus::ReadFailed);
  ASSERT_TRUE(report.read_error.has_value());
  EXPECT_EQ(report.completed, 0U);
}

}  // namespace
}  // namespace nvmetctl
