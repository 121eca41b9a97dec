#include "nvmetctl/model/target.h"

#include <algorithm>

namespace nvmetctl {
namespace {
template <class Range, class Pred>
auto find_in(const Range& range, Pred pred) -> decltype(&*range.begin()) {
  auto it = std::find_if(range.begin(), range.end(), pred);
  return it == range.end() ? nullptr : &*it;
}
}  // namespace

std::string attr_value(const AttrMap& attrs, const std::string& file) {
  auto it = attrs.find(file);
  return it == attrs.end() ? std::string() : it->second;
}

SourceLocation attr_location(const AttrLocations& where, const std::string& file, const SourceLocation& fallback) {
  auto it = where.find(file);
  return it == where.end() ? fallback : it->second;
}

bool Subsystem::passthru_enabled() const { return passthru && attr_value(passthru->attrs, "enable") == "1"; }

const Namespace* Subsystem::find_namespace(std::uint32_t id) const {
  return find_in(namespaces, [&](const Namespace& ns) { return ns.nsid == id; });
}
const Referral* Port::find_referral(const std::string& name) const {
  return find_in(referrals, [&](const Referral& r) { return r.name == name; });
}
const AnaGroup* Port::find_ana_group(std::uint32_t group) const {
  return find_in(ana_groups, [&](const AnaGroup& g) { return g.id == group; });
}
const Host* Target::find_host(const std::string& nqn) const {
  return find_in(hosts, [&](const Host& h) { return h.nqn == nqn; });
}
const Subsystem* Target::find_subsystem(const std::string& nqn) const {
  return find_in(subsystems, [&](const Subsystem& s) { return s.nqn == nqn; });
}
const Port* Target::find_port(std::uint16_t id) const {
  return find_in(ports, [&](const Port& p) { return p.id == id; });
}
const RdmaLink* Target::find_rdma_link(const std::string& name) const {
  return find_in(rdma_links, [&](const RdmaLink& l) { return l.name == name; });
}

}  // namespace nvmetctl
