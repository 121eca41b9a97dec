#pragma once
// The kernel log lines the doctor understands, parsed into the objects they
// name: a port id, an ip:port, a device path, a module, a subsystem.
#include <string>
#include <vector>

#include "nvmetctl/kernel/kernel_log.h"

namespace nvmetctl::doctor {

enum class LogEventKind {
  TransportNotSupported,    // nvmet: transport type N not supported
  RdmaBindFailed,           // nvmet_rdma: binding CM ID to IP:PORT failed (-E)
  RdmaListenFailed,         // nvmet_rdma: listening to IP:PORT failed (-E)
  TcpBindFailed,            // nvmet_tcp: failed to bind port socket -E
  AddressFamilyUnsupported, // nvmet_tcp: address family N not supported
  MalformedAddress,         // nvmet_tcp: malformed ip/port passed: A:S
  PiUnsupported,            // nvmet: T10-PI is not supported by transport type N
  PortEnabledRefused,       // nvmet: Disable port 'N' before changing attribute in nvmet_X_store
  BlockDeviceOpenFailed,    // nvmet: failed to open block device PATH: (-E)
  FileOpenFailed,           // nvmet: failed to open file PATH: (-E)
  SymbolClash,              // MOD: exports duplicate symbol / disagrees about version / Unknown symbol
  ModuleSignatureRejected,  // Loading of unsigned module is rejected; Lockdown: ... restricted
  HostNotAllowed,           // nvmet: connect by host H for subsystem S not allowed
  InvalidSubsystem,         // nvmet: connect request for invalid subsystem S!
  IdentityFrozen,           // nvmet: Can't set serial number. X is already assigned
  DebugfsFailed,            // nvmet: failed to create debugfs directory
  PassthruConflict,         // nvmet: cannot enable both passthru and regular namespaces for a single subsystem
  TlsNotStarted,            // nvmet_tcp: failed to start TLS, err=-E (-3: no handshake daemon)
};

struct LogEvent {
  LogEventKind kind = LogEventKind::TransportNotSupported;
  KernelLogLine line;
  int number = -1;          // transport type, port id, address family
  int errnum = 0;           // positive errno the kernel printed as -E
  std::string address;      // ip from "IP:PORT"
  std::string service;      // port from "IP:PORT"
  std::string path;         // device path; "" for "(null)"
  std::string attribute;    // configfs attribute: "addr_traddr"
  std::string module;       // module the loader complained about
  std::string symbol;
  std::string detail;       // owner module, signature reason, host NQN...
  std::string subsystem;
};

std::vector<LogEvent> parse_log_events(const std::vector<KernelLogLine>& lines);

// "ipaddr:port" split at the last colon (IPv6 addresses are printed bare).
void split_address(const std::string& text, std::string& address, std::string& service);

}  // namespace nvmetctl::doctor
