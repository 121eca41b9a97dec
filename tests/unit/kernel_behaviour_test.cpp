// The fake nvmet tree against the kernel behaviour table: for each rule the
// fake models, a kernel just before and at the rule's release must behave as
// the table says. The table itself is held against 6.1 and 6.12 by
// tests/vm/cases/kernel-behaviour.sh.
#include <gtest/gtest.h>

#include <set>

#include "fake_nvmet_fs.h"
#include "nvmetctl/model/kernel_behaviour.h"

namespace nvmetctl {
namespace {

const std::string kSub = "/cfg/nvmet/subsystems/nqn.test";

KernelVersion before(KernelVersion v) {
  return v.minor > 0 ? KernelVersion{v.major, v.minor - 1} : KernelVersion{v.major - 1, 19};
}

// What a fake kernel of `version` does for `rule`; nullopt: not modelled.
std::optional<bool> fake_behaves(KernelRule rule, KernelVersion version) {
  FakeNvmetFs::Options options;
  options.kernel = version;
  FakeNvmetFs fs("/cfg", options);
  switch (rule) {
    case KernelRule::CntlidMinMayEqualMax:
      EXPECT_TRUE(fs.make_dir(kSub).has_value());
      EXPECT_TRUE(fs.write(kSub + "/attr_cntlid_max", "5").has_value());
      return fs.write(kSub + "/attr_cntlid_min", "5").has_value();
    case KernelRule::DiscoveryNqnAttribute:
      return fs.exists("/cfg/nvmet/discovery_nqn");
    case KernelRule::HostKeyClearedByNul: {
      std::string host = "/cfg/nvmet/hosts/nqn.host";
      EXPECT_TRUE(fs.make_dir(host).has_value());
      EXPECT_TRUE(fs.write(host + "/dhchap_key", "DHHC-1:00:key:").has_value());
      return fs.write(host + "/dhchap_key", std::string(1, '\0')).has_value() && *fs.read(host + "/dhchap_key") == "";
    }
    case KernelRule::DefaultVersion21:
      EXPECT_TRUE(fs.make_dir(kSub).has_value());
      return *fs.read(kSub + "/attr_version") == "2.1";
    case KernelRule::PassthruRefusedBesideAnyNamespace:
      EXPECT_TRUE(fs.make_dir(kSub).has_value());
      EXPECT_TRUE(fs.make_dir(kSub + "/namespaces/1").has_value());  // disabled
      EXPECT_TRUE(fs.write(kSub + "/passthru/device_path", "/dev/nvme0").has_value());
      return !fs.write(kSub + "/passthru/enable", "1").has_value();
    // Controllers, files on tmpfs and the kernel's log are not in the fake:
    // these are checked in the guest only.
    case KernelRule::QidMaxWriteDropsControllers:
    case KernelRule::TmpfsAcceptsDirectIo:
    case KernelRule::UnsetTrtypeNotTransportZero:
    case KernelRule::RdmaListenerDiesWithItsDevice:  // RDMA devices are not in the fake either
    case KernelRule::NvmeTlsKeyring:                 // the keyring is not configfs (tls/psk_keyring.h)
      return std::nullopt;
  }
  return std::nullopt;
}

TEST(KernelBehaviour, FakeFollowsEveryRuleItModels) {
  std::set<std::string> modelled;
  for (const KernelRuleSpec& spec : kernel_rules()) {
    for (KernelVersion version : {before(spec.since), spec.since}) {
      std::optional<bool> fake = fake_behaves(spec.rule, version);
      if (!fake) continue;
      modelled.insert(spec.name);
      EXPECT_EQ(*fake, kernel_has(spec.rule, version)) << spec.name << " on " << version.str();
    }
  }
  EXPECT_EQ(modelled.size(), kernel_rules().size() - 5) << "a rule the fake should model is not probed";
}

TEST(KernelBehaviour, UnknownKernelIsTheNewest) {
  for (const KernelRuleSpec& spec : kernel_rules()) EXPECT_TRUE(kernel_has(spec.rule, KernelVersion{})) << spec.name;
  EXPECT_FALSE(default_subsystem_version(KernelVersion{}).has_value());
  EXPECT_EQ(default_subsystem_version({6, 12}), "1.3");
  EXPECT_EQ(default_subsystem_version({6, 13}), "2.1");
}

TEST(KernelBehaviour, FakePortWritesFollowTheTable) {
  FakeNvmetFs fs("/cfg");
  std::string port = "/cfg/nvmet/ports/1";
  ASSERT_TRUE(fs.make_dir(port).has_value());
  ASSERT_TRUE(fs.write(port + "/addr_trtype", "rdma").has_value());
  AttrMap expected{{
                       "addr_trtype",
                       "",
                   },
                   {"addr_tsas", ""},
                   {"addr_treq", *fs.read(port + "/addr_treq")}};
  apply_port_write(expected, "addr_trtype", "rdma");
  EXPECT_EQ(*fs.read(port + "/addr_tsas"), expected["addr_tsas"]);
  for (const auto& [file, value] : std::vector<std::pair<std::string, std::string>>{
           {"addr_trtype", "tcp"}, {"addr_tsas", "tls1.3"}, {"addr_tsas", "none"}}) {
    ASSERT_TRUE(fs.write(port + "/" + file, value).has_value()) << file << "=" << value;
    apply_port_write(expected, file, value);
    EXPECT_EQ(*fs.read(port + "/addr_tsas"), expected["addr_tsas"]) << file << "=" << value;
    EXPECT_EQ(*fs.read(port + "/addr_treq"), expected["addr_treq"]) << file << "=" << value;
  }
}

TEST(KernelBehaviour, FakePortEnableFollowsTheTable) {
  FakeNvmetFs fs("/cfg");
  std::string port = "/cfg/nvmet/ports/1";
  ASSERT_TRUE(fs.make_dir(port).has_value());
  ASSERT_TRUE(fs.make_dir(kSub).has_value());
  for (const auto& [file, value] : AttrMap{{"addr_trtype", "rdma"},
                                           {"addr_adrfam", "ipv4"},
                                           {"addr_traddr", "10.0.0.1"},
                                           {"addr_trsvcid", "4420"},
                                           {"param_max_queue_size", "1024"}})
    ASSERT_TRUE(fs.write(port + "/" + file, value).has_value()) << file;
  AttrMap expected{{"addr_trtype", "rdma"}, {"param_inline_data_size", "-1"}, {"param_max_queue_size", "1024"}};
  apply_port_enable(expected);
  ASSERT_TRUE(fs.make_link(kSub, port + "/subsystems/nqn.test").has_value());
  EXPECT_EQ(*fs.read(port + "/param_inline_data_size"), expected["param_inline_data_size"]);
  EXPECT_EQ(*fs.read(port + "/param_max_queue_size"), expected["param_max_queue_size"]);
  EXPECT_EQ(expected["param_max_queue_size"], "256");
}

}  // namespace
}  // namespace nvmetctl
