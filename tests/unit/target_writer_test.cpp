#include <gtest/gtest.h>

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

}  // namespace
}  // namespace nvmetctl
