#include "nvmetctl/model/kernel_behaviour.h"

#include <algorithm>

#include "nvmetctl/util/parse_number.h"

namespace nvmetctl {
namespace {

using R = KernelRule;

// Thresholds are the first release the reference (shared/reference) saw the
// behaviour in, bracketed by the kernels it read; 6.1 and 6.12 are also
// checked in the guest.
constexpr KernelRuleSpec kRules[] = {
    {R::QidMaxWriteDropsControllers,
     "qid_max_write_drops_controllers",
     {6, 3},
     "6.1 stores the value; 6.3.8 and later delete every controller"},
    {R::TmpfsAcceptsDirectIo,
     "tmpfs_accepts_direct_io",
     {6, 6},
     "6.1's shmem lacks O_DIRECT (enable fails with EINVAL); 6.19's has it"},
    {R::CntlidMinMayEqualMax,
     "cntlid_min_may_equal_max",
     {6, 9},
     "6.1 refuses min >= max; 6.9 and later only min > max"},
    {R::DiscoveryNqnAttribute, "discovery_nqn_attribute", {6, 9}, "absent in 6.1, present from 6.9"},
    {R::NvmeTlsKeyring,
     "nvme_tls_keyring",
     {6, 7},
     "the nvme-keyring module came with NVMe/TCP TLS in 6.7; absent in Debian's 6.1, present in 6.12"},
    {R::HostKeyClearedByNul,
     "host_key_cleared_by_nul",
     {6, 12},
     "seen on 6.12; Debian's 6.1 has no host DH-HMAC-CHAP attributes"},
    {R::DefaultVersion21, "default_version_2_1", {6, 13}, "1.3 up to 6.12, 2.1 from 6.13.7"},
    {R::UnsetTrtypeNotTransportZero,
     "unset_trtype_not_transport_zero",
     {6, 14},
     "an unset trtype is 0 up to 6.13 ('transport type 0 not supported'), NVMF_TRTYPE_MAX from 6.14"},
    {R::PassthruRefusedBesideAnyNamespace,
     "passthru_refused_beside_any_namespace",
     {6, 19},
     "6.1-6.12 count enabled namespaces only; 6.19 any namespace directory"},
    {R::RdmaListenerDiesWithItsDevice,
     "rdma_listener_dies_with_its_device",
     {4, 8},
     "nvmet_rdma_device_removal drops the listener's cm_id and only an address change schedules the "
     "port's repair work; seen on 6.1 and 6.12 (rxe deleted with its netdev and recreated)"},
};

}  // namespace

std::span<const KernelRuleSpec> kernel_rules() { return kRules; }

const KernelRuleSpec& kernel_rule(KernelRule rule) {
  return *std::find_if(std::begin(kRules), std::end(kRules), [&](const KernelRuleSpec& s) { return s.rule == rule; });
}

bool kernel_has(KernelRule rule, KernelVersion version) {
  return !version.known() || version >= kernel_rule(rule).since;
}

std::optional<std::string> default_subsystem_version(KernelVersion version) {
  if (!version.known()) return std::nullopt;
  return kernel_has(KernelRule::DefaultVersion21, version) ? "2.1" : "1.3";
}

void apply_port_write(AttrMap& port, const std::string& file, const std::string& value) {
  port[file] = value;
  if (file == "addr_trtype") {
    if (auto tsas = port.find("addr_tsas"); tsas != port.end())
      tsas->second = value == "tcp" ? "none" : value == "rdma" ? "connected" : "";
  } else if (file == "addr_tsas") {
    std::string& treq = port["addr_treq"];
    if (value == "tls1.3" && treq == "not specified") treq = "required";
    if (value == "none") treq = "not specified";
  }
}

QueueSizeLimits queue_size_limits(const std::string& trtype) {
  if (trtype == "rdma") return {16, 256, 128};
  return {16, 1024, 1024};
}

long long default_inline_data_size(const std::string& trtype) {
  if (trtype == "rdma") return 4096;
  if (trtype == "tcp") return 16384;
  return 0;
}

void apply_port_enable(AttrMap& port) {
  std::string trtype = attr_value(port, "addr_trtype");
  if (auto inline_size = port.find("param_inline_data_size"); inline_size != port.end() && inline_size->second == "-1")
    inline_size->second = std::to_string(default_inline_data_size(trtype));
  if (auto queue = port.find("param_max_queue_size"); queue != port.end()) {
    QueueSizeLimits limits = queue_size_limits(trtype);
    long long size = parse_number<long long>(queue->second).value_or(-1);
    if (size < 0) size = limits.default_size;
    queue->second = std::to_string(std::clamp(size, limits.min, limits.max));
  }
}

}  // namespace nvmetctl
