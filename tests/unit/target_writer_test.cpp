#include <gtest/gtest.h>

#include "nvmetctl/config/target_parser.h"
#include "nvmetctl/formats/target_writer.h"

namespace nvmetctl {
namespace {

// A live value no integer type holds (a redirected configfs, a future
// kernel) is exported as the kernel shows it instead of ending the run.
TEST(TargetWriter, IntegerBeyondInt64IsWrittenAsShown) {
  Target live;
  Subsystem s;
  s.nqn = "nqn.a";
  s.attrs["attr_cntlid_min"] = "99999999999999999999";
  live.subsystems.push_back(s);
  Target exported = exportable_target(live, {});
  std::string yaml = target_to_yaml(exported);
  EXPECT_NE(yaml.find("cntlid_min: 99999999999999999999"), std::string::npos) << yaml;
  nlohmann::json json = target_to_json(exported);
  EXPECT_EQ(json["subsystems"][0]["cntlid_min"], "99999999999999999999") << json.dump();
}

// A host the kernel holds under a name that is no UTF-8 (made by hand) is
// exported as it is, and the file is refused when read back; it never
// becomes a file naming another host (U+FFFD where the byte was).
TEST(TargetWriter, ANameThatIsNoUtf8IsKeptAndTheFileRefused) {
  Target live;
  Host h;
  h.nqn = "nqn.bad-\xff";
  live.hosts.push_back(h);
  std::string yaml = target_to_yaml(exportable_target(live, {}));
  EXPECT_NE(yaml.find("nqn.bad-\xff"), std::string::npos) << yaml;
  ParsedTarget back = parse_target_text(yaml, "bad-name.yaml");
  ASSERT_TRUE(back.diagnostics.has_errors());
  std::string errors;
  for (const auto& d : back.diagnostics.all()) errors += d.format() + "\n";
  EXPECT_NE(errors.find("not a UTF-8 text file"), std::string::npos) << errors;
}

}  // namespace
}  // namespace nvmetctl
