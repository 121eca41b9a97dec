#pragma once
// doctor --probe: what `check` found, as findings with the cause and the
// fix: the kernel's words on a refused or failed authentication, the
// firewall rule that drops an unreachable port, the device that fails reads.
#include <optional>
#include <string>

#include "nvmetctl/check/check_report.h"
#include "nvmetctl/doctor/finding.h"
#include "nvmetctl/net/firewall_rules.h"

namespace nvmetctl::doctor {

struct ProbeEvidence {
  std::string configfs_nvmet;  // <configfs>/nvmet, for pasteable fixes
  std::string file;            // the target file, "" for the live target
  // The node's firewall, read when a tcp port was unreachable; nullopt when
  // it could not be read (then `firewall_error` says why).
  std::optional<FirewallRuleset> firewall;
  std::string firewall_error;
};

void add_probe_findings(const CheckReport& report, const ProbeEvidence& evidence, Findings& out);

}  // namespace nvmetctl::doctor
