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

// The kernel takes most namespace and referral writes only while disabled:
// a new one is enabled after its unknown files are written.
TEST(ExtraAttributes, ANewNamespaceIsEnabledAfterThem) {
  FakeNvmetFs::Options options;
  options.newer_attributes[ObjectKind::Namespace] = {{"ns_knob", "0"}};
  EngineFixture f(options);
  Target t = parse_ok(std::string("version: 1\nsubsystems:\n  - nqn: ") + kNqn +
                      "\n    namespaces:\n      - {nsid: 1, device_path: /dev/nullb0, enable: true,"
                      " extra_attributes: {ns_knob: \"3\"}}\n");
  Plan plan = f.plan(t);
  std::string dir = f.fs.layout().namespace_dir(kNqn, 1);
  auto at = [&](const std::string& path) {
    for (std::size_t i = 0; i < plan.steps.size(); ++i)
      if (plan.steps[i].op.path == path) return i;
    return plan.steps.size();
  };
  ASSERT_LT(at(dir + "/ns_knob"), plan.steps.size());
  EXPECT_LT(at(dir + "/ns_knob"), at(dir + "/enable"));
  ASSERT_EQ(f.apply(t).status, ApplyStatus::Applied);
  EXPECT_EQ(*f.fs.read(dir + "/ns_knob"), "3");
  EXPECT_EQ(*f.fs.read(dir + "/enable"), "1");
}

// A referral's unknown file too: export writes it, the parser takes it back.
TEST(ExtraAttributes, AReferralsUnknownFileRoundTrips) {
  Target live;
  Port port;
  port.id = 1;
  port.attrs = {{"addr_trtype", "tcp"}, {"addr_adrfam", "ipv4"}, {"addr_traddr", "10.0.0.1"}, {"addr_trsvcid", "4420"}};
  Referral ref;
  ref.name = "r1";
  ref.attrs = {{"addr_trtype", "tcp"}, {"addr_adrfam", "ipv4"}, {"addr_traddr", "10.0.0.2"},
               {"addr_trsvcid", "4420"}, {"addr_portid", "2"}, {"enable", "1"}, {"addr_new", "7"}};
  port.referrals.push_back(ref);
  live.ports.push_back(port);
  Target exported = exportable_target(live, {});
  EXPECT_EQ(extra_attribute_names(exported), std::vector<std::string>{"referral r1 of port 1: addr_new"});
  std::string yaml = target_to_yaml(exported);
  ParsedTarget back = parse_target_text(yaml, "exported.yaml");
  for (const auto& d : back.diagnostics.all()) EXPECT_NE(d.severity, Severity::Error) << d.format() << "\n" << yaml;
  ASSERT_EQ(back.target.ports.size(), 1u);
  ASSERT_EQ(back.target.ports[0].referrals.size(), 1u);
  EXPECT_EQ(back.target.ports[0].referrals[0].attrs.at("addr_new"), "7");
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
