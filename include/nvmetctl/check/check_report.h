#pragma once
// What `check` found: one result per (port, subsystem, host), each with a
// verdict, whether that is what the target promises, and the cause.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nvmetctl/check/probe_plan.h"

namespace nvmetctl {

enum class Verdict {
  Served,        // connected, every declared namespace seen with its size and read
  Refused,       // the target refused the connect (the ACL)
  AuthFailed,    // refused during DH-HMAC-CHAP
  Unreachable,   // nothing answered at the port's address
  Mismatch,      // connected, but what the host sees is not what the target declares
  IoError,       // connected, but a namespace's first block could not be read
  Open,          // a host that is not on the allow-list was let in
  NotCheckable,  // no host on this node can reach the port
};

std::string to_string(Verdict verdict);

struct NamespaceSeen {
  std::uint32_t nsid = 0;
  std::optional<std::uint64_t> expected_bytes;  // what the device holds (rounded to the host's block size)
  std::optional<std::uint64_t> seen_bytes;      // what the host sees
  std::string block_device;
  std::string problem;  // "" when served
};

struct ProbeResult {
  Probe probe;
  Verdict verdict = Verdict::Served;
  std::string cause;  // why, for anything but a plain served/refused
  bool discovered = false;  // the port's discovery log lists the subsystem for this host
  std::string controller;   // the probe's controller while it existed
  std::vector<NamespaceSeen> namespaces;
  std::vector<std::string> kernel_log;  // lines the kernel printed for a failed connect

  // What the target promises: served for an allowed host, refused for a
  // foreign one; not-checkable is not a failure.
  bool as_promised() const;
};

// A referral as the port's discovery log shows it, read once per port.
struct ReferralSeen {
  std::uint16_t port_id = 0;
  ExpectedReferral referral;
  bool listed = false;
  // No discovery log was read through the port (every probe of it refused,
  // unreachable or not checkable): like a not-checkable probe, no failure.
  bool judged = true;
  bool as_promised() const { return !judged || listed == referral.enabled; }
};

struct CheckReport {
  std::vector<ProbeResult> results;
  std::vector<ReferralSeen> referrals;
  std::vector<std::string> modules_loaded;    // host-side modules this check loaded...
  std::vector<std::string> modules_unloaded;  // ...and unloaded again
  std::vector<std::string> problems;          // the check's own trouble (a module, a leftover controller)

  bool passed() const;  // every result and referral as promised and no problem
  std::size_t count(Verdict verdict) const;
  // "port 1 subsystem nqn... host nqn...: refused: ..." for every result not as promised.
  std::vector<std::string> failures() const;
};

nlohmann::json to_json(const CheckReport& report);
// One line per result, then the modules and a summary.
std::string render_text(const CheckReport& report);

}  // namespace nvmetctl
