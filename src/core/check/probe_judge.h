#pragma once
// Judges one probe: discovery, connect, what the controller shows, a read
// from each namespace, and the controller taken down again.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "nvmetctl/check/check_runner.h"

namespace nvmetctl {

class ProbeJudge {
 public:
  ProbeJudge(CheckEnvironment& env, CheckReport& report) : env_(env), report_(report) {}
  ProbeResult judge(const Probe& probe);
  // After every probe: the referrals of ports no discovery log was read for.
  void note_unjudged_referrals(const std::vector<Probe>& probes);

 private:
  struct Discovery {
    bool ok = false;
    std::vector<DiscoveryRecord> records;
    SysError error;
    std::vector<std::string> kernel_lines;
  };
  const Discovery& discovery(const Probe& probe);
  void judge_served(ProbeResult& result);
  void judge_refused(ProbeResult& result);
  void judge_referrals(const Probe& probe, const std::vector<DiscoveryRecord>* records);
  void compare_namespaces(ProbeResult& result, const ProbeController& controller);
  void take_down(ProbeResult& result);
  std::vector<std::string> kernel_lines();

  CheckEnvironment& env_;
  CheckReport& report_;
  std::map<std::string, Discovery> discoveries_;  // per address and host
  std::set<std::uint16_t> referral_ports_;         // ports whose referrals are judged
};

}  // namespace nvmetctl
