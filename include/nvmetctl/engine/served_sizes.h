#pragma once
// The size the kernel serves an enabled namespace with is in no configfs
// file: nvmet reads its device's size when the namespace is enabled, and
// again only when revalidate_size is written. nvmetctl records that size
// after each apply, in run_dir (tmpfs: the record lives exactly as long as
// the kernel's state), so a device that grew since (LVM extend, zvol
// resize, losetup -c, a file grown) shows in the plan as a revalidate_size
// write, and hosts see the new size without reconnecting.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "nvmetctl/configfs/live_state.h"
#include "nvmetctl/expected.h"
#include "nvmetctl/model/target.h"
#include "nvmetctl/plan/plan.h"
#include "nvmetctl/system_paths.h"

namespace nvmetctl {

struct ServedSize {
  std::string device;
  std::uint64_t bytes = 0;
  bool operator==(const ServedSize&) const = default;
};
using ServedSizes = std::map<NamespaceKey, ServedSize>;

std::string served_sizes_path(const SystemPaths& paths);
// Missing or unreadable: empty (nothing known, nothing to revalidate).
ServedSizes load_served_sizes(const SystemPaths& paths);

// The namespaces the file keeps enabled on the device the kernel has,
// whose device is now larger or smaller than the recorded size.
std::map<NamespaceKey, NamespaceGrowth> find_resized_namespaces(const Target& desired, const Target& live,
                                                                const ServedSizes& served, const SystemPaths& paths);

// After a successful apply: the file's enabled namespaces, each with the
// recorded size kept unless `applied` enabled, moved or revalidated it (or
// none was recorded), then with its device's size now. `recorded` is asked
// only for a namespace the run did not set afresh: after a cold apply the
// record is never read.
ServedSizes sizes_after_apply(const Target& desired, const Plan& applied,
                              const std::function<const ServedSizes&()>& recorded, const SystemPaths& paths);
Expected<void> save_served_sizes(const ServedSizes& sizes, const SystemPaths& paths);

}  // namespace nvmetctl
