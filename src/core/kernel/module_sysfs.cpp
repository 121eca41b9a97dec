#include "module_sysfs.h"

#include <cstdlib>

#include "nvmetctl/util/parse_number.h"
#include "nvmetctl/util/sys_files.h"

namespace nvmetctl::module_sysfs {

Presence presence(const SystemPaths& paths, const std::string& kernel_name) {
  const std::string dir = paths.sysfs + "/module/" + kernel_name;
  if (kernel_name.empty() || kernel_name.find('/') != std::string::npos) return Presence::Absent;
  if (sys_files::exists(dir + "/initstate")) return Presence::Loadable;
  if (sys_files::exists(dir)) return Presence::BuiltIn;
  return Presence::Absent;
}

Usage usage(const SystemPaths& paths, const std::string& kernel_name) {
  const std::string dir = paths.sysfs + "/module/" + kernel_name;
  Usage result;
  if (auto refcnt = sys_files::read_trimmed(dir + "/refcnt"); refcnt && !refcnt->empty())
    result.refcount = parse_number<int>(*refcnt).value_or(0);
  result.holders = sys_files::list_dir(dir + "/holders");
  return result;
}

std::string describe_in_use(const Usage& usage) {
  std::string text = "in use";
  if (!usage.holders.empty()) {
    text += " by ";
    for (std::size_t i = 0; i < usage.holders.size(); ++i)
      text += (i == 0 ? "" : ", ") + usage.holders[i];
  }
  if (usage.refcount > 0) text += " (reference count " + std::to_string(usage.refcount) + ")";
  return text;
}

}  // namespace nvmetctl::module_sysfs
