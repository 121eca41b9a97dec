#pragma once
// Where each nvmet object lives under configfs.
#include <cstdint>
#include <string>

namespace nvmetctl {

class NvmetLayout {
 public:
  explicit NvmetLayout(std::string configfs_mount) : mount_(std::move(configfs_mount)) {}

  const std::string& mount() const { return mount_; }
  std::string root() const { return mount_ + "/nvmet"; }
  std::string hosts() const { return root() + "/hosts"; }
  std::string subsystems() const { return root() + "/subsystems"; }
  std::string ports() const { return root() + "/ports"; }

  std::string host(const std::string& nqn) const { return hosts() + "/" + nqn; }
  std::string subsystem(const std::string& nqn) const { return subsystems() + "/" + nqn; }
  std::string namespaces(const std::string& nqn) const { return subsystem(nqn) + "/namespaces"; }
  std::string namespace_dir(const std::string& nqn, std::uint32_t nsid) const {
    return namespaces(nqn) + "/" + std::to_string(nsid);
  }
  std::string passthru(const std::string& nqn) const { return subsystem(nqn) + "/passthru"; }
  std::string allowed_hosts(const std::string& nqn) const { return subsystem(nqn) + "/allowed_hosts"; }
  std::string allowed_host_link(const std::string& nqn, const std::string& host_nqn) const {
    return allowed_hosts(nqn) + "/" + host_nqn;
  }
  std::string port(std::uint16_t id) const { return ports() + "/" + std::to_string(id); }
  std::string port_subsystems(std::uint16_t id) const { return port(id) + "/subsystems"; }
  std::string port_link(std::uint16_t id, const std::string& nqn) const {
    return port_subsystems(id) + "/" + nqn;
  }
  std::string referrals(std::uint16_t id) const { return port(id) + "/referrals"; }
  std::string referral(std::uint16_t id, const std::string& name) const {
    return referrals(id) + "/" + name;
  }
  std::string ana_groups(std::uint16_t id) const { return port(id) + "/ana_groups"; }
  std::string ana_group(std::uint16_t id, std::uint32_t group) const {
    return ana_groups(id) + "/" + std::to_string(group);
  }

  // "subsystems/nqn/attr_serial" for messages: short, and still exact.
  std::string relative(const std::string& path) const {
    std::string prefix = root() + "/";
    return path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : path;
  }

 private:
  std::string mount_;
};

}  // namespace nvmetctl
