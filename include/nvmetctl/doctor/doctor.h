#pragma once
// nvmetctl doctor: what an expert would check when configfs says no.
//
// Everything the checks look at is gathered first into DoctorInputs (live
// configfs, kernel log, module states, RDMA devices, network, backing
// devices, privileges, and optionally a target file with its plan); each
// check is then a pure function of those inputs, so tests feed fakes.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nvmetctl/config/diagnostic.h"
#include "nvmetctl/doctor/finding.h"
#include "nvmetctl/doctor/log_events.h"
#include "nvmetctl/engine/journal.h"
#include "nvmetctl/kernel/kernel_log.h"
#include "nvmetctl/kernel/module_failure.h"
#include "nvmetctl/kernel/module_loader.h"
#include "nvmetctl/model/kernel_version.h"
#include "nvmetctl/model/target.h"
#include "nvmetctl/net/network_info.h"
#include "nvmetctl/net/tcp_sockets.h"
#include "nvmetctl/plan/operation.h"
#include "nvmetctl/plan/plan.h"
#include "nvmetctl/rdma/rdma_device.h"
#include "nvmetctl/configfs/live_state.h"
#include "nvmetctl/system_paths.h"

namespace nvmetctl {
struct EngineContext;
}

namespace nvmetctl::doctor {

// What a namespace's device_path points at.
struct DeviceFacts {
  bool exists = false;
  int stat_errno = 0;                   // errno of stat() when !exists
  bool block = false;
  bool regular = false;
  bool directory = false;
  std::uint64_t size = 0;               // bytes; block devices from sysfs
  std::string filesystem;               // for regular files: "tmpfs", "ext4"...
  std::vector<std::string> mounted_at;  // a block device mounted here
  std::vector<std::string> holders;     // <sysfs>/class/block/X/holders (dm, md)
};

struct Privileges {
  bool root = true;           // effective uid 0
  bool cap_sys_admin = true;  // configfs mkdir/write/symlink need it
};

struct DoctorInputs {
  SystemPaths paths;
  std::string kernel_release;
  KernelVersion kernel_version;

  Privileges privileges;

  bool configfs_dir = true;       // <configfs> exists (configfs module loaded)
  bool configfs_mounted = false;  // configfs is mounted there
  std::optional<LiveState> live;  // nullopt when configfs could not be read
  std::string live_error;

  // A crash journal whose run is gone (SIGKILL, OOM kill in the middle).
  std::optional<JournalRecord> interrupted_run;
  std::string journal_error;  // the journal exists but cannot be read

  bool kernel_log_available = true;
  std::vector<KernelLogLine> kernel_log;

  std::map<std::string, ModuleState> modules;  // by the name asked, e.g. "nvmet-rdma"
  ModuleEnvironment module_env;
  bool ofed_loaded = false;  // an out-of-tree RDMA stack (mlx_compat) is in the kernel

  std::optional<std::vector<RdmaDevice>> rdma_devices;  // nullopt: could not list
  std::string rdma_error;
  NetworkInfo* network = nullptr;  // null: network facts unknown

  std::map<std::string, DeviceFacts> devices;  // every device_path named, by path

  // <proc>/net/tcp{,6}, and "name (pid N)" for each process listener on a
  // trsvcid some tcp port uses (by socket inode).
  std::vector<TcpSocket> tcp_sockets;
  SocketHolders socket_holders;

  // NVMe/TCP TLS, gathered only when a port has tsas tls1.3: the .nvme
  // keyring's psk identities (never the keys) and the handshake daemons.
  struct TlsFacts {
    bool keyring = false;
    std::string keyring_error;             // the keyring exists but cannot be listed
    std::set<std::string> psk_identities;  // "NVMe0R01 <host> <subsystem>"
    std::vector<std::string> handshake_daemons;  // "tlshd (pid N)"
  };
  std::optional<TlsFacts> tls;

  // doctor FILE: the pre-flight.
  std::string file;
  std::optional<Target> desired;   // parsed and valid
  Diagnostics file_problems;       // parse/validation diagnostics
  std::optional<Plan> plan;        // make_full_plan's plan for the file
  std::string plan_error;          // why there is no plan
};

// The checks, each adding its findings. run_checks calls them all in order.
void check_privileges(const DoctorInputs& in, Findings& out);
void check_configfs(const DoctorInputs& in, Findings& out);
void check_kernel_log_access(const DoctorInputs& in, Findings& out);
void check_interrupted_run(const DoctorInputs& in, Findings& out);
void check_modules(const DoctorInputs& in, Findings& out);
void check_module_log(const DoctorInputs& in, Findings& out);  // symbol clash, signatures
void check_ports(const DoctorInputs& in, Findings& out);
void check_namespaces(const DoctorInputs& in, Findings& out);
void check_subsystems(const DoctorInputs& in, Findings& out);
void check_rdma_links(const DoctorInputs& in, Findings& out);
void check_connect_log(const DoctorInputs& in, Findings& out);  // hosts refused
void check_tls(const DoctorInputs& in, Findings& out);          // keyring, tlshd, hosts' PSKs
void check_file(const DoctorInputs& in, Findings& out);         // pre-flight + drift

Findings run_checks(const DoctorInputs& in);

// Gathers the inputs from the real system behind the engine's interfaces.
// `file` may be empty (live checks only).
DoctorInputs gather_inputs(EngineContext& ctx, const std::string& file);

// What the system says about one device path (stat, mounts, sysfs holders).
DeviceFacts probe_device(const SystemPaths& paths, const std::string& path);

// Diagnosis of one refused operation (apply's failed step): the same ids,
// causes and fixes the doctor uses. `network` and `rdma_devices` may be null.
// An empty id means the failure is not one the doctor knows.
// `paths` locates the module environment for a refused module load.
Finding diagnose_failed_operation(const Operation& op, const SysError& error,
                                  const std::vector<KernelLogLine>& log, NetworkInfo* network = nullptr,
                                  const std::vector<RdmaDevice>* rdma_devices = nullptr,
                                  const SystemPaths& paths = SystemPaths{});

// Human report: grouped by object, failures first; `verbose` shows ok findings.
std::string format_findings(const Findings& findings, bool verbose);

}  // namespace nvmetctl::doctor
