#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "nvmetctl/engine/step_marks.h"
#include "nvmetctl/util/text_file.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

std::string lines_upto(std::size_t steps) {
  std::string text;
  for (std::size_t i = 0; i < steps; ++i) text += std::to_string(i) + "\n";
  return text;
}

// Sized exactly for its steps across the digit widths: marking all of them
// leaves the file as the line-a-step format always read.
TEST(StepMarks, AllMarkedIsOneIndexALine) {
  testing_support::TempDir dir;
  for (std::size_t steps : {0u, 1u, 9u, 10u, 11u, 100u, 1234u}) {
    std::string path = dir.path() + "/steps" + std::to_string(steps);
    auto marks = StepMarks::create(path, 0600, steps);
    ASSERT_TRUE(marks) << marks.error().describe();
    for (std::size_t i = 0; i < steps; ++i) ASSERT_TRUE(marks->mark(i));
    EXPECT_EQ(*read_text_file(path), lines_upto(steps)) << steps;
  }
}

// A run killed after three steps: three lines, then the room left unwritten
// (no newline in it, so no more completed steps).
TEST(StepMarks, PartlyMarkedCountsOnlyTheMarkedLines) {
  testing_support::TempDir dir;
  std::string path = dir.path() + "/steps";
  auto marks = StepMarks::create(path, 0600, 50);
  ASSERT_TRUE(marks);
  for (std::size_t i = 0; i < 3; ++i) ASSERT_TRUE(marks->mark(i));
  std::string text = *read_text_file(path);  // read while the writer still runs, as after a kill
  EXPECT_EQ(text.substr(0, 6), "0\n1\n2\n");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
}

TEST(StepMarks, RefusesMarksOutOfOrderOrBeyondThePlan) {
  testing_support::TempDir dir;
  auto marks = StepMarks::create(dir.path() + "/steps", 0600, 2);
  ASSERT_TRUE(marks);
  EXPECT_FALSE(marks->mark(1));
  ASSERT_TRUE(marks->mark(0));
  ASSERT_TRUE(marks->mark(1));
  EXPECT_FALSE(marks->mark(2));
}

TEST(StepMarks, UnwritableDirectoryIsAnError) {
  auto marks = StepMarks::create("/nonexistent-dir/steps", 0600, 3);
  ASSERT_FALSE(marks);
  EXPECT_NE(marks.error().describe().find("/nonexistent-dir/steps"), std::string::npos);
}

}  // namespace
}  // namespace nvmetctl
