#include <gtest/gtest.h>

#include <algorithm>

#include "engine_fixture.h"
#include "nvmetctl/formats/target_writer.h"
#include "temp_dir.h"

namespace nvmetctl {
namespace {

using testing_support::EngineFixture;
using testing_support::parse_ok;

const char* kTcpTarget = R"(version: 1
hosts:
  - nqn: nqn.2014-08.org.nvmexpress:uuid:host-a
subsystems:
  - nqn: nqn.2024-01.io.example:disk
    serial: SN0001
    allowed_hosts: [nqn.2014-08.org.nvmexpress:uuid:host-a]
    namespaces:
      - nsid: 1
        device_path: /dev/nvme0n1
        enable: true
ports:
  - id: 1
    trtype: tcp
    traddr: 127.0.0.1
    subsystems: [nqn.2024-01.io.example:disk]
)";

std::vector<std::string> rendered(const Plan& plan, const NvmetLayout& layout) {
  std::vector<std::string> lines;
  for (const Step& s : plan.steps) {
    std::string line = std::string(change_symbol(s.change)) + " " + op_kind_name(s.op.kind) + " " + layout.relative(s.op.path);
    if (s.op.kind == OpKind::Write) line += "=" + s.op.value;
    lines.push_back(line);
  }
  return lines;
}

TEST(Planner, ColdPlanIsOneMkdirPerObjectOneWritePerNonDefaultAttributeOneLinkPerLink) {
  EngineFixture f;
  Plan plan = f.plan(parse_ok(kTcpTarget));
  std::vector<std::string> expected{
      "+ mkdir hosts/nqn.2014-08.org.nvmexpress:uuid:host-a",
      "+ mkdir ports/1",
      "+ write ports/1/addr_trtype=tcp",
      "+ write ports/1/addr_adrfam=ipv4",
      "+ write ports/1/addr_traddr=127.0.0.1",
      "+ write ports/1/addr_trsvcid=4420",
      "+ mkdir subsystems/nqn.2024-01.io.example:disk",
      "+ write subsystems/nqn.2024-01.io.example:disk/attr_serial=SN0001",
      "+ link subsystems/nqn.2024-01.io.example:disk/allowed_hosts/nqn.2014-08.org.nvmexpress:uuid:host-a",
      "+ mkdir subsystems/nqn.2024-01.io.example:disk/namespaces/1",
      "+ write subsystems/nqn.2024-01.io.example:disk/namespaces/1/device_path=/dev/nvme0n1",
      "+ write subsystems/nqn.2024-01.io.example:disk/namespaces/1/enable=1",
      "+ link ports/1/subsystems/nqn.2024-01.io.example:disk",
  };
  EXPECT_EQ(rendered(plan, f.ctx.layout()), expected);
  EXPECT_EQ(plan.summary().create, 4);
}

TEST(Planner, ReapplyPlansNothingAndMutatesNothing) {
  EngineFixture f;
  Target t = parse_ok(kTcpTarget);
  ASSERT_EQ(f.apply(t).status, ApplyStatus::Applied);
  f.fs.reset_counters();
  ApplyReport again = f.apply(t);
  EXPECT_EQ(again.status, ApplyStatus::NoChanges);
  EXPECT_EQ(f.fs.mutations(), 0);
}

TEST(Planner, KernelRewrittenPortParametersAreNotDrift) {
  EngineFixture f;
  std::string yaml = std::string(kTcpTarget) + "    inline_data_size: -1\n";
  Target t = parse_ok(yaml);
  ASSERT_EQ(f.apply(t).status, ApplyStatus::Applied);
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/ports/1/param_inline_data_size"), "16384");
  EXPECT_TRUE(f.plan(t).empty());
}

TEST(Planner, LivePortAddressChangeUnlinksWritesRelinks) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTcpTarget)).status, ApplyStatus::Applied);
  std::string moved = kTcpTarget;
  moved.replace(moved.find("127.0.0.1"), 9, "127.0.0.2");
  Plan plan = f.plan(parse_ok(moved));
  std::vector<std::string> expected{
      "~ unlink ports/1/subsystems/nqn.2024-01.io.example:disk",
      "~ write ports/1/addr_traddr=127.0.0.2",
      "~ link ports/1/subsystems/nqn.2024-01.io.example:disk",
  };
  EXPECT_EQ(rendered(plan, f.ctx.layout()), expected);
  EXPECT_FALSE(plan.steps[0].disruption.empty());
  ASSERT_EQ(f.apply(parse_ok(moved)).status, ApplyStatus::Applied);
}

TEST(Planner, NamespaceDeviceChangeDisablesWritesEnables) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTcpTarget)).status, ApplyStatus::Applied);
  std::string changed = kTcpTarget;
  changed.replace(changed.find("/dev/nvme0n1"), 12, "/dev/nullb0");
  std::vector<std::string> expected{
      "~ write subsystems/nqn.2024-01.io.example:disk/namespaces/1/enable=0",
      "~ write subsystems/nqn.2024-01.io.example:disk/namespaces/1/device_path=/dev/nullb0",
      "~ write subsystems/nqn.2024-01.io.example:disk/namespaces/1/enable=1",
  };
  EXPECT_EQ(rendered(f.plan(parse_ok(changed)), f.ctx.layout()), expected);
}

TEST(Planner, FrozenIdentityOnAnExposedSubsystemNeedsAllowRecreate) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTcpTarget)).status, ApplyStatus::Applied);
  std::string changed = kTcpTarget;
  changed.replace(changed.find("SN0001"), 6, "SN0002");
  Plan blocked = f.plan(parse_ok(changed));
  EXPECT_TRUE(blocked.blocked());
  EXPECT_NE(blocked.problems.all()[0].message.find("--allow-recreate"), std::string::npos);
  PlanOptions allow;
  allow.allow_recreate = true;
  Plan plan = f.plan(parse_ok(changed), allow);
  EXPECT_FALSE(plan.blocked());
  EXPECT_EQ(plan.summary().replace, 2);  // the subsystem and its namespace
  ASSERT_EQ(f.apply(parse_ok(changed), allow).status, ApplyStatus::Applied);
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.2024-01.io.example:disk/attr_serial"), "SN0002              ");
}

// Configfs cannot show that a host identified a subsystem before it was
// unlinked: the identity write is tried, and the kernel's refusal rolls back
// with a hint that --allow-recreate, which recreates, follows.
TEST(Planner, IdentityOfAnUnlinkedButIdentifiedSubsystemChangesWithAllowRecreate) {
  EngineFixture f;
  std::string unlinked = kTcpTarget;
  unlinked.replace(unlinked.find("    subsystems: [nqn.2024-01.io.example:disk]"),
                   std::string("    subsystems: [nqn.2024-01.io.example:disk]").size(), "    subsystems: []");
  ASSERT_EQ(f.apply(parse_ok(unlinked)).status, ApplyStatus::Applied);
  f.fs.mark_discovered("nqn.2024-01.io.example:disk");
  std::string changed = unlinked;
  changed.replace(changed.find("SN0001"), 6, "SN0002");
  ApplyReport refused = f.apply(parse_ok(changed));
  EXPECT_EQ(refused.status, ApplyStatus::FailedRolledBack);
  PlanOptions allow;
  allow.allow_recreate = true;
  Plan plan = f.plan(parse_ok(changed), allow);
  EXPECT_EQ(plan.summary().replace, 2);  // the subsystem and its namespace
  for (const Step& step : plan.steps)  // no port serves it: no host loses it
    EXPECT_EQ(step.disruption.find("loses it"), std::string::npos) << step.object << ": " << step.disruption;
  ASSERT_EQ(f.apply(parse_ok(changed), allow).status, ApplyStatus::Applied);
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.2024-01.io.example:disk/attr_serial"), "SN0002              ");
}

// A recreated subsystem's namespaces keep what the file leaves to the
// kernel: hosts must see the same device (uuid) in the same ANA group.
TEST(Planner, RecreateKeepsTheNamespacesUndeclaredAttributes) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTcpTarget)).status, ApplyStatus::Applied);
  const std::string ns = "/cfg/nvmet/subsystems/nqn.2024-01.io.example:disk/namespaces/1";
  ASSERT_TRUE(f.fs.write(ns + "/enable", "0"));
  ASSERT_TRUE(f.fs.write(ns + "/ana_grpid", "2"));
  ASSERT_TRUE(f.fs.write(ns + "/enable", "1"));
  const std::string subsystem = "/cfg/nvmet/subsystems/nqn.2024-01.io.example:disk";
  ASSERT_TRUE(f.fs.write(subsystem + "/attr_version", "1.2"));  // set by hand, not in the file
  std::string uuid_before = *f.fs.read(ns + "/device_uuid");
  std::string changed = kTcpTarget;
  changed.replace(changed.find("SN0001"), 6, "SN0002");
  PlanOptions allow;
  allow.allow_recreate = true;
  ASSERT_EQ(f.apply(parse_ok(changed), allow).status, ApplyStatus::Applied);
  EXPECT_EQ(*f.fs.read(subsystem + "/attr_version"), "1.2") << "a subsystem without passthru keeps its version";
  EXPECT_EQ(*f.fs.read(ns + "/device_uuid"), uuid_before);
  EXPECT_EQ(*f.fs.read(ns + "/ana_grpid"), "2");
  EXPECT_EQ(*f.fs.read(ns + "/enable"), "1");
}

// With --prune a host the file no longer declares is removed: recreating
// the subsystem must not link it again first (rmdir would then be EBUSY).
TEST(Planner, RecreateWithPruneDoesNotRelinkARemovedHost) {
  EngineFixture f;
  std::string two_hosts = kTcpTarget;
  two_hosts.replace(two_hosts.find("subsystems:"), 11,
                    "  - nqn: nqn.2014-08.org.nvmexpress:uuid:host-b\nsubsystems:");
  ASSERT_EQ(f.apply(parse_ok(two_hosts)).status, ApplyStatus::Applied);
  std::string changed = kTcpTarget;
  changed.replace(changed.find("SN0001"), 6, "SN0002");
  changed.erase(changed.find("    allowed_hosts:"), changed.find("    namespaces:") - changed.find("    allowed_hosts:"));
  // host-b is linked by hand, so only the live state says so.
  ASSERT_TRUE(f.fs.make_link("/cfg/nvmet/hosts/nqn.2014-08.org.nvmexpress:uuid:host-b",
                             "/cfg/nvmet/subsystems/nqn.2024-01.io.example:disk/allowed_hosts/"
                             "nqn.2014-08.org.nvmexpress:uuid:host-b"));
  PlanOptions options;
  options.allow_recreate = true;
  options.prune = true;
  ApplyReport report = f.apply(parse_ok(changed), options);
  ASSERT_EQ(report.status, ApplyStatus::Applied) << (report.failure ? report.failure->error.describe() : "");
  EXPECT_FALSE(f.fs.exists("/cfg/nvmet/hosts/nqn.2014-08.org.nvmexpress:uuid:host-b"));
  EXPECT_TRUE(f.fs.exists("/cfg/nvmet/subsystems/nqn.2024-01.io.example:disk/allowed_hosts/"
                          "nqn.2014-08.org.nvmexpress:uuid:host-a"));
}

// The natural edit from 'allow_any_host: true' to a list of hosts: the list
// implies allow_any_host 0, written before the first host link (which the
// kernel refuses while it is 1).
TEST(Planner, AllowedHostsImplyAllowAnyHostOffBeforeTheLinks) {
  EngineFixture f;
  std::string open_to_all = kTcpTarget;
  open_to_all.replace(open_to_all.find("    allowed_hosts: [nqn.2014-08.org.nvmexpress:uuid:host-a]\n"),
                      std::string("    allowed_hosts: [nqn.2014-08.org.nvmexpress:uuid:host-a]\n").size(),
                      "    allow_any_host: true\n");
  ASSERT_EQ(f.apply(parse_ok(open_to_all)).status, ApplyStatus::Applied);
  Plan plan = f.plan(parse_ok(kTcpTarget));
  auto lines = rendered(plan, f.fs.layout());
  ASSERT_EQ(lines.size(), 2u) << testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "~ write subsystems/nqn.2024-01.io.example:disk/attr_allow_any_host=0");
  EXPECT_FALSE(plan.steps[0].disruption.empty());
  EXPECT_EQ(lines[1].rfind("~ link subsystems/nqn.2024-01.io.example:disk/allowed_hosts/", 0), 0u) << lines[1];
  ASSERT_EQ(f.apply(parse_ok(kTcpTarget)).status, ApplyStatus::Applied);
}

// Before 6.9 the kernel refuses cntlid_min == cntlid_max.
TEST(Planner, EqualCntlidBoundsNeedLinux69) {
  std::string pinned = kTcpTarget;
  pinned.replace(pinned.find("    serial: SN0001\n"), 19, "    serial: SN0001\n    cntlid_min: 5\n    cntlid_max: 5\n");
  FakeNvmetFs::Options old_kernel;
  old_kernel.kernel = {6, 1};
  EngineFixture on61(old_kernel);
  Plan refused = plan_configfs(parse_ok(pinned), on61.live(), on61.fs.layout(), KernelFacts{{6, 1}, {}}, {});
  ASSERT_TRUE(refused.blocked());
  EXPECT_NE(refused.problems.all()[0].message.find("needs cntlid_min below cntlid_max"), std::string::npos);
  EngineFixture on612;
  EXPECT_FALSE(plan_configfs(parse_ok(pinned), on612.live(), on612.fs.layout(), KernelFacts{{6, 12}, {}}, {}).blocked());
}

// tsas and treq move with the writes before them: each is compared with
// what the kernel will show by then, and a rollback restores all three.
const char* kTlsPort = R"(version: 1
subsystems:
  - nqn: nqn.s
    allow_any_host: true
ports:
  - {id: 1, trtype: tcp, traddr: 10.0.0.1, tsas: tls1.3, treq: not required, subsystems: [nqn.s]}
)";

TEST(Planner, TsasNoneStillWritesTheTreqItResets) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTlsPort)).status, ApplyStatus::Applied);
  std::string plain = kTlsPort;
  plain.replace(plain.find("tls1.3"), 6, "none");
  ApplyReport report = f.apply(parse_ok(plain));
  ASSERT_EQ(report.status, ApplyStatus::Applied) << testing::PrintToString(report.verify_drift);
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/ports/1/addr_tsas"), "none");
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/ports/1/addr_treq"), "not required");
}

TEST(Planner, ATransportChangeRollsBackTsasAndTreqToo) {
  for (int fail_at = 1; fail_at <= 8; ++fail_at) {
    EngineFixture f;
    ASSERT_EQ(f.apply(parse_ok(kTlsPort)).status, ApplyStatus::Applied);
    std::string before = target_to_yaml(f.live().target);
    std::string rdma = kTlsPort;
    rdma.replace(rdma.find("trtype: tcp"), 11, "trtype: rdma");
    rdma.replace(rdma.find("tsas: tls1.3, treq: not required, "), 34, "");
    Plan plan = f.plan(parse_ok(rdma));
    if (fail_at > static_cast<int>(plan.steps.size())) break;
    f.fs.fail_mutation(fail_at, EIO);
    ApplyReport report = f.apply(parse_ok(rdma));
    ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack)
        << "failing mutation " << fail_at << ": " << testing::PrintToString(report.rollback_drift);
    EXPECT_EQ(target_to_yaml(f.live().target), before) << "failing mutation " << fail_at;
  }
}

// Seen on 6.12: a tcp port (max_queue_size 1024 once enabled) moved to an
// rdma address no device covers. The refused rdma enable still clamps the
// queue size to 256, so the rollback writes it back before relinking.
TEST(Planner, ARefusedEnableDoesNotLeaveItsParameterRewritesBehind) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTcpTarget)).status, ApplyStatus::Applied);
  ASSERT_EQ(*f.fs.read("/cfg/nvmet/ports/1/param_max_queue_size"), "1024");
  std::string before = target_to_yaml(f.live().target);
  std::string rdma = kTcpTarget;
  rdma.replace(rdma.find("trtype: tcp"), 11, "trtype: rdma");
  Plan plan = f.plan(parse_ok(rdma));
  ASSERT_EQ(plan.steps.back().op.kind, OpKind::Symlink);
  f.fs.fail_mutation(static_cast<int>(plan.steps.size()), ENODEV);  // the relink, after its enable
  ApplyReport report = f.apply(parse_ok(rdma));
  ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << testing::PrintToString(report.rollback_drift);
  ASSERT_TRUE(report.failure.has_value());
  EXPECT_EQ(report.plan.steps[report.failure->step_index].op.kind, OpKind::Symlink) << "the enable is what fails";
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/ports/1/param_max_queue_size"), "1024");
  EXPECT_EQ(target_to_yaml(f.live().target), before);
}

// A namespace moved to an ANA group the port gains in the same run: the
// group exists (with its state) before the namespace points at it.
TEST(Planner, AnaGroupsExistBeforeNamespacesMoveIntoThem) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTcpTarget)).status, ApplyStatus::Applied);
  std::string grouped = kTcpTarget;
  grouped.replace(grouped.find("        enable: true\n"), 21, "        ana_grpid: 2\n        enable: true\n");
  grouped += "    ana_groups: [{id: 2, state: optimized}]\n";
  auto lines = rendered(f.plan(parse_ok(grouped)), f.ctx.layout());
  auto at = [&](const std::string& prefix) {
    return std::find_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }) -
           lines.begin();
  };
  ptrdiff_t group = at("+ mkdir ports/1/ana_groups/2"), moved = at("~ write subsystems/nqn.2024-01.io.example:disk/namespaces/1/ana_grpid");
  ASSERT_LT(group, static_cast<ptrdiff_t>(lines.size())) << testing::PrintToString(lines);
  ASSERT_LT(moved, static_cast<ptrdiff_t>(lines.size())) << testing::PrintToString(lines);
  EXPECT_LT(group, moved) << testing::PrintToString(lines);
  ASSERT_EQ(f.apply(parse_ok(grouped)).status, ApplyStatus::Applied);
}

// A passthru subsystem keeps its controller across a -/+ recreate, and a
// rollback of its removal brings the controller back.
const char* kPassthruTarget = R"(version: 1
subsystems:
  - nqn: nqn.pt
    serial: PT0001
    allow_any_host: true
    passthru: {device_path: /dev/nvme0, io_timeout: 30, enable: true}
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.1, subsystems: [nqn.pt]}
)";

TEST(Planner, RecreateKeepsAndRollbackRestoresPassthru) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kPassthruTarget)).status, ApplyStatus::Applied);
  f.fs.mark_discovered("nqn.pt");
  std::string renamed = kPassthruTarget;
  renamed.replace(renamed.find("PT0001"), 6, "PT0002");
  renamed.erase(renamed.find("    passthru:"), renamed.find("ports:") - renamed.find("    passthru:"));
  PlanOptions allow;
  allow.allow_recreate = true;
  // `plan` reads only what the file declares, yet shows what apply will carry.
  auto shown = make_full_plan(parse_ok(renamed), f.ctx, allow, false);
  ASSERT_TRUE(shown.has_value());
  auto lines = rendered(shown->plan, f.fs.layout());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "-/+ write subsystems/nqn.pt/passthru/device_path=/dev/nvme0"),
            lines.end()) << testing::PrintToString(lines);
  for (const auto& line : lines)  // the controller's version comes back with the controller
    EXPECT_EQ(line.find("attr_version"), std::string::npos) << line;
  ApplyReport recreated = f.apply(parse_ok(renamed), allow);
  ASSERT_EQ(recreated.status, ApplyStatus::Applied)
      << (recreated.failure ? recreated.failure->error.describe() : "") << testing::PrintToString(recreated.verify_drift)
      << testing::PrintToString(recreated.rollback_drift);
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.pt/passthru/device_path"), "/dev/nvme0");
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.pt/passthru/io_timeout"), "30");
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.pt/passthru/enable"), "1");

  // clear, failing at its last step: everything, passthru included, comes back.
  std::string before = target_to_yaml(f.live().target);
  Plan teardown = plan_teardown(f.live(), f.fs.layout());
  f.fs.fail_mutation(static_cast<int>(teardown.steps.size()), EIO);
  ApplyReport report = clear_target(f.ctx, {});
  ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << testing::PrintToString(report.rollback_drift);
  EXPECT_EQ(target_to_yaml(f.live().target), before);
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.pt/passthru/enable"), "1");
}

// Moving a subsystem between namespaces and passthru: the kernel refuses
// passthru beside an enabled namespace and ignores a namespace's enable in
// passthru mode, so the plan orders the two, and refuses what only the live
// state makes impossible.
const char* kServedByNamespace = R"(version: 1
subsystems:
  - nqn: nqn.pt
    allow_any_host: true
    namespaces:
      - {nsid: 1, device_path: /dev/nvme0n1, enable: true}
ports:
  - {id: 1, trtype: tcp, traddr: 127.0.0.1, subsystems: [nqn.pt]}
)";

std::vector<std::string> problem_texts(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& d : plan.problems.all()) out.push_back(d.format());
  return out;
}

// kServedByNamespace with its namespaces replaced by the controller.
std::string served_by_passthru() {
  std::string yaml = kServedByNamespace;
  auto from = yaml.find("    namespaces:");
  return yaml.replace(from, yaml.find("ports:") - from, "    passthru: {device_path: /dev/nvme0, enable: true}\n");
}

ptrdiff_t position(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) - lines.begin();
}

TEST(Planner, NamespacesToPassthruRemovesThemFirstAndOnlyWithPrune) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kServedByNamespace)).status, ApplyStatus::Applied);
  std::string passthru = served_by_passthru();
  Plan kept = f.plan(parse_ok(passthru));
  auto problems = problem_texts(kept);
  ASSERT_EQ(problems.size(), 1u) << testing::PrintToString(problems);
  EXPECT_NE(problems[0].find("namespace 1 of nqn.pt is enabled and the file does not declare it"), std::string::npos);
  EXPECT_NE(problems[0].find("--prune"), std::string::npos) << problems[0];

  PlanOptions prune;
  prune.prune = true;
  auto lines = rendered(f.plan(parse_ok(passthru), prune), f.fs.layout());
  ptrdiff_t removed = position(lines, "- rmdir subsystems/nqn.pt/namespaces/1");
  ptrdiff_t enabled = position(lines, "~ write subsystems/nqn.pt/passthru/enable=1");
  ASSERT_LT(enabled, static_cast<ptrdiff_t>(lines.size())) << testing::PrintToString(lines);
  EXPECT_LT(removed, enabled) << testing::PrintToString(lines);
  ApplyReport report = f.apply(parse_ok(passthru), prune);
  ASSERT_EQ(report.status, ApplyStatus::Applied) << (report.failure ? report.failure->error.describe() : "");
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.pt/passthru/enable"), "1");
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.pt/attr_version"), FakeNvmetFs::kPassthruControllerVersion);
  // The controller's version is not the subsystem's: the export leaves it
  // out, so that applying the export again is valid and changes nothing.
  std::string exported = target_to_yaml(exportable_target(f.live().target, {}));
  EXPECT_EQ(exported.find("version: 1.4"), std::string::npos) << exported;
  EXPECT_TRUE(f.plan(parse_ok(exported)).empty());
}

// 6.19 refuses passthru beside any namespace, enabled or not; a kernel
// whose version is unknown is taken to be as strict.
TEST(Planner, ADisabledUndeclaredNamespaceBlocksPassthruOnAnUnknownKernel) {
  EngineFixture f;
  std::string disabled = kServedByNamespace;
  disabled.replace(disabled.find("enable: true}"), 13, "enable: false}");
  ASSERT_EQ(f.apply(parse_ok(disabled)).status, ApplyStatus::Applied);
  std::string passthru = served_by_passthru();
  auto problems = problem_texts(f.plan(parse_ok(passthru)));
  ASSERT_EQ(problems.size(), 1u) << testing::PrintToString(problems);
  EXPECT_NE(problems[0].find("namespace 1 of nqn.pt exists and the file does not declare it"), std::string::npos)
      << problems[0];
}

TEST(Planner, PassthruToNamespacesDisablesPassthruFirst) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kPassthruTarget)).status, ApplyStatus::Applied);
  std::string served = kServedByNamespace;
  // Left in passthru mode, the namespace's enable would be accepted and ignored.
  auto refused = problem_texts(f.plan(parse_ok(served)));
  ASSERT_EQ(refused.size(), 1u) << testing::PrintToString(refused);
  EXPECT_NE(refused[0].find("passthru mode"), std::string::npos) << refused[0];
  EXPECT_NE(refused[0].find("test.yaml:6:"), std::string::npos) << refused[0];

  served.replace(served.find("    namespaces:"), 0, "    passthru: {enable: false}\n");
  auto lines = rendered(f.plan(parse_ok(served)), f.fs.layout());
  ptrdiff_t off = position(lines, "~ write subsystems/nqn.pt/passthru/enable=0");
  ptrdiff_t ns = position(lines, "+ mkdir subsystems/nqn.pt/namespaces/1");
  ASSERT_LT(ns, static_cast<ptrdiff_t>(lines.size())) << testing::PrintToString(lines);
  EXPECT_LT(off, ns) << testing::PrintToString(lines);
  ApplyReport report = f.apply(parse_ok(served));
  ASSERT_EQ(report.status, ApplyStatus::Applied) << (report.failure ? report.failure->error.describe() : "")
                                                 << testing::PrintToString(report.verify_drift);
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.pt/namespaces/1/enable"), "1");
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.pt/passthru/enable"), "0");
}

// Disabling passthru resets the version to the kernel's default, so the
// rollback of turning it on writes back a version set by hand.
TEST(Planner, RollbackOfTurningPassthruOnRestoresAHandSetVersion) {
  testing_support::TempDir proc;  // the kernel's default version is known from 6.12
  proc.write("sys/kernel/osrelease", "6.12.118+deb12-amd64\n");
  EngineFixture f;
  f.ctx.paths.proc = proc.path();
  ASSERT_EQ(f.apply(parse_ok(kServedByNamespace)).status, ApplyStatus::Applied);
  ASSERT_TRUE(f.fs.write("/cfg/nvmet/subsystems/nqn.pt/attr_version", "2.0"));
  std::string passthru = served_by_passthru();
  passthru.replace(passthru.find("subsystems: [nqn.pt]"), 20, "subsystems: []");  // a last step to fail
  PlanOptions prune;
  prune.prune = true;
  std::string before = target_to_yaml(f.live().target);
  Plan plan = f.plan(parse_ok(passthru), prune);
  ASSERT_EQ(problem_texts(plan).size(), 1u) << testing::PrintToString(problem_texts(plan));
  EXPECT_NE(problem_texts(plan)[0].find("cannot restore version 2.0 once a host has identified"), std::string::npos)
      << "a warning while a port serves it";
  f.fs.fail_mutation(static_cast<int>(plan.steps.size()), EIO);
  ApplyReport report = f.apply(parse_ok(passthru), prune);
  ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << testing::PrintToString(report.rollback_drift);
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.pt/attr_version"), "2.0");
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.pt/passthru/enable"), "0");
  // All as before but the device path, which the kernel cannot unset.
  std::string after = target_to_yaml(f.live().target);
  after.replace(after.find("device_path: /dev/nvme0\n"), 24, "device_path: (null)\n");
  EXPECT_EQ(after, before);
}

// On a known kernel, the version that leaving passthru puts back is known:
// declaring it is no identity change (and no -/+).
TEST(Planner, LeavingPassthruComparesTheVersionWithTheKernelsDefault) {
  testing_support::TempDir proc;
  proc.write("sys/kernel/osrelease", "6.12.118+deb12-amd64\n");
  EngineFixture f;
  f.ctx.paths.proc = proc.path();
  ASSERT_EQ(f.apply(parse_ok(kPassthruTarget)).status, ApplyStatus::Applied);
  f.fs.mark_discovered("nqn.pt");
  std::string served = kServedByNamespace;
  served.replace(served.find("    namespaces:"), 0, "    version: '1.3'\n    passthru: {enable: false}\n");
  Plan plan = f.plan(parse_ok(served));
  EXPECT_FALSE(plan.blocked()) << testing::PrintToString(problem_texts(plan));
  for (const Step& step : plan.steps) EXPECT_NE(step.change, ChangeKind::Replace) << step.object;
  ApplyReport report = f.apply(parse_ok(served));
  ASSERT_EQ(report.status, ApplyStatus::Applied) << (report.failure ? report.failure->error.describe() : "");
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.pt/attr_version"), "1.3");

  // Another version is an identity change of an exposed, identified subsystem.
  PlanOptions prune;
  prune.prune = true;
  ASSERT_EQ(f.apply(parse_ok(kPassthruTarget), prune).status, ApplyStatus::Applied);
  std::string other = served;
  other.replace(other.find("'1.3'"), 5, "'1.2'");
  EXPECT_NE(f.plan(parse_ok(other)).problems.all().at(0).message.find("--allow-recreate"), std::string::npos);
}

// Passthru beside a disabled namespace: 6.12 allows it, and the export of
// that state must validate and re-apply.
TEST(Planner, PassthruBesideADisabledNamespaceExportsAndReapplies) {
  testing_support::TempDir proc;
  proc.write("sys/kernel/osrelease", "6.12.118+deb12-amd64\n");
  EngineFixture f;
  f.ctx.paths.proc = proc.path();
  std::string both = kServedByNamespace;
  both.replace(both.find("enable: true}"), 13, "enable: false}");
  both.replace(both.find("    namespaces:"), 0, "    passthru: {device_path: /dev/nvme0, enable: true}\n");
  ASSERT_EQ(f.apply(parse_ok(both)).status, ApplyStatus::Applied);
  std::string exported = target_to_yaml(exportable_target(f.live().target, {}));
  EXPECT_TRUE(f.plan(parse_ok(exported)).empty()) << exported;
  // 6.19 refuses passthru beside any namespace; an unknown kernel is taken to be as strict.
  f.ctx.paths.proc = "/nonexistent-proc";
  ASSERT_EQ(f.fs.write("/cfg/nvmet/subsystems/nqn.pt/passthru/enable", "0").has_value(), true);
  auto problems = problem_texts(f.plan(parse_ok(both)));
  ASSERT_EQ(problems.size(), 1u) << testing::PrintToString(problems);
  EXPECT_NE(problems[0].find("beside any namespace (Linux 6.19 and later): leave it out of the file"), std::string::npos)
      << problems[0];
}

// A passthru device path cannot be unset again: a rollback leaves it, inert
// while passthru is disabled, and does not call that incomplete.
TEST(Planner, ARollbackLeavesANewPassthruDevicePathAndIsComplete) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kServedByNamespace)).status, ApplyStatus::Applied);
  std::string passthru = served_by_passthru();
  PlanOptions prune;
  prune.prune = true;
  f.fs.fail_path("/cfg/nvmet/subsystems/nqn.pt/passthru/enable", EIO);
  ApplyReport report = f.apply(parse_ok(passthru), prune);
  EXPECT_EQ(report.status, ApplyStatus::FailedRolledBack) << testing::PrintToString(report.rollback_drift);
  EXPECT_EQ(*f.fs.read("/cfg/nvmet/subsystems/nqn.pt/namespaces/1/enable"), "1");
  EXPECT_EQ(report.rollback_kept,
            std::vector<std::string>{"subsystems/nqn.pt/passthru/device_path: '/dev/nvme0' stays (the kernel cannot "
                                     "unset a device path)"});
}

// A new subsystem that ends in passthru mode gets passthru before its
// (disabled) namespaces: 6.19 refuses passthru beside any namespace.
TEST(Planner, ANewPassthruSubsystemGetsPassthruBeforeItsNamespaces) {
  EngineFixture f;
  std::string both = kServedByNamespace;
  both.replace(both.find("enable: true}"), 13, "enable: false}");
  both.replace(both.find("    namespaces:"), 0, "    passthru: {device_path: /dev/nvme0, enable: true}\n");
  Plan plan = f.plan(parse_ok(both));
  EXPECT_TRUE(problem_texts(plan).empty()) << testing::PrintToString(problem_texts(plan));
  auto lines = rendered(plan, f.fs.layout());
  ptrdiff_t on = position(lines, "+ write subsystems/nqn.pt/passthru/enable=1");
  ptrdiff_t ns = position(lines, "+ mkdir subsystems/nqn.pt/namespaces/1");
  ASSERT_LT(ns, static_cast<ptrdiff_t>(lines.size())) << testing::PrintToString(lines);
  EXPECT_LT(on, ns) << testing::PrintToString(lines);
}

// Only a device path shows "(null)" for unset; a model of that text is a model.
TEST(Planner, ANullLookingTextValueIsWritten) {
  EngineFixture f;
  std::string model = kTcpTarget;
  model.replace(model.find("    serial: SN0001\n"), 0, "    model: '(null)'\n");
  auto lines = rendered(f.plan(parse_ok(model)), f.fs.layout());
  EXPECT_NE(position(lines, "+ write subsystems/nqn.2024-01.io.example:disk/attr_model=(null)"),
            static_cast<ptrdiff_t>(lines.size())) << testing::PrintToString(lines);
  auto unlinked = [](std::string yaml) {
    const std::string links = "    subsystems: [nqn.2024-01.io.example:disk]";
    return yaml.replace(yaml.find(links), links.size(), "    subsystems: []");
  };
  ASSERT_EQ(f.apply(parse_ok(unlinked(kTcpTarget))).status, ApplyStatus::Applied);
  lines = rendered(f.plan(parse_ok(unlinked(model))), f.fs.layout());
  EXPECT_NE(position(lines, "~ write subsystems/nqn.2024-01.io.example:disk/attr_model=(null)"),
            static_cast<ptrdiff_t>(lines.size())) << testing::PrintToString(lines);
}

// A kernel without CONFIG_NVME_TARGET_PASSTHRU has no passthru group: a bare
// 'passthru: {enable: false}' asks nothing of it, a device path does.
TEST(Planner, OnlyARealPassthruNeedsPassthruSupport) {
  FakeNvmetFs::Options no_passthru;
  no_passthru.passthru = false;
  EngineFixture f(no_passthru);
  ASSERT_EQ(f.apply(parse_ok(kServedByNamespace)).status, ApplyStatus::Applied);
  std::string off = kServedByNamespace;
  off.replace(off.find("    namespaces:"), 0, "    passthru: {enable: false}\n");
  EXPECT_TRUE(f.plan(parse_ok(off)).empty()) << testing::PrintToString(problem_texts(f.plan(parse_ok(off))));
  std::string path = kServedByNamespace;
  path.replace(path.find("    namespaces:"), 0, "    passthru: {device_path: /dev/nvme0, enable: false}\n");
  auto problems = problem_texts(f.plan(parse_ok(path)));
  ASSERT_EQ(problems.size(), 1u) << testing::PrintToString(problems);
  EXPECT_NE(problems[0].find("needs a kernel built with CONFIG_NVME_TARGET_PASSTHRU"), std::string::npos) << problems[0];
}

TEST(Planner, VersionOfASubsystemLeftInPassthruModeIsRefused) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kPassthruTarget)).status, ApplyStatus::Applied);
  std::string versioned = kPassthruTarget;
  versioned.erase(versioned.find("    passthru:"), versioned.find("ports:") - versioned.find("    passthru:"));
  versioned.replace(versioned.find("    allow_any_host"), 0, "    version: '1.3'\n");
  auto problems = problem_texts(f.plan(parse_ok(versioned)));
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].find("controller's version (1.4)"), std::string::npos) << testing::PrintToString(problems);
}

TEST(Planner, UndeclaredObjectsAreUnmanagedUnlessPruned) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTcpTarget)).status, ApplyStatus::Applied);
  Target small = parse_ok("version: 1\nhosts:\n  - nqn: nqn.2014-08.org.nvmexpress:uuid:host-a\n");
  Plan keep = f.plan(small);
  EXPECT_TRUE(keep.empty());
  EXPECT_EQ(keep.unmanaged.size(), 2u);
  PlanOptions prune;
  prune.prune = true;
  ASSERT_EQ(f.apply(small, prune).status, ApplyStatus::Applied);
  LiveState after = f.live();
  EXPECT_TRUE(after.target.subsystems.empty());
  EXPECT_TRUE(after.target.ports.empty());
  EXPECT_EQ(after.target.hosts.size(), 1u);
}

// The kernel binds one listener per address: a port the file does not
// declare, enabled on the same tcp address, would make linking the declared
// one fail with EADDRINUSE half-way through apply.
TEST(Planner, AnUndeclaredPortOnTheSameAddressBlocksThePlanUnlessPruned) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTcpTarget)).status, ApplyStatus::Applied);
  std::string moved = kTcpTarget;
  moved.replace(moved.find("  - id: 1\n"), 10, "  - id: 2\n");
  Target target = parse_ok(moved);
  Plan blocked = f.plan(target);
  ASSERT_TRUE(blocked.blocked());
  std::string problems;
  for (const Diagnostic& d : blocked.problems.all()) problems += d.format() + "\n";
  EXPECT_NE(problems.find("tcp 127.0.0.1:4420 is taken by port 1 (127.0.0.1:4420, enabled, not in the file)"),
            std::string::npos) << problems;
  f.fs.reset_counters();
  EXPECT_EQ(f.apply(target).status, ApplyStatus::Blocked);
  EXPECT_EQ(f.fs.mutations(), 0);

  PlanOptions prune;
  prune.prune = true;
  EXPECT_FALSE(f.plan(target, prune).blocked());
  ASSERT_EQ(f.apply(target, prune).status, ApplyStatus::Applied);
  EXPECT_EQ(f.live().target.ports.size(), 1u);
}

// A port whose file entry leaves its links to the kernel still listens
// again after its address changes: the clash check counts its live links.
TEST(Planner, AnUndeclaredPortBlocksAPortThatKeepsItsLiveLinks) {
  EngineFixture f;
  std::string two_ports = std::string(kTcpTarget) +
                          "  - {id: 2, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4421, "
                          "subsystems: [nqn.2024-01.io.example:disk]}\n";
  ASSERT_EQ(f.apply(parse_ok(two_ports)).status, ApplyStatus::Applied);
  std::string moved = kTcpTarget;
  moved.erase(moved.find("ports:"));
  moved += "ports:\n  - {id: 2, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4420}\n";
  Plan blocked = f.plan(parse_ok(moved));
  ASSERT_TRUE(blocked.blocked());
  EXPECT_NE(blocked.problems.all()[0].message.find("is taken by port 1"), std::string::npos)
      << blocked.problems.all()[0].message;
}

// With --prune, a port that keeps only links to subsystems the file does
// not declare loses them all and stops listening: a process on its new
// address is then in nobody's way.
TEST(Planner, APortThatPruneUnlinksDoesNotClashWithAProcessListener) {
  testing_support::TempDir proc;
  proc.write("net/tcp",
             "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
             "   0: 0100007F:1145 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0 100 0 0 10 0\n");
  proc.write("77/comm", "listener\n");
  proc.symlink("77/fd/3", "socket:[31337]");
  EngineFixture f;
  f.ctx.paths.proc = proc.path();
  ASSERT_EQ(f.apply(parse_ok(kTcpTarget)).status, ApplyStatus::Applied);
  Target moved = parse_ok("version: 1\nports:\n  - {id: 1, trtype: tcp, traddr: 127.0.0.1, trsvcid: 4421}\n");
  auto kept = problem_texts(f.plan(moved));
  ASSERT_EQ(kept.size(), 1u) << testing::PrintToString(kept);
  EXPECT_NE(kept[0].find("listener (pid 77) listens on 127.0.0.1:4421"), std::string::npos) << kept[0];
  PlanOptions prune;
  prune.prune = true;
  EXPECT_TRUE(problem_texts(f.plan(moved, prune)).empty());
  // And apply does what the check assumed: the pruned subsystem's link is not made again.
  ApplyReport report = f.apply(moved, prune);
  ASSERT_EQ(report.status, ApplyStatus::Applied) << (report.failure ? report.failure->error.describe() : "");
  EXPECT_TRUE(f.live().target.find_port(1)->subsystems->empty());
  EXPECT_TRUE(f.live().target.subsystems.empty());
}

TEST(Planner, CntlidMaxIsRaisedBeforeMinCrossesIt) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok("version: 1\nsubsystems:\n  - nqn: nqn.a\n    cntlid_min: 1\n    cntlid_max: 10\n")).status,
            ApplyStatus::Applied);
  Plan plan = f.plan(parse_ok("version: 1\nsubsystems:\n  - nqn: nqn.a\n    cntlid_min: 20\n    cntlid_max: 30\n"));
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_NE(plan.steps[0].op.path.find("attr_cntlid_max"), std::string::npos);
}

TEST(Planner, AttributeTooNewForTheKernelIsAPlanError) {
  FakeNvmetFs::Options old_kernel;
  old_kernel.kernel = {6, 1};
  EngineFixture f(old_kernel);
  ASSERT_TRUE(f.fs.make_dir("/cfg/nvmet/subsystems/nqn.other"));  // shows what 6.1 offers
  Plan plan = f.plan(parse_ok("version: 1\nsubsystems:\n  - nqn: nqn.a\n    firmware: '1.0'\n"));
  ASSERT_TRUE(plan.blocked());
  EXPECT_NE(plan.problems.all()[0].format().find("attr_firmware needs"), std::string::npos);
  EXPECT_NE(plan.problems.all()[0].format().find("test.yaml:4:"), std::string::npos);
}

TEST(Planner, TeardownRemovesEverythingInSafeOrder) {
  EngineFixture f;
  ASSERT_EQ(f.apply(parse_ok(kTcpTarget)).status, ApplyStatus::Applied);
  ApplyReport report = clear_target(f.ctx, {});
  ASSERT_EQ(report.status, ApplyStatus::Applied);
  LiveState after = f.live();
  EXPECT_TRUE(after.target.empty());
}

}  // namespace
}  // namespace nvmetctl
