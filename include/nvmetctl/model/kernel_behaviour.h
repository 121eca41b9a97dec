#pragma once
// What nvmet does beyond storing a value: the kernel release that changed a
// behaviour, and the side effects one write has on other attributes. Written
// once, here. The planner, the validator, the doctor and the test fake all
// read it; tests/unit/kernel_behaviour_test.cpp checks the fake against it
// and tests/vm/cases/kernel-behaviour.sh checks it against real kernels.
//
// The attribute table (attribute_table.h) says which attributes exist since
// when; this table says how the kernel behaves around them.
#include <optional>
#include <span>
#include <string>

#include "nvmetctl/model/kernel_version.h"
#include "nvmetctl/model/target.h"

namespace nvmetctl {

enum class KernelRule {
  QidMaxWriteDropsControllers,        // any attr_qid_max write resets every controller
  TmpfsAcceptsDirectIo,               // a tmpfs file opens with O_DIRECT (namespace without buffered_io)
  CntlidMinMayEqualMax,               // cntlid_min == cntlid_max (EINVAL before)
  DiscoveryNqnAttribute,              // the root discovery_nqn attribute
  HostKeyClearedByNul,                // one NUL byte removes a host's DH-HMAC-CHAP key
  DefaultVersion21,                   // a new subsystem reports NVMe 2.1 (1.3 before)
  UnsetTrtypeNotTransportZero,        // an unset trtype no longer fails as 'transport type 0'
  PassthruRefusedBesideAnyNamespace,  // passthru/enable refused beside a disabled namespace too
  NvmeTlsKeyring,                     // the .nvme keyring for NVMe/TCP TLS PSKs
  RdmaListenerDiesWithItsDevice,      // an rdma port whose RDMA device went away listens no more, even
                                      // once the device is back, until it is disabled and enabled
};

struct KernelRuleSpec {
  KernelRule rule;
  const char* name;  // stable, for tests and the real-kernel check
  KernelVersion since;
  const char* evidence;  // where the threshold comes from
};

std::span<const KernelRuleSpec> kernel_rules();
const KernelRuleSpec& kernel_rule(KernelRule rule);

// Whether a kernel of `version` behaves so. An unknown version (0.0) is taken
// as the newest: checks then assume the strictest kernel.
bool kernel_has(KernelRule rule, KernelVersion version);

// The version a subsystem reports when nothing set it: when it is made, and
// again when its passthru is disabled. nullopt for an unknown kernel.
std::optional<std::string> default_subsystem_version(KernelVersion version);

// A port attribute write moves others: a trtype write resets tsas (tcp:
// none, rdma: connected, other transports: empty), a tsas write moves treq
// (tls1.3 turns 'not specified' into 'required'; none makes it 'not
// specified'). `port` holds the port's attributes before the write and is
// updated to what the kernel shows after it. tsas is touched only where the
// map holds it (kernels before 6.9 have none).
void apply_port_write(AttrMap& port, const std::string& file, const std::string& value);

// The limits the kernel clamps param_max_queue_size to when it enables a
// port, and the value it gives -1.
struct QueueSizeLimits {
  long long min, max, default_size;
};
QueueSizeLimits queue_size_limits(const std::string& trtype);
// What a port's enable writes into param_inline_data_size when it is -1.
long long default_inline_data_size(const std::string& trtype);

// The port parameters after the kernel enabled the port (first link),
// successful or not: it rewrites them before the transport binds.
void apply_port_enable(AttrMap& port);

}  // namespace nvmetctl
