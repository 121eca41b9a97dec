#pragma once
// A fake nvmet configfs plus an engine context over it, for planner and
// apply tests.
#include <gtest/gtest.h>

#include "nvmetctl/config/target_parser.h"
#include "fake_nvmet_fs.h"
#include "nvmetctl/engine/engine.h"

namespace nvmetctl::testing_support {

inline Target parse_ok(const std::string& yaml) {
  ParsedTarget parsed = parse_target_text(yaml, "test.yaml");
  for (const auto& d : parsed.diagnostics.all())
    EXPECT_NE(d.severity, Severity::Error) << d.format();
  return parsed.target;
}

struct EngineFixture {
  explicit EngineFixture(FakeNvmetFs::Options options = {}) : fs("/cfg", options), ctx{paths(), fs} {}
  static SystemPaths paths() {
    SystemPaths p;
    p.configfs = "/cfg";
    p.proc = "/nonexistent-proc";
    p.boot = "/nonexistent-boot";
    p.dev = "/nonexistent-dev";
    return p;
  }
  LiveState live() {
    auto state = read_live_state(fs, ctx.layout(), ReadScope{});
    EXPECT_TRUE(state.has_value());
    return *state;
  }
  Plan plan(const Target& desired, PlanOptions options = {}) {
    auto full = make_full_plan(desired, ctx, options, true);
    EXPECT_TRUE(full.has_value());
    return full->plan;
  }
  ApplyReport apply(const Target& desired, PlanOptions options = {}) { return apply_target(desired, ctx, options); }

  FakeNvmetFs fs;
  EngineContext ctx;
};

}  // namespace nvmetctl::testing_support
