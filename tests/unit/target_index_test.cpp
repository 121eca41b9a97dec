#include <gtest/gtest.h>

#include "nvmetctl/model/target_index.h"

namespace nvmetctl {
namespace {

Target two_subsystems_one_port() {
  Target t;
  t.hosts.push_back(Host{});
  t.hosts.back().nqn = "nqn.host-a";
  for (const char* nqn : {"nqn.s1", "nqn.s2"}) {
    t.subsystems.push_back(Subsystem{});
    t.subsystems.back().nqn = nqn;
  }
  t.ports.push_back(Port{});
  t.ports.back().id = 1;
  t.ports.back().subsystems = std::vector<std::string>{"nqn.s2"};
  return t;
}

TEST(TargetIndex, FindsWhatTheLinearLookupsFind) {
  Target t = two_subsystems_one_port();
  TargetIndex index(t);
  EXPECT_EQ(index.subsystem("nqn.s1"), t.find_subsystem("nqn.s1"));
  EXPECT_EQ(index.subsystem("nqn.s2"), &t.subsystems[1]);
  EXPECT_EQ(index.subsystem("nqn.s3"), nullptr);
  EXPECT_EQ(index.host("nqn.host-a"), &t.hosts[0]);
  EXPECT_EQ(index.host("nqn.s1"), nullptr);
}

TEST(TargetIndex, KnowsWhichSubsystemsSomePortLinks) {
  Target t = two_subsystems_one_port();
  TargetIndex index(t);
  EXPECT_TRUE(index.linked_anywhere("nqn.s2"));
  EXPECT_FALSE(index.linked_anywhere("nqn.s1"));
}

TEST(TargetIndex, KeepsTheFirstOfDuplicateNames) {
  Target t = two_subsystems_one_port();
  t.subsystems[1].nqn = "nqn.s1";  // the validator reports this; lookups must still be stable
  TargetIndex index(t);
  EXPECT_EQ(index.subsystem("nqn.s1"), &t.subsystems[0]);
}

}  // namespace
}  // namespace nvmetctl
