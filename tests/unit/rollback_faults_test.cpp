// Rollback under the faults real machines produce: module loads, the configfs
// mount and RDMA links failing, configfs refusing with EIO, EINVAL, EBUSY,
// ENOENT or EPERM at any step of a sizeable plan, an undo failing during the
// rollback itself, and a clear refused half-way through its teardown.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "configfs_mounter_fake.h"
#include "engine_fixture.h"
#include "module_loader_fake.h"
#include "network_info_fake.h"
#include "nvmetctl/exit_codes.h"
#include "nvmetctl/formats/target_writer.h"
#include "rdma_links_fake.h"

namespace nvmetctl {
namespace {

using testing_support::EngineFixture;
using testing_support::parse_ok;

// Every node under `dir`, through the ConfigFs seam: directories, each
// file's content (or the errno its read gives), each link's target. Unlike
// the live state, this sees attributes the reader skips, so two equal dumps
// mean the tree is exactly the same.
void dump_into(const ConfigFs& fs, const std::string& dir, std::string& out) {
  auto entries = fs.list(dir);
  if (!entries) {
    out += dir + " <list: errno " + std::to_string(entries.error().errnum) + ">\n";
    return;
  }
  for (const DirEntry& entry : *entries) {
    std::string path = dir + "/" + entry.name;
    switch (entry.type) {
      case EntryType::Directory:
        out += path + "/\n";
        dump_into(fs, path, out);
        break;
      case EntryType::File: {
        auto value = fs.read(path);
        out +=
            path + " = " + (value ? "'" + *value + "'" : "<errno " + std::to_string(value.error().errnum) + ">") + "\n";
        break;
      }
      case EntryType::Symlink: {
        auto target = fs.read_link(path);
        out += path + " -> " + (target ? *target : "<errno " + std::to_string(target.error().errnum) + ">") + "\n";
        break;
      }
    }
  }
}

std::string dump_tree(const ConfigFs& fs) {
  std::string out;
  dump_into(fs, "/cfg", out);
  return out;
}

std::vector<std::string> link_names(const FakeRdmaLinks& rdma) {
  std::vector<std::string> names;
  for (const RdmaDevice& device : rdma.devices()) names.push_back(device.name + "@" + device.netdev);
  return names;
}

std::string errno_name(int errnum) {
  switch (errnum) {
    case EIO:
      return "EIO";
    case EINVAL:
      return "EINVAL";
    case EBUSY:
      return "EBUSY";
    case ENOENT:
      return "ENOENT";
    case EPERM:
      return "EPERM";
    case ENODEV:
      return "ENODEV";
  }
  return std::to_string(errnum);
}

// What the machine runs before the faulty apply: one tcp port, one
// subsystem with a namespace and an allowed host. nvmet and nvmet-tcp are
// loaded, a hardware RoCE NIC is present.
const char* kBefore = R"(version: 1
hosts:
  - nqn: nqn.h1
subsystems:
  - nqn: nqn.a
    allowed_hosts: [nqn.h1]
    namespaces:
      - {nsid: 1, device_path: /dev/nvme0n1, enable: true}
ports:
  - id: 1
    trtype: tcp
    traddr: 10.0.0.1
    subsystems: [nqn.a]
)";

// Two ports (one moved while live, one new over RDMA), three subsystems
// (one changed, two new), namespaces swapped, added and disabled, allowed
// hosts added, two Soft-RoCE/siw links: module loads, link adds and every
// kind of configfs change.
const char* kAfter = R"(version: 1
rdma_links:
  - {name: rxe_eth0, type: rxe, netdev: eth0}
  - {name: siw_eth1, type: siw, netdev: eth1}
hosts:
  - nqn: nqn.h1
  - nqn: nqn.h2
  - nqn: nqn.h3
subsystems:
  - nqn: nqn.a
    model: Faults
    allowed_hosts: [nqn.h1, nqn.h2]
    namespaces:
      - {nsid: 1, device_path: /dev/nullb0, enable: true}
      - {nsid: 2, device_path: /dev/loop0, enable: true}
  - nqn: nqn.b
    allowed_hosts: [nqn.h3]
    namespaces:
      - {nsid: 1, device_path: /dev/nvme0n1, enable: true}
  - nqn: nqn.c
    allow_any_host: true
    namespaces:
      - {nsid: 5, device_path: /dev/nullb1, enable: false}
ports:
  - id: 1
    trtype: tcp
    traddr: 10.0.0.1
    trsvcid: 4421
    subsystems: [nqn.a, nqn.b]
  - id: 2
    trtype: rdma
    traddr: 10.0.0.1
    subsystems: [nqn.b, nqn.c]
)";

FakeNvmetFs::Options fs_options(bool nvmet_loaded = true) {
  FakeNvmetFs::Options options;
  options.nvmet_loaded = nvmet_loaded;
  options.devices = {"/dev/nvme0n1", "/dev/nullb0", "/dev/nullb1", "/dev/loop0"};
  return options;
}

// The fake tree with every system double wired in, as the CLI wires the real ones.
struct Machine {
  explicit Machine(bool nvmet_loaded = true) : f(fs_options(nvmet_loaded)) {
    modules.add_nvmet_modules();
    if (nvmet_loaded)
      for (const char* name : {"configfs", "nvmet", "nvmet-tcp"}) modules.set_loaded(name);
    modules.on_load("nvmet", [this] { f.fs.load_nvmet(); });
    rdma.add_netdev("eth0").add_netdev("eth1").add_hardware_device("mlx5_0", "roce", "eth2");
    network.add_interface("eth0", {"10.0.0.1/24"}).add_interface("eth1", {"10.0.1.1/24"});
    f.ctx.modules = &modules;
    f.ctx.rdma = &rdma;
    f.ctx.network = &network;
    f.ctx.mounter = &mounter;
  }
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  EngineFixture f;
  FakeModuleLoader modules;
  FakeRdmaLinks rdma;
  FakeNetworkInfo network;
  FakeConfigfsMounter mounter;
};

std::string describe(const ApplyReport& report) {
  std::string out;
  if (report.failure) out += "failure: " + report.failure->error.describe() + "\n";
  for (const auto& e : report.rollback.errors) out += "undo failed: " + e.describe() + "\n";
  for (const auto& d : report.rollback_drift) out += "drift: " + d + "\n";
  for (const auto& d : report.verify_drift) out += "verify: " + d + "\n";
  return out;
}

PlanOptions full_change() {
  PlanOptions options;
  options.prune = true;
  options.allow_recreate = true;  // kAfter changes the model of an exposed subsystem
  return options;
}

// Index of the first step of `plan` whose operation is `kind` on `path`.
std::size_t step_index(const Plan& plan, OpKind kind, const std::string& path) {
  for (std::size_t i = 0; i < plan.steps.size(); ++i)
    if (plan.steps[i].op.kind == kind && plan.steps[i].op.path == path) return i;
  ADD_FAILURE() << "no " << op_kind_name(kind) << " " << path << " in the plan";
  return plan.steps.size();
}

std::size_t first_configfs_step(const Plan& plan) {
  std::size_t i = 0;
  while (i < plan.steps.size() && !plan.steps[i].op.touches_configfs()) ++i;
  return i;
}

// The plan apply makes for kAfter on a machine running kBefore.
Plan after_plan() {
  Machine m;
  EXPECT_EQ(m.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  return m.f.plan(parse_ok(kAfter), full_change());
}

// Links and modules as README documents them for a rollback: links the run
// created are removed, modules it loaded stay loaded, nothing is unloaded.
void expect_links_removed_modules_kept(const Machine& m) {
  EXPECT_EQ(link_names(m.rdma), std::vector<std::string>{"mlx5_0@eth2"});
  for (const char* name : {"nvmet_rdma", "rdma_rxe", "siw"}) EXPECT_TRUE(m.modules.is_loaded(name)) << name;
  EXPECT_TRUE(m.modules.unloads().empty());
}

// A configfs mutation refused at any step of the plan, with each errno the
// kernel gives in practice: the rollback restores every node of the tree,
// removes the links it added and keeps the modules it loaded.
TEST(RollbackFaults, ConfigfsFaultWithEachErrnoAtEveryStepRestoresTheWholeTree) {
  const Plan plan = after_plan();
  const std::size_t first = first_configfs_step(plan);
  ASSERT_EQ(first, 5u) << "three module loads and two link adds come first";
  ASSERT_GT(plan.steps.size(), first + 35);
  for (int errnum : {EIO, EINVAL, EBUSY, ENOENT, EPERM}) {
    for (std::size_t index = first; index < plan.steps.size(); ++index) {
      SCOPED_TRACE(errno_name(errnum) + " at step " + std::to_string(index) + " (" +
                   op_kind_name(plan.steps[index].op.kind) + " " + plan.steps[index].op.path + ")");
      Machine m;
      ASSERT_EQ(m.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
      const std::string before = dump_tree(m.f.fs);
      const std::string before_yaml = target_to_yaml(m.f.live().target);
      m.f.fs.fail_mutation(static_cast<int>(index - first + 1), errnum);
      ApplyReport report = m.f.apply(parse_ok(kAfter), full_change());
      ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << describe(report);
      ASSERT_EQ(report.plan.steps.size(), plan.steps.size());
      ASSERT_TRUE(report.failure.has_value());
      EXPECT_EQ(report.failure->step_index, index);
      EXPECT_EQ(report.failure->error.errnum, errnum);
      EXPECT_EQ(report.failure->error.path, plan.steps[index].op.path);
      EXPECT_EQ(report.completed, index);
      EXPECT_EQ(report.rollback.undone, index);
      EXPECT_TRUE(report.rollback.errors.empty()) << describe(report);
      EXPECT_TRUE(report.rollback_drift.empty()) << describe(report);
      EXPECT_EQ(dump_tree(m.f.fs), before);
      EXPECT_EQ(target_to_yaml(m.f.live().target), before_yaml);
      expect_links_removed_modules_kept(m);
      EXPECT_EQ(exit_code::for_apply_status(report.status), exit_code::kRolledBack);
    }
  }
}

// A module that will not load (ENOENT: no .ko for this kernel; EPERM:
// modules_disabled or lockdown; EINVAL: unknown symbol) stops the run before
// configfs: the module loaded before it stays, nothing else changes.
TEST(RollbackFaults, ModuleLoadFaultKeepsEarlierLoadsAndChangesNothingElse) {
  for (int errnum : {ENOENT, EPERM, EINVAL}) {
    SCOPED_TRACE(errno_name(errnum));
    Machine m;
    ASSERT_EQ(m.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
    const std::string before = dump_tree(m.f.fs);
    m.f.fs.reset_counters();
    m.modules.fail_load("rdma_rxe", errnum);
    ApplyReport report = m.f.apply(parse_ok(kAfter), full_change());
    ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << describe(report);
    ASSERT_TRUE(report.failure.has_value());
    EXPECT_EQ(report.plan.steps[report.failure->step_index].op.kind, OpKind::LoadModule);
    EXPECT_EQ(report.failure->error.errnum, errnum);
    EXPECT_EQ(report.failure->error.action, "load module");
    EXPECT_EQ(report.failure->error.path, "rdma_rxe");
    EXPECT_EQ(report.completed, 1u) << "nvmet-rdma went in first";
    EXPECT_TRUE(report.rollback.errors.empty());
    EXPECT_TRUE(report.rollback_drift.empty());
    EXPECT_TRUE(m.modules.is_loaded("nvmet_rdma")) << "modules it loaded stay loaded";
    EXPECT_FALSE(m.modules.is_loaded("rdma_rxe"));
    EXPECT_TRUE(m.modules.unloads().empty());
    EXPECT_EQ(m.f.fs.mutations(), 0);
    EXPECT_EQ(m.rdma.calls(), std::vector<std::string>{"list"}) << "no link added";
    EXPECT_EQ(dump_tree(m.f.fs), before);
  }
}

// A dependency that fails (ib_core for nvmet-rdma) is reported on the
// module the plan asked for, with the dependency's errno.
TEST(RollbackFaults, ModuleDependencyFaultIsReportedOnTheRequestedModule) {
  Machine m;
  ASSERT_EQ(m.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  const std::string before = dump_tree(m.f.fs);
  m.modules.fail_load("ib_core", EINVAL);
  ApplyReport report = m.f.apply(parse_ok(kAfter), full_change());
  ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << describe(report);
  EXPECT_EQ(report.failure->step_index, 0u);
  EXPECT_EQ(report.failure->error.errnum, EINVAL);
  EXPECT_EQ(report.failure->error.path, "nvmet-rdma");
  EXPECT_NE(report.failure->error.reason.find("dependency ib_core"), std::string::npos) << report.failure->error.reason;
  EXPECT_EQ(report.completed, 0u);
  EXPECT_EQ(report.rollback.undone, 0u);
  EXPECT_FALSE(m.modules.is_loaded("nvmet_rdma"));
  EXPECT_EQ(dump_tree(m.f.fs), before);
}

// The second link add refused (EPERM: no CAP_NET_ADMIN in this namespace;
// EINVAL: the link type's module is missing; ENODEV: the netdev went away):
// the link added just before is removed again.
TEST(RollbackFaults, RdmaLinkAddFaultRemovesTheLinkAddedBefore) {
  for (int errnum : {EPERM, EINVAL, ENODEV}) {
    SCOPED_TRACE(errno_name(errnum));
    Machine m;
    ASSERT_EQ(m.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
    const std::string before = dump_tree(m.f.fs);
    m.f.fs.reset_counters();
    m.rdma.fail_next("add", errnum, 1);
    ApplyReport report = m.f.apply(parse_ok(kAfter), full_change());
    ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << describe(report);
    ASSERT_TRUE(report.failure.has_value());
    EXPECT_EQ(report.plan.steps[report.failure->step_index].op.kind, OpKind::AddRdmaLink);
    EXPECT_EQ(report.failure->error.errnum, errnum);
    EXPECT_EQ(report.failure->error.path, "siw_eth1");
    EXPECT_EQ(report.completed, 4u);
    EXPECT_TRUE(report.rollback.errors.empty());
    EXPECT_EQ(m.rdma.calls(), (std::vector<std::string>{"list", "add rxe_eth0 rxe eth0", "add siw_eth1 siw eth1",
                                                        "remove rxe_eth0", "list"}))
        << "the last list: the rollback checks the links";
    expect_links_removed_modules_kept(m);
    EXPECT_EQ(m.f.fs.mutations(), 0);
    EXPECT_EQ(dump_tree(m.f.fs), before);
  }
}

// configfs not mounted yet (a fresh boot): the mount refused (EPERM without
// CAP_SYS_ADMIN, ENODEV without configfs in the kernel, EBUSY) stops the
// run; configfs, loaded just before, stays loaded; nvmet is never loaded.
TEST(RollbackFaults, MountFaultStopsBeforeNvmetAndKeepsConfigfsLoaded) {
  for (int errnum : {EPERM, ENODEV, EBUSY}) {
    SCOPED_TRACE(errno_name(errnum));
    Machine m(false);
    const std::string before = dump_tree(m.f.fs);
    m.mounter.fail_next(errnum);
    ApplyReport report = m.f.apply(parse_ok(kAfter), full_change());
    ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << describe(report);
    ASSERT_TRUE(report.failure.has_value());
    EXPECT_EQ(report.failure->step_index, 1u);
    EXPECT_EQ(report.plan.steps[1].op.kind, OpKind::MountConfigfs);
    EXPECT_EQ(report.failure->error.errnum, errnum);
    EXPECT_EQ(report.failure->error.action, "mount configfs on");
    EXPECT_EQ(report.failure->error.path, "/cfg");
    EXPECT_EQ(report.completed, 1u);
    EXPECT_TRUE(report.rollback.errors.empty());
    EXPECT_TRUE(report.rollback_drift.empty());
    EXPECT_EQ(m.mounter.calls(), std::vector<std::string>{"/cfg"});
    EXPECT_TRUE(m.mounter.mounted().empty());
    EXPECT_TRUE(m.modules.is_loaded("configfs"));
    EXPECT_FALSE(m.modules.is_loaded("nvmet"));
    EXPECT_TRUE(m.modules.unloads().empty());
    EXPECT_FALSE(m.f.fs.exists("/cfg/nvmet"));
    EXPECT_EQ(dump_tree(m.f.fs), before);
  }
}

// The mount and the module loads go through, configfs fails later: the
// mount stays (the step has no undo), the modules stay, the links go, and
// the tree is nvmet's empty one, which is what the snapshot holds.
TEST(RollbackFaults, ConfigfsFaultAfterAMountKeepsTheMountAndTheModules) {
  Machine m(false);
  m.f.fs.fail_mutation(10, EIO);
  ApplyReport report = m.f.apply(parse_ok(kAfter), full_change());
  ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << describe(report);
  ASSERT_TRUE(report.failure.has_value());
  EXPECT_EQ(report.failure->error.errnum, EIO);
  EXPECT_TRUE(report.plan.steps[report.failure->step_index].op.touches_configfs());
  const std::size_t mount = step_index(report.plan, OpKind::MountConfigfs, "/cfg");
  EXPECT_TRUE(report.plan.steps[mount].undo.empty());
  EXPECT_TRUE(report.rollback_drift.empty()) << describe(report);
  EXPECT_EQ(m.mounter.mounted(), std::vector<std::string>{"/cfg"});
  for (const char* name : {"configfs", "nvmet", "nvmet_tcp"}) EXPECT_TRUE(m.modules.is_loaded(name)) << name;
  expect_links_removed_modules_kept(m);
  FakeNvmetFs empty_nvmet("/cfg", fs_options(true));
  EXPECT_EQ(dump_tree(m.f.fs), dump_tree(empty_nvmet));
}

// The first fault makes apply roll back; the rollback's rmdir of a
// subsystem it created is refused too (EBUSY). The rollback carries on, and
// the report names the refused undo and what is left, which is all that is left.
TEST(RollbackFaults, RefusedUndoRmdirMakesAnHonestIncompleteReport) {
  Machine m;
  ASSERT_EQ(m.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  const Target before = m.f.live().target;
  m.f.fs.fail_path("/cfg/nvmet/ports/2/subsystems/nqn.c", EIO, "symlink");
  m.f.fs.fail_path("/cfg/nvmet/subsystems/nqn.c", EBUSY, "rmdir");
  ApplyReport report = m.f.apply(parse_ok(kAfter), full_change());
  ASSERT_EQ(report.status, ApplyStatus::FailedRollbackIncomplete) << describe(report);
  ASSERT_TRUE(report.failure.has_value());
  EXPECT_EQ(report.failure->error.errnum, EIO);
  EXPECT_EQ(report.failure->error.path, "/cfg/nvmet/ports/2/subsystems/nqn.c");
  EXPECT_EQ(report.rollback.undone, report.completed) << "the rollback carries on past the refusal";
  ASSERT_EQ(report.rollback.errors.size(), 1u) << describe(report);
  EXPECT_EQ(report.rollback.errors[0].errnum, EBUSY);
  EXPECT_EQ(report.rollback.errors[0].action, "rmdir");
  EXPECT_EQ(report.rollback.errors[0].path, "/cfg/nvmet/subsystems/nqn.c");
  EXPECT_EQ(report.rollback_drift, std::vector<std::string>{"subsystems/nqn.c: present, but not wanted"});
  // What the report says is left is all that is left.
  Target after = m.f.live().target;
  ASSERT_NE(after.find_subsystem("nqn.c"), nullptr);
  std::erase_if(after.subsystems, [](const Subsystem& s) { return s.nqn == "nqn.c"; });
  EXPECT_EQ(target_to_yaml(after), target_to_yaml(before));
  expect_links_removed_modules_kept(m);
  EXPECT_EQ(exit_code::for_apply_status(report.status), 5);
}

// The same with the fault counted into the rollback: the first undo (the
// port's old service id written back) is refused with EACCES, as the kernel
// refuses an address write on an enabled port.
TEST(RollbackFaults, RefusedUndoWriteIsNamedWithItsErrnoAndPath) {
  const Plan plan = after_plan();
  const std::size_t first = first_configfs_step(plan);
  const std::string trsvcid = "/cfg/nvmet/ports/1/addr_trsvcid";
  const std::size_t write = step_index(plan, OpKind::Write, trsvcid);
  ASSERT_EQ(plan.steps[write].undo.size(), 1u);
  ASSERT_TRUE(plan.steps[write + 1].op.touches_configfs());
  Machine m;
  ASSERT_EQ(m.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  const std::string before = dump_tree(m.f.fs);
  const int fault = static_cast<int>(write + 1 - first + 1);  // the step after the write
  m.f.fs.fail_mutation(fault, EIO);
  m.f.fs.fail_mutation(fault + 1, EACCES);  // the rollback's first operation
  ApplyReport report = m.f.apply(parse_ok(kAfter), full_change());
  ASSERT_EQ(report.status, ApplyStatus::FailedRollbackIncomplete) << describe(report);
  EXPECT_EQ(report.failure->step_index, write + 1);
  EXPECT_EQ(report.failure->error.errnum, EIO);
  ASSERT_EQ(report.rollback.errors.size(), 1u) << describe(report);
  EXPECT_EQ(report.rollback.errors[0].errnum, EACCES);
  EXPECT_EQ(report.rollback.errors[0].action, "write");
  EXPECT_EQ(report.rollback.errors[0].path, trsvcid);
  EXPECT_EQ(report.rollback_drift, std::vector<std::string>{"ports/1/addr_trsvcid: desired '4420', current '4421'"});
  EXPECT_EQ(*m.f.fs.read(trsvcid), "4421");
  EXPECT_NE(dump_tree(m.f.fs), before);
  expect_links_removed_modules_kept(m);
  EXPECT_EQ(exit_code::for_apply_status(report.status), exit_code::kRollbackIncomplete);
}

// A link the rollback cannot delete (EBUSY): configfs is back, the report
// says incomplete, names the refused delete, and its drift names the link,
// which is indeed still there.
TEST(RollbackFaults, RefusedLinkRemovalDuringRollbackIsReported) {
  Machine m;
  ASSERT_EQ(m.f.apply(parse_ok(kBefore)).status, ApplyStatus::Applied);
  const std::string before = dump_tree(m.f.fs);
  m.f.fs.fail_path("/cfg/nvmet/ports/2/subsystems/nqn.c", EIO);
  m.rdma.fail_next("remove", EBUSY);  // the first removal: siw_eth1, added last
  ApplyReport report = m.f.apply(parse_ok(kAfter), full_change());
  ASSERT_EQ(report.status, ApplyStatus::FailedRollbackIncomplete) << describe(report);
  EXPECT_EQ(report.failure->error.errnum, EIO);
  ASSERT_EQ(report.rollback.errors.size(), 1u) << describe(report);
  EXPECT_EQ(report.rollback.errors[0].errnum, EBUSY);
  EXPECT_EQ(report.rollback.errors[0].action, "delete rdma link");
  EXPECT_EQ(report.rollback.errors[0].path, "siw_eth1");
  // configfs itself is back; the drift is the link that stayed.
  EXPECT_EQ(report.rollback_drift, std::vector<std::string>{"rdma link siw_eth1: present, but not wanted"});
  EXPECT_EQ(link_names(m.rdma), (std::vector<std::string>{"mlx5_0@eth2", "siw_eth1@eth1"}));
  EXPECT_EQ(dump_tree(m.f.fs), before);
  EXPECT_EQ(exit_code::for_apply_status(report.status), 5);
}

// clear on the full target, with the kernel refusing one rmdir (EBUSY: a
// subsystem, namespace, port or host still in use) at any point of the
// teardown: the rollback rebuilds the whole tree.
TEST(RollbackFaults, ClearRefusedByEbusyMidTeardownPutsBackTheFullTree) {
  Plan teardown;
  {
    Machine probe;
    ASSERT_EQ(probe.f.apply(parse_ok(kAfter), full_change()).status, ApplyStatus::Applied);
    ApplyReport cleared = clear_target(probe.f.ctx, {});
    ASSERT_EQ(cleared.status, ApplyStatus::Applied) << describe(cleared);
    teardown = cleared.plan;
  }
  int rmdirs = 0;
  for (std::size_t index = 0; index < teardown.steps.size(); ++index) {
    const Operation& op = teardown.steps[index].op;
    if (op.kind != OpKind::Rmdir) continue;
    ++rmdirs;
    SCOPED_TRACE("rmdir refused at step " + std::to_string(index) + ": " + op.path);
    Machine m;
    ASSERT_EQ(m.f.apply(parse_ok(kAfter), full_change()).status, ApplyStatus::Applied);
    const std::string before = dump_tree(m.f.fs);
    m.f.fs.fail_path(op.path, EBUSY, "rmdir");
    ApplyReport report = clear_target(m.f.ctx, {});
    ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << describe(report);
    EXPECT_EQ(report.failure->step_index, index);
    EXPECT_EQ(report.failure->error.errnum, EBUSY);
    EXPECT_EQ(report.failure->error.path, op.path);
    EXPECT_GT(report.completed, 0u) << "mid-teardown: links went first";
    EXPECT_EQ(report.rollback.undone, report.completed);
    EXPECT_TRUE(report.rollback.errors.empty()) << describe(report);
    EXPECT_TRUE(report.rollback_drift.empty()) << describe(report);
    EXPECT_EQ(dump_tree(m.f.fs), before);
  }
  EXPECT_GE(rmdirs, 12) << "3 subsystems, 5 namespaces, 2 ports, 3 hosts";
}

// A second fault in a clear's rollback: the subsystem's rmdir is refused
// after its namespaces went, and recreating one namespace fails too (EIO).
// The report names the refused mkdir first (then the writes into the
// directory it could not make), and the drift is that namespace alone.
TEST(RollbackFaults, ClearRollbackThatCannotRecreateANamespaceSaysWhatIsMissing) {
  Machine m;
  ASSERT_EQ(m.f.apply(parse_ok(kAfter), full_change()).status, ApplyStatus::Applied);
  const Target before = m.f.live().target;
  const std::string ns2 = "/cfg/nvmet/subsystems/nqn.a/namespaces/2";
  m.f.fs.fail_path("/cfg/nvmet/subsystems/nqn.a", EBUSY, "rmdir");
  m.f.fs.fail_path(ns2, EIO, "mkdir");
  ApplyReport report = clear_target(m.f.ctx, {});
  ASSERT_EQ(report.status, ApplyStatus::FailedRollbackIncomplete) << describe(report);
  EXPECT_EQ(report.failure->error.errnum, EBUSY);
  EXPECT_EQ(report.failure->error.path, "/cfg/nvmet/subsystems/nqn.a");
  ASSERT_FALSE(report.rollback.errors.empty());
  EXPECT_EQ(report.rollback.errors[0].errnum, EIO);
  EXPECT_EQ(report.rollback.errors[0].action, "mkdir");
  EXPECT_EQ(report.rollback.errors[0].path, ns2);
  for (std::size_t i = 1; i < report.rollback.errors.size(); ++i) {
    EXPECT_EQ(report.rollback.errors[i].errnum, ENOENT) << "the writes into the missing directory";
    EXPECT_EQ(report.rollback.errors[i].path.rfind(ns2 + "/", 0), 0u) << report.rollback.errors[i].path;
  }
  // The namespace, then the attributes it would have (device_path, ...).
  ASSERT_FALSE(report.rollback_drift.empty());
  EXPECT_EQ(report.rollback_drift[0], "subsystems/nqn.a/namespaces/2: missing");
  for (const std::string& line : report.rollback_drift)
    EXPECT_EQ(line.rfind("subsystems/nqn.a/namespaces/2", 0), 0u) << line;
  Target after = m.f.live().target;
  ASSERT_EQ(after.find_subsystem("nqn.a")->find_namespace(2), nullptr);
  Target expected = before;
  for (Subsystem& s : expected.subsystems)
    if (s.nqn == "nqn.a") std::erase_if(s.namespaces, [](const Namespace& ns) { return ns.nsid == 2; });
  EXPECT_EQ(target_to_yaml(after), target_to_yaml(expected)) << "everything else is back";
  EXPECT_EQ(exit_code::for_apply_status(report.status), exit_code::kRollbackIncomplete);
}

// clear --rdma-links --unload-modules refused at nvmet's unload (EBUSY):
// the transports it unloaded are loaded again, the links it deleted added
// again, the tree rebuilt.
TEST(RollbackFaults, ClearRefusedAtTheNvmetUnloadPutsModulesLinksAndTreeBack) {
  Machine m;
  ASSERT_EQ(m.f.apply(parse_ok(kAfter), full_change()).status, ApplyStatus::Applied);
  const std::string before = dump_tree(m.f.fs);
  const std::vector<std::string> links = link_names(m.rdma);
  ASSERT_EQ(links.size(), 3u);
  m.modules.fail_unload("nvmet", EBUSY);
  ClearOptions options;
  options.rdma_links = true;
  options.unload_modules = true;
  ApplyReport report = clear_target(m.f.ctx, options);
  ASSERT_EQ(report.status, ApplyStatus::FailedRolledBack) << describe(report);
  EXPECT_EQ(report.plan.steps[report.failure->step_index].op.kind, OpKind::UnloadModule);
  EXPECT_EQ(report.failure->error.errnum, EBUSY);
  EXPECT_EQ(report.failure->error.path, "nvmet");
  EXPECT_EQ(m.modules.unloads(), (std::vector<std::string>{"nvmet_rdma", "nvmet_tcp"}));
  for (const char* name : {"nvmet", "nvmet_rdma", "nvmet_tcp"}) EXPECT_TRUE(m.modules.is_loaded(name)) << name;
  std::vector<std::string> links_after = link_names(m.rdma);
  std::sort(links_after.begin(), links_after.end());
  std::vector<std::string> links_before = links;
  std::sort(links_before.begin(), links_before.end());
  EXPECT_EQ(links_after, links_before);
  EXPECT_TRUE(report.rollback.errors.empty()) << describe(report);
  EXPECT_TRUE(report.rollback_drift.empty()) << describe(report);
  EXPECT_EQ(dump_tree(m.f.fs), before);
}

// The same clear, and the rollback cannot add a deleted link back (EPERM):
// incomplete, the refused add named, the missing link in the drift.
TEST(RollbackFaults, ClearRollbackThatCannotAddALinkBackSaysItIsMissing) {
  Machine m;
  ASSERT_EQ(m.f.apply(parse_ok(kAfter), full_change()).status, ApplyStatus::Applied);
  const std::string before = dump_tree(m.f.fs);
  m.modules.fail_unload("nvmet", EBUSY);
  m.rdma.fail_next("add", EPERM);  // the first re-add: siw_eth1, deleted last
  ClearOptions options;
  options.rdma_links = true;
  options.unload_modules = true;
  ApplyReport report = clear_target(m.f.ctx, options);
  ASSERT_EQ(report.status, ApplyStatus::FailedRollbackIncomplete) << describe(report);
  ASSERT_EQ(report.rollback.errors.size(), 1u) << describe(report);
  EXPECT_EQ(report.rollback.errors[0].errnum, EPERM);
  EXPECT_EQ(report.rollback.errors[0].action, "add rdma link");
  EXPECT_EQ(report.rollback.errors[0].path, "siw_eth1");
  EXPECT_EQ(report.rollback_drift, std::vector<std::string>{"rdma link siw_eth1: missing"});
  EXPECT_EQ(link_names(m.rdma), (std::vector<std::string>{"mlx5_0@eth2", "rxe_eth0@eth0"}));
  EXPECT_EQ(dump_tree(m.f.fs), before);
  EXPECT_EQ(exit_code::for_apply_status(report.status), 5);
}

// Scripts depend on these (nvmetctl(8)); the CLI returns what this says.
TEST(RollbackFaults, ExitStatusOfEachApplyStatus) {
  EXPECT_EQ(exit_code::for_apply_status(ApplyStatus::NoChanges), 0);
  EXPECT_EQ(exit_code::for_apply_status(ApplyStatus::Applied), 0);
  EXPECT_EQ(exit_code::for_apply_status(ApplyStatus::Blocked), 3);
  EXPECT_EQ(exit_code::for_apply_status(ApplyStatus::ReadFailed), 1);
  EXPECT_EQ(exit_code::for_apply_status(ApplyStatus::JournalFailed), 1);
  EXPECT_EQ(exit_code::for_apply_status(ApplyStatus::FailedRolledBack), 4);
  EXPECT_EQ(exit_code::for_apply_status(ApplyStatus::FailedRollbackIncomplete), 5);
}

}  // namespace
}  // namespace nvmetctl
