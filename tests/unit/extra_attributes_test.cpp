// Attribute files this nvmetctl does not know (a newer kernel's): declared
// under extra_attributes, planned, applied, rolled back and exported as the
// kernel shows them; the fake plays the newer kernel.
#include <gtest/gtest.h>

#include <cerrno>

#include "engine_fixture.h"
#include "nvmetctl/formats/target_writer.h"

namespace nvmetctl {
namespace {

using testing_support::EngineFixture;
using testing_support::parse_ok;

const char* kNqn = "nqn.2024-01.io.example:extra";

FakeNvmetFs::Options newer_kernel() {
  FakeNvmetFs::Options options;
  options.newer_attributes[ObjectKind::Subsystem] = {{"attr_new_knob", "0"}};
  options.newer_attributes[ObjectKind::Namespace] = {{"kick", ""}};  // write-only
  return options;
}

std::string file_with(const std::string& value) {
  return std::string("version: 1\nsubsystems:\n  - nqn: ") + kNqn +
         "\n    allow_any_host: true\n    extra_attributes: {attr_new_knob: \"" + value +
         "\"}\n    namespaces:\n      - {nsid: 1, device_path: /dev/nullb0, enable: true}\n";
}

std::string errors_of(const std::string& yaml) {
  ParsedTarget parsed = parse_target_text(yaml, "t.yaml");
  std::string text;
  for (const auto& d : parsed.diagnostics.all())
    if (d.severity == Severity::Error) text += d.format() + "\n";
  return text;
}

TEST(ExtraAttributes, ParsedUnderTheirFileNameWithAWarning) {
  ParsedTarget parsed = parse_target_text(file_with("5"), "t.yaml");
  ASSERT_FALSE(parsed.diagnostics.has_errors());
  EXPECT_EQ(parsed.target.subsystems[0].attrs.at("attr_new_knob"), "5");
  ASSERT_EQ(parsed.diagnostics.all().size(), 1u);
  EXPECT_NE(parsed.diagnostics.all()[0].format().find("t.yaml:5:"), std::string::npos)
      << parsed.diagnostics.all()[0].format();
  EXPECT_NE(parsed.diagnostics.all()[0].format().find("unknown to this nvmetctl"), std::string::npos);
}

TEST(ExtraAttributes, BadEntriesAreErrorsNamingTheField) {
  auto with = [](const std::string& extras) {
    return std::string("version: 1\nsubsystems:\n  - nqn: nqn.x\n    extra_attributes: ") + extras + "\n";
  };
  EXPECT_NE(errors_of(with("{attr_model: x}")).find("write it as 'model'"), std::string::npos);
  EXPECT_NE(errors_of(with("{\"../escape\": 1}")).find("no configfs attribute file name"), std::string::npos);
  EXPECT_NE(errors_of(with("{Attr: 1}")).find("no configfs attribute file name"), std::string::npos);
  EXPECT_NE(errors_of(with("{attr_x: [1, 2]}")).find("subsystems[0].extra_attributes.attr_x"), std::string::npos);
  EXPECT_NE(errors_of(with("{attr_x: \"a\\nb\"}")).find("one line"), std::string::npos);
  EXPECT_NE(errors_of(with("{attr_x: " + std::string(5000, 'v') + "}")).find("at most 4096"), std::string::npos);
  EXPECT_NE(errors_of(with("[attr_x]")).find("expected a mapping"), std::string::npos);
  EXPECT_NE(errors_of(with("{attr_x: }")).find("a value is required"), std::string::npos);
}

TEST(ExtraAttributes, AppliedVerifiedAndASecondApplyDoesNothing) {
  EngineFixture f(newer_kernel());
  ApplyReport report = f.apply(parse_ok(file_with("5")));
  ASSERT_EQ(report.status, ApplyStatus::Applied) << testing::PrintToString(report.verify_drift);
  EXPECT_EQ(*f.fs.read(f.fs.layout().subsystem(kNqn) + "/attr_new_knob"), "5");
  EXPECT_TRUE(f.plan(parse_ok(file_with("5"))).empty());
}

TEST(ExtraAttributes, AChangeIsAnUpdateFromTheKernelsValueAndRollsBack) {
  EngineFixture f(newer_kernel());
  ASSERT_EQ(f.apply(parse_ok(file_with("5"))).status, ApplyStatus::Applied);
  Plan plan = f.plan(parse_ok(file_with("6")));
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].change, ChangeKind::Update);
  EXPECT_EQ(plan.steps[0].old_value, "5");
  EXPECT_EQ(plan.steps[0].op.value, "6");
  f.fs.fail_path(f.fs.layout().subsystem(kNqn) + "/attr_new_knob", EINVAL);
  EXPECT_EQ(f.apply(parse_ok(file_with("6"))).status, ApplyStatus::FailedRolledBack);
  f.fs.clear_faults();
  EXPECT_EQ(*f.fs.read(f.fs.layout().subsystem(kNqn) + "/attr_new_knob"), "5");
}

TEST(ExtraAttributes, ExportKeepsThemAndTheExportReappliesAsANoOp) {
  EngineFixture f(newer_kernel());
  ASSERT_EQ(f.apply(parse_ok(file_with("5"))).status, ApplyStatus::Applied);
  Target exported = exportable_target(f.live().target, {});
  EXPECT_EQ(extra_attribute_names(exported), std::vector<std::string>{"subsystem " + std::string(kNqn) + ": attr_new_knob"});
  std::string yaml = target_to_yaml(exported);
  EXPECT_NE(yaml.find("extra_attributes:\n      attr_new_knob: \"5\""), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("kick"), std::string::npos) << "a write-only file has no value to keep";
  EXPECT_EQ(target_to_json(exported)["subsystems"][0]["extra_attributes"]["attr_new_knob"], "5");
  EXPECT_TRUE(f.plan(parse_ok(yaml)).empty());
}

TEST(ExtraAttributes, ExportKeepsOnlyWhatTheFileFormatTakesBack) {
  Target live;
  Subsystem s;
  s.nqn = kNqn;
  s.attrs = {{"attr_ok", "1"}, {"Bad Name", "1"}, {"attr_lines", "a\nb"}, {"attr_huge", std::string(5000, 'x')}};
  live.subsystems.push_back(s);
  Target exported = exportable_target(live, {});
  EXPECT_EQ(exported.subsystems[0].attrs, (AttrMap{{"attr_ok", "1"}}));
  ParsedTarget back = parse_target_text(target_to_yaml(exported), "exported.yaml");
  EXPECT_FALSE(back.diagnostics.has_errors());
}

// Which files a subsystem has is known once one exists; before, the apply
// finds out (ENOENT) and rolls back.
TEST(ExtraAttributes, AKernelWithoutTheFileRefusesThePlanAtTheKey) {
  EngineFixture f;  // a kernel without attr_new_knob
  ASSERT_EQ(f.apply(parse_ok("version: 1\nsubsystems:\n  - nqn: nqn.other\n")).status, ApplyStatus::Applied);
  Plan plan = f.plan(parse_ok(file_with("5")));
  ASSERT_TRUE(plan.blocked());
  std::string text = plan.problems.all().front().format();
  EXPECT_NE(text.find("this kernel has no attribute file 'attr_new_knob'"), std::string::npos) << text;
}

}  // namespace
}  // namespace nvmetctl
