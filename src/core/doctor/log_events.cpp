#include "nvmetctl/doctor/log_events.h"

#include <regex>

#include "nvmetctl/util/parse_number.h"

namespace nvmetctl::doctor {
namespace {

int to_int(const std::string& text) { return parse_number<int>(text).value_or(-1); }

// The kernel prints errors as negative numbers: "(-99)", "-98".
int errno_of(const std::string& text) {
  int n = to_int(text);
  return n < 0 ? -n : n;
}

struct Pattern {
  LogEventKind kind;
  std::regex regex;
  void (*fill)(const std::smatch&, LogEvent&);
};

const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> list = [] {
    std::vector<Pattern> p;
    auto add = [&](LogEventKind kind, const char* re, void (*fill)(const std::smatch&, LogEvent&)) {
      p.push_back({kind, std::regex(re), fill});
    };
    add(LogEventKind::TransportNotSupported, R"(nvmet: transport type (\d+) not supported)",
        [](const std::smatch& m, LogEvent& e) { e.number = to_int(m[1]); });
    add(LogEventKind::RdmaBindFailed, R"(nvmet_rdma: binding CM ID to (\S+) failed \((-?\d+)\))",
        [](const std::smatch& m, LogEvent& e) {
          split_address(m[1], e.address, e.service);
          e.errnum = errno_of(m[2]);
        });
    add(LogEventKind::RdmaListenFailed, R"(nvmet_rdma: listening to (\S+) failed \((-?\d+)\))",
        [](const std::smatch& m, LogEvent& e) {
          split_address(m[1], e.address, e.service);
          e.errnum = errno_of(m[2]);
        });
    add(LogEventKind::TcpBindFailed, R"(nvmet_tcp: failed to bind port socket (-?\d+))",
        [](const std::smatch& m, LogEvent& e) { e.errnum = errno_of(m[1]); });
    add(LogEventKind::AddressFamilyUnsupported, R"((nvmet_\w+): address family (\d+) not supported)",
        [](const std::smatch& m, LogEvent& e) {
          e.module = m[1];
          e.number = to_int(m[2]);
        });
    add(LogEventKind::MalformedAddress, R"((nvmet_\w+): malformed ip/port passed: (\S*))",
        [](const std::smatch& m, LogEvent& e) {
          e.module = m[1];
          split_address(m[2], e.address, e.service);
        });
    add(LogEventKind::PiUnsupported, R"(nvmet: T10-PI is not supported by transport type (\d+))",
        [](const std::smatch& m, LogEvent& e) { e.number = to_int(m[1]); });
    add(LogEventKind::PortEnabledRefused, R"(nvmet: Disable port '(\d+)' before changing attribute in nvmet_(\w+)_store)",
        [](const std::smatch& m, LogEvent& e) {
          e.number = to_int(m[1]);
          e.attribute = m[2];
        });
    add(LogEventKind::BlockDeviceOpenFailed, R"(nvmet: failed to open block device (.*): \((-?\d+)\))",
        [](const std::smatch& m, LogEvent& e) {
          e.path = m[1] == "(null)" ? "" : std::string(m[1]);
          e.errnum = errno_of(m[2]);
        });
    add(LogEventKind::FileOpenFailed, R"(nvmet: failed to open file (.*): \((-?\d+)\))",
        [](const std::smatch& m, LogEvent& e) {
          e.path = m[1];
          e.errnum = errno_of(m[2]);
        });
    add(LogEventKind::SymbolClash, R"(^(\w+): exports duplicate symbol (\S+) \(owned by (\S+)\))",
        [](const std::smatch& m, LogEvent& e) {
          e.module = m[1];
          e.symbol = m[2];
          e.detail = m[3];
        });
    add(LogEventKind::SymbolClash, R"(^(\w+): disagrees about version of symbol (\S+))",
        [](const std::smatch& m, LogEvent& e) {
          e.module = m[1];
          e.symbol = m[2];
          e.detail = "disagrees about version";
        });
    add(LogEventKind::SymbolClash, R"(^(\w+): Unknown symbol (\S+))",
        [](const std::smatch& m, LogEvent& e) {
          e.module = m[1];
          e.symbol = m[2];
          e.detail = "unknown symbol";
        });
    add(LogEventKind::SymbolClash, R"(^(\w+): no symbol version for (\S+))",
        [](const std::smatch& m, LogEvent& e) {
          e.module = m[1];
          e.symbol = m[2];
          e.detail = "no symbol version";
        });
    add(LogEventKind::ModuleSignatureRejected, R"(Loading of (.+) is rejected)",
        [](const std::smatch& m, LogEvent& e) { e.detail = m[1]; });
    add(LogEventKind::ModuleSignatureRejected, R"(Lockdown: ([^:]+): unsigned module loading is restricted)",
        [](const std::smatch& m, LogEvent& e) { e.detail = "lockdown (" + std::string(m[1]) + ")"; });
    add(LogEventKind::HostNotAllowed, R"(nvmet: connect by host (\S+) for subsystem (\S+) not allowed)",
        [](const std::smatch& m, LogEvent& e) {
          e.detail = m[1];
          e.subsystem = m[2];
        });
    add(LogEventKind::InvalidSubsystem, R"(nvmet: connect request for invalid subsystem (\S+?)!?$)",
        [](const std::smatch& m, LogEvent& e) { e.subsystem = m[1]; });
    add(LogEventKind::IdentityFrozen, R"(nvmet: Can't set ([\w ]+?)\. .* is already assigned)",
        [](const std::smatch& m, LogEvent& e) { e.attribute = m[1]; });
    add(LogEventKind::DebugfsFailed, R"(nvmet: failed to create debugfs directory)",
        [](const std::smatch&, LogEvent&) {});
    add(LogEventKind::PassthruConflict, R"(nvmet: cannot enable both passthru and regular namespaces)",
        [](const std::smatch&, LogEvent&) {});
    add(LogEventKind::TlsNotStarted, R"(nvmet_tcp: failed to start TLS, err=(-?\d+))",
        [](const std::smatch& m, LogEvent& e) { e.errnum = errno_of(m[1]); });
    return p;
  }();
  return list;
}

}  // namespace

void split_address(const std::string& text, std::string& address, std::string& service) {
  auto colon = text.find_last_of(':');
  if (colon == std::string::npos) {
    address = text;
    service.clear();
    return;
  }
  address = text.substr(0, colon);
  service = text.substr(colon + 1);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
}

std::vector<LogEvent> parse_log_events(const std::vector<KernelLogLine>& lines) {
  std::vector<LogEvent> events;
  for (const auto& line : lines) {
    // Cheap filter first: most lines are about something else entirely.
    // std::regex recurses per character, so only what fits one /dev/kmsg
    // read (KernelLog's 8 KiB buffer) is matched; a kernel record is ~1 KiB.
    const std::string& t = line.text;
    if (t.size() > 8192) continue;
    if (t.find("nvmet") == std::string::npos && t.find("symbol") == std::string::npos &&
        t.find("is rejected") == std::string::npos && t.find("Lockdown") == std::string::npos)
      continue;
    for (const auto& pattern : patterns()) {
      std::smatch m;
      if (!std::regex_search(t, m, pattern.regex)) continue;
      LogEvent event;
      event.kind = pattern.kind;
      event.line = line;
      pattern.fill(m, event);
      events.push_back(std::move(event));
      break;
    }
  }
  return events;
}

}  // namespace nvmetctl::doctor
