#pragma once
// In-memory RdmaLinks for tests. Enforces the kernel's rules that matter to
// callers (one link per netdev and type, netdev must exist, unique names,
// hardware devices cannot be deleted) with the real error texts.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "nvmetctl/rdma/rdma_links.h"
#include "scheduled_faults.h"

namespace nvmetctl {

class FakeRdmaLinks final : public RdmaLinks {
 public:
  FakeRdmaLinks& add_netdev(const std::string& netdev);
  // A device the fake did not create, e.g. a "mlx5_0" RoCE NIC.
  FakeRdmaLinks& add_hardware_device(const std::string& name, const std::string& protocol,
                                     const std::string& netdev);
  // Link types whose module is "missing": add() fails with EINVAL as the
  // kernel does when rdma_rxe/siw cannot be loaded.
  FakeRdmaLinks& make_type_unavailable(const std::string& type);
  // A later call of that operation ("list", "add", "remove") fails: the
  // next one, or the one after `skip` calls that go through.
  FakeRdmaLinks& fail_next(const std::string& operation, int errnum, int skip = 0);

  Expected<std::vector<RdmaDevice>> list() override;
  Expected<void> add(const std::string& name, const std::string& type,
                     const std::string& netdev) override;
  Expected<void> remove(const std::string& name) override;

  // "list", "add rxe0 rxe eth0", "remove rxe0", in call order.
  const std::vector<std::string>& calls() const { return calls_; }
  const std::vector<RdmaDevice>& devices() const { return devices_; }

 private:
  bool take_failure(const std::string& operation, int& errnum);

  std::set<std::string> netdevs_;
  std::set<std::string> unavailable_types_;
  ScheduledFaults faults_;
  std::vector<RdmaDevice> devices_;
  std::vector<std::string> calls_;
  std::uint32_t next_index_ = 1;
};

}  // namespace nvmetctl
