#include <gtest/gtest.h>

#include "nvmetctl/engine/snapshot_json.h"

namespace nvmetctl {
namespace {

// Every kind of object and attribute a live read fills, including a secret
// and names that are not UTF-8.
Target full_target() {
  Target t;
  t.modules = {"nvmet-tcp"};
  t.rdma_links.push_back({"rxe0", "rxe", "eth0", {}});
  Host h;
  h.nqn = "nqn.host-\xff\xfe";
  h.attrs = {{"dhchap_key", "DHHC-1:00:c2VjcmV0Cg==:"}, {"dhchap_hash", "hmac(sha256)"}};
  h.key_files = {{"dhchap_key", "/etc/nvmetctl/keys/h"}};
  t.hosts.push_back(h);
  Subsystem s;
  s.nqn = "nqn.s1";
  s.attrs = {{"attr_allow_any_host", "0"}, {"attr_serial", "abc  "}, {"attr_model", "Linux"}};
  s.allowed_hosts = std::vector<std::string>{h.nqn};
  s.namespaces.push_back({7, {{"device_path", "/dev/nullb0"}, {"enable", "1"}, {"ana_grpid", "2"}}, {}, {}});
  s.passthru = Passthru{{{"device_path", "(null)"}, {"enable", "0"}}, {}, {}};
  t.subsystems.push_back(s);
  Subsystem empty_list;
  empty_list.nqn = "nqn.s2";
  empty_list.allowed_hosts = std::vector<std::string>{};
  t.subsystems.push_back(empty_list);
  Port p;
  p.id = 65535;
  p.attrs = {{"addr_trtype", "tcp"}, {"addr_traddr", "127.0.0.1"}, {"param_inline_data_size", "-1"}};
  p.subsystems = std::vector<std::string>{"nqn.s1"};
  p.referrals.push_back({"r1", {{"addr_trtype", "tcp"}, {"enable", "1"}}, {}, {}});
  p.ana_groups.push_back({2, {{"ana_state", "inaccessible"}}, {}, {}});
  t.ports.push_back(p);
  Port bare;
  bare.id = 2;  // subsystems nullopt: no links read
  t.ports.push_back(bare);
  return t;
}

TEST(SnapshotJson, RoundTripIsExact) {
  Target original = full_target();
  nlohmann::json doc = snapshot_to_json(original);
  // Through text, as the journal stores it.
  auto parsed = snapshot_from_json(nlohmann::json::parse(doc.dump()), "journal.json");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  const Target& back = *parsed;
  EXPECT_EQ(snapshot_to_json(back), doc);
  EXPECT_EQ(back.modules, original.modules);
  ASSERT_EQ(back.rdma_links.size(), 1u);
  EXPECT_EQ(back.rdma_links[0].netdev, "eth0");
  ASSERT_EQ(back.hosts.size(), 1u);
  EXPECT_EQ(back.hosts[0].nqn, "nqn.host-\xff\xfe");        // every byte kept, none replaced
  EXPECT_EQ(back.hosts[0].attrs, original.hosts[0].attrs);  // the secret too
  EXPECT_EQ(back.hosts[0].key_files, original.hosts[0].key_files);
  ASSERT_EQ(back.subsystems.size(), 2u);
  EXPECT_EQ(back.subsystems[0].attrs.at("attr_serial"), "abc  ");  // trailing spaces kept
  EXPECT_EQ(back.subsystems[0].allowed_hosts, original.subsystems[0].allowed_hosts);
  ASSERT_EQ(back.subsystems[0].namespaces.size(), 1u);
  EXPECT_EQ(back.subsystems[0].namespaces[0].nsid, 7u);
  EXPECT_EQ(back.subsystems[0].namespaces[0].attrs, original.subsystems[0].namespaces[0].attrs);
  ASSERT_TRUE(back.subsystems[0].passthru.has_value());
  EXPECT_EQ(back.subsystems[0].passthru->attrs, original.subsystems[0].passthru->attrs);
  EXPECT_FALSE(back.subsystems[1].passthru.has_value());
  ASSERT_TRUE(back.subsystems[1].allowed_hosts.has_value());  // empty list, not "leave alone"
  EXPECT_TRUE(back.subsystems[1].allowed_hosts->empty());
  ASSERT_EQ(back.ports.size(), 2u);
  EXPECT_EQ(back.ports[0].id, 65535);
  EXPECT_EQ(back.ports[0].attrs, original.ports[0].attrs);
  EXPECT_EQ(back.ports[0].subsystems, original.ports[0].subsystems);
  ASSERT_EQ(back.ports[0].referrals.size(), 1u);
  EXPECT_EQ(back.ports[0].referrals[0].attrs, original.ports[0].referrals[0].attrs);
  ASSERT_EQ(back.ports[0].ana_groups.size(), 1u);
  EXPECT_EQ(back.ports[0].ana_groups[0].id, 2u);
  EXPECT_EQ(back.ports[0].ana_groups[0].attrs.at("ana_state"), "inaccessible");
  EXPECT_FALSE(back.ports[1].subsystems.has_value());
}

TEST(SnapshotJson, AnotherShapeIsAnErrorNamingTheFile) {
  auto parsed = snapshot_from_json(nlohmann::json{{"version", 1}, {"hosts", 3}}, "/run/nvmetctl/journal.json");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().describe().find("/run/nvmetctl/journal.json"), std::string::npos);
  EXPECT_NE(parsed.error().describe().find("not a snapshot"), std::string::npos);
}

// The snapshot tells UTF-8 from other bytes with is_valid_utf8 and lets
// nlohmann write the rest: every sequence nlohmann would refuse (an
// overlong form, a surrogate, beyond U+10FFFF, cut short) must take the hex
// path, or the journal's dump would replace it and lose the name.
TEST(SnapshotJson, EveryNameNlohmannRefusesIsKeptAsBytes) {
  for (std::string name :
       {std::string("nqn.a\xc0\xaf"), std::string("nqn.b\xed\xa0\x80"), std::string("nqn.c\xf4\x90\x80\x80"),
        std::string("nqn.d\xe2\x82"), std::string("nqn.e\xc3\xa9\xf0\x9f\x98\x80")}) {
    Target t;
    Host h;
    h.nqn = name;
    t.hosts.push_back(h);
    std::string text = snapshot_to_json(t).dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
    auto back = snapshot_from_json(nlohmann::json::parse(text), "journal.json");
    ASSERT_TRUE(back.has_value()) << back.error().describe();
    ASSERT_EQ(back->hosts.size(), 1u);
    EXPECT_EQ(back->hosts[0].nqn, name);
  }
}

}  // namespace
}  // namespace nvmetctl
