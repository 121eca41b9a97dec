#include "nvmetctl/doctor/catalog.h"

#include <algorithm>
#include <array>

namespace nvmetctl::doctor {
namespace {

constexpr std::array kCatalog{
    // System
    FindingKind{"not-root", "not root, or no CAP_SYS_ADMIN: configfs refuses changes (EPERM/EACCES)"},
    FindingKind{"configfs-not-mounted", "configfs is not mounted (or the kernel has none): mkdir fails with EPERM"},
    FindingKind{"configfs-unreadable", "the nvmet tree under configfs could not be read"},
    FindingKind{"configfs-ok", "configfs is mounted and nvmet is loaded"},
    FindingKind{"nvmet-not-loaded", "nvmet is not loaded: <configfs>/nvmet is missing and mkdir fails with EPERM"},
    FindingKind{"kernel-log-unreadable", "/dev/kmsg cannot be read: findings lack the kernel's messages"},
    FindingKind{"interrupted-run",
                "a crash journal of a run that was killed in the middle: the target may be half changed"},
    FindingKind{"mkdir-not-allowed", "mkdir where configfs takes only symlinks (EPERM)"},
    // Modules
    FindingKind{"module-unavailable", "a needed module is not built in and not installed for the running kernel"},
    FindingKind{"module-loading-disabled", "kernel.modules_disabled=1 while needed modules are not loaded"},
    FindingKind{"module-lockdown", "kernel lockdown is active while needed modules are not loaded yet"},
    FindingKind{"module-signature", "the kernel refused a module: unsigned, untrusted key, or lockdown"},
    FindingKind{"module-load-failed", "loading a module failed for another reason"},
    FindingKind{"ofed-symbol-clash", "duplicate/mismatched symbols: an out-of-tree RDMA stack mixed with the kernel's"},
    // Ports
    FindingKind{"trtype-unset", "a port without addr_trtype: linking fails with EINVAL (transport type 0)"},
    FindingKind{"transport-module-missing", "the port's transport module is absent or failed to load (EINVAL on link)"},
    FindingKind{"adrfam-unset", "tcp/rdma port without adrfam ipv4/ipv6: EINVAL on link"},
    FindingKind{"port-address-invalid", "traddr/trsvcid is not a literal IP and port: EINVAL on link"},
    FindingKind{"rdma-addr-not-local", "rdma traddr on no local interface: binding CM ID failed (-99)"},
    FindingKind{"rdma-no-device", "rdma traddr on an interface no RDMA device covers (-19), or a linked port lost it"},
    FindingKind{"rdma-device-down", "the RDMA device serving a port is not ACTIVE"},
    FindingKind{"rdma-devices-unknown", "RDMA devices could not be listed"},
    FindingKind{"tcp-addr-not-local", "tcp traddr on no local interface: bind fails with EADDRNOTAVAIL"},
    FindingKind{"port-addr-in-use", "another listener holds the same address and port (EADDRINUSE)"},
    FindingKind{"fc-target-port-missing", "fc traddr names WWNs no FC target port of the node has: ENXIO on link"},
    FindingKind{"fc-target-port-taken", "fc traddr names an FC target port another nvmet port uses: EALREADY on link"},
    FindingKind{"port-pi-unsupported", "param_pi_enable=1 on a transport without T10-PI: EINVAL on link"},
    FindingKind{"port-enabled-attr-refused", "a port attribute write was refused with EACCES because the port is enabled"},
    FindingKind{"port-not-enabled", "a port with no subsystem links: nothing listens"},
    FindingKind{"port-ok", "the port is enabled and its transport, address and device check out"},
    // Namespaces
    FindingKind{"namespace-device-missing", "device_path does not exist: enable fails with ENOENT"},
    FindingKind{"namespace-device-empty", "device_path is not set: enable fails with EINVAL"},
    FindingKind{"namespace-device-not-usable", "device_path is not a block device or regular file, or has size 0"},
    FindingKind{"namespace-device-busy", "the device is mounted or held on this machine (or enable failed with EBUSY)"},
    FindingKind{"namespace-device-denied", "opening the device was denied (EACCES): nodev mount or LSM"},
    FindingKind{"namespace-file-odirect", "a file on a filesystem without O_DIRECT and buffered_io=0: EINVAL"},
    FindingKind{"namespace-limit", "the subsystem already has 1024 namespaces (EMFILE)"},
    FindingKind{"namespace-disabled", "the namespace is disabled though its device looks usable"},
    FindingKind{"namespace-ok", "the namespace is enabled on a usable device"},
    // Subsystems and hosts
    FindingKind{"subsystem-not-exported", "the subsystem is linked to no port"},
    FindingKind{"subsystem-no-namespaces", "the subsystem has no namespaces"},
    FindingKind{"subsystem-no-hosts", "allow_any_host=0 and no allowed host: every host is refused"},
    FindingKind{"subsystem-identity-frozen", "an identity attribute cannot change after a host identified it"},
    FindingKind{"passthru-with-namespaces",
                "passthru and regular namespaces in one subsystem: the kernel enables only one kind"},
    FindingKind{"host-not-allowed", "the kernel refused a host's connect: not in allowed_hosts"},
    FindingKind{"connect-invalid-subsystem", "a host asked for a subsystem that is missing or not on that port"},
    // NVMe/TCP TLS
    FindingKind{"tls-keyring-missing", "a TLS port, but the kernel has no .nvme keyring: no host's PSK can be found"},
    FindingKind{"tls-no-handshake-daemon",
                "a TLS port, but no tlshd runs: the kernel drops every TLS connect (failed to start TLS, err=-3)"},
    FindingKind{"tls-host-without-psk", "a host allowed through a TLS port has no PSK for that subsystem in .nvme"},
    FindingKind{"tls-ok", "the TLS port has the keyring, a handshake daemon and a PSK for every allowed host"},
    // RDMA links
    FindingKind{"rdma-link-down", "an rxe/siw link is not ACTIVE"},
    FindingKind{"rdma-link-no-address", "an rxe/siw link's netdev has no IP address"},
    FindingKind{"rdma-link-orphan", "an rxe/siw link without a netdev in this namespace"},
    FindingKind{"rdma-link-conflict", "the file's rdma link clashes with an existing one"},
    FindingKind{"netdev-missing", "the file's rdma link names a netdev that does not exist"},
    // doctor FILE
    FindingKind{"file-invalid", "the file has errors (parse or validation)"},
    FindingKind{"file-warning", "the file has warnings"},
    FindingKind{"plan-error", "planning the file found an error that blocks apply"},
    FindingKind{"plan-warning", "planning the file found a warning"},
    FindingKind{"plan-failed", "the file could not be planned at all"},
    FindingKind{"drift", "the live target differs from the file (the steps apply would take)"},
    FindingKind{"no-drift", "the live target matches the file"},
    // doctor --probe: what a host on this node got (nvmetctl check)
    FindingKind{"probe-served", "a host the target allows connected, saw every namespace with its size and read it"},
    FindingKind{"probe-refused", "a host not on the allow-list was refused, as it must be"},
    FindingKind{"probe-not-allowed", "the target refused a host the file allows (not in allowed_hosts)"},
    FindingKind{"probe-open", "a host not on the allow-list was let in: the ACL is open"},
    FindingKind{"probe-auth-failed", "DH-HMAC-CHAP failed: the target and the host hold different keys"},
    FindingKind{"probe-unreachable", "nothing answered at the port's address (not listening, or a firewall drops it)"},
    FindingKind{"probe-mismatch", "the host sees other namespaces or sizes than the target declares"},
    FindingKind{"probe-io-error", "the host connects but reading a namespace fails (a failing backing device)"},
    FindingKind{"probe-not-checkable", "no host on this node can reach the port (fc, rdma without a local device)"},
    FindingKind{"probe-referral", "a referral of the port is (or is not) in its discovery log, as the target declares"},
    FindingKind{"probe-referral-not-judged", "no discovery log was read through the port, so its referrals are unjudged"},
    FindingKind{"probe-problem", "the check itself had trouble (a host module, a controller it could not remove)"},
};

}  // namespace

std::span<const FindingKind> finding_catalog() { return kCatalog; }

const FindingKind* find_finding_kind(std::string_view id) {
  auto it = std::find_if(kCatalog.begin(), kCatalog.end(), [&](const FindingKind& k) { return k.id == id; });
  return it == kCatalog.end() ? nullptr : &*it;
}

}  // namespace nvmetctl::doctor
