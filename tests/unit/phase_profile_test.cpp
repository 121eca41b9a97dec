#include "nvmetctl/util/phase_profile.h"

#include <gtest/gtest.h>

#include <thread>

namespace nvmetctl {
namespace {

TEST(PhaseProfile, OffItRecordsNothing) {
  ASSERT_FALSE(PhaseProfile::instance().enabled());  // only main() turns it on
  { ProfiledPhase phase("a phase nobody else names"); }
  EXPECT_EQ(PhaseProfile::instance().report().find("a phase nobody else names"), std::string::npos);
}

TEST(PhaseProfile, ANestedPhaseCountsOnlyInItselfAndCallsAreCounted) {
  PhaseProfile profile;
  profile.enable();
  profile.enter("verify");
  profile.enter("read");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  profile.leave();
  profile.enter("read");
  profile.leave();
  profile.leave();
  std::string report = profile.report();
  // read holds the 30 ms, verify almost nothing of its own; read comes first.
  auto read_at = report.find("  read "), verify_at = report.find("  verify ");
  ASSERT_NE(read_at, std::string::npos) << report;
  ASSERT_NE(verify_at, std::string::npos) << report;
  EXPECT_LT(read_at, verify_at) << report;
  double read_seconds = 0, verify_seconds = 0;
  int read_calls = 0, verify_calls = 0;
  std::sscanf(report.c_str() + read_at, "  read %d %lf", &read_calls, &read_seconds);
  std::sscanf(report.c_str() + verify_at, "  verify %d %lf", &verify_calls, &verify_seconds);
  EXPECT_EQ(read_calls, 2);
  EXPECT_EQ(verify_calls, 1);
  EXPECT_GE(read_seconds, 0.025);
  EXPECT_LT(verify_seconds, 0.02);
  EXPECT_NE(report.find("  total"), std::string::npos);
}

TEST(PhaseProfile, LeavingWithNothingOpenIsHarmless) {
  PhaseProfile profile;
  profile.enable();
  profile.leave();
  EXPECT_NE(profile.report().find("total"), std::string::npos);
}

}  // namespace
}  // namespace nvmetctl
