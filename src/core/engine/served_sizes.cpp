#include "nvmetctl/engine/served_sizes.h"

#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "nvmetctl/configfs/nvmet_layout.h"
#include "nvmetctl/model/target_index.h"
#include "nvmetctl/status/status_sources.h"
#include "nvmetctl/util/durable_file.h"
#include "nvmetctl/util/json_text.h"
#include "nvmetctl/util/text_file.h"

namespace nvmetctl {
namespace {

bool enabled_on_device(const Namespace& ns) {
  return attr_value(ns.attrs, "enable") == "1" && !attr_value(ns.attrs, "device_path").empty();
}

// The namespaces whose served size `applied` set afresh: made, enabled,
// given another device, or revalidated. One pass over the steps (a cold
// apply at 1024x4 has tens of thousands), then one lookup per namespace.
std::set<NamespaceKey> resized_by(const Plan& applied, const Target& desired, const NvmetLayout& layout) {
  std::unordered_set<std::string_view> touched_dirs;  // views into the plan's paths, no copies
  touched_dirs.reserve(applied.steps.size());
  for (const Step& step : applied.steps) {
    std::string_view path = step.op.path;
    if (step.op.kind == OpKind::Mkdir) touched_dirs.insert(path);
    if (step.op.kind == OpKind::Write) touched_dirs.insert(path.substr(0, path.rfind('/')));
  }
  std::set<NamespaceKey> out;
  for (const Subsystem& s : desired.subsystems)
    for (const Namespace& ns : s.namespaces)
      if (touched_dirs.count(layout.namespace_dir(s.nqn, ns.nsid))) out.insert({s.nqn, ns.nsid});
  return out;
}

// Many namespaces may share one backing device (or file): its size is read
// once a pass (stat, then sysfs), not once a namespace. Never kept between
// passes: the size may have changed in between, which is what is checked.
class DeviceSizes {
 public:
  explicit DeviceSizes(const SystemPaths& paths) : paths_(paths) {}
  std::optional<std::uint64_t> of(const std::string& device) {
    auto [it, fresh] = sizes_.try_emplace(device);
    if (fresh) it->second = backing_device_size(device, paths_);
    return it->second;
  }

 private:
  const SystemPaths& paths_;
  std::map<std::string, std::optional<std::uint64_t>> sizes_;
};

}  // namespace

std::string served_sizes_path(const SystemPaths& paths) { return paths.run_dir + "/served-sizes.json"; }

ServedSizes load_served_sizes(const SystemPaths& paths) {
  ServedSizes out;
  auto text = read_text_file(served_sizes_path(paths), 64 * 1024 * 1024);
  if (!text) return out;
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (!doc.is_array()) return out;
  for (const auto& entry : doc) {
    if (!entry.is_object()) continue;
    auto nqn = entry.find("nqn"), nsid = entry.find("nsid"), device = entry.find("device"), bytes = entry.find("bytes");
    if (nqn == entry.end() || !nqn->is_string() || nsid == entry.end() || !nsid->is_number_unsigned() ||
        device == entry.end() || !device->is_string() || bytes == entry.end() || !bytes->is_number_unsigned() ||
        nsid->get<std::uint64_t>() > UINT32_MAX)
      continue;
    out[{nqn->get<std::string>(), nsid->get<std::uint32_t>()}] = {device->get<std::string>(),
                                                                  bytes->get<std::uint64_t>()};
  }
  return out;
}

std::map<NamespaceKey, NamespaceGrowth> find_resized_namespaces(const Target& desired, const Target& live,
                                                                const ServedSizes& served, const SystemPaths& paths) {
  std::map<NamespaceKey, NamespaceGrowth> out;
  if (served.empty()) return out;
  DeviceSizes sizes(paths);
  const TargetIndex live_index(live);
  for (const Subsystem& s : desired.subsystems) {
    const Subsystem* live_s = live_index.subsystem(s.nqn);
    if (!live_s) continue;
    for (const Namespace& ns : s.namespaces) {
      const Namespace* live_ns = live_s->find_namespace(ns.nsid);
      if (!live_ns || !enabled_on_device(*live_ns)) continue;
      auto record = served.find({s.nqn, ns.nsid});
      std::string device = attr_value(live_ns->attrs, "device_path");
      if (record == served.end() || record->second.device != device) continue;
      auto now = sizes.of(device);
      if (now && *now != record->second.bytes) out[{s.nqn, ns.nsid}] = {record->second.bytes, *now};
    }
  }
  return out;
}

ServedSizes sizes_after_apply(const Target& desired, const Plan& applied,
                              const std::function<const ServedSizes&()>& recorded, const SystemPaths& paths) {
  ServedSizes out;
  DeviceSizes sizes(paths);
  std::set<NamespaceKey> fresh = resized_by(applied, desired, NvmetLayout(paths.configfs));
  for (const Subsystem& s : desired.subsystems)
    for (const Namespace& ns : s.namespaces) {
      if (!enabled_on_device(ns)) continue;
      NamespaceKey key{s.nqn, ns.nsid};
      std::string device = attr_value(ns.attrs, "device_path");
      if (!fresh.count(key)) {
        const ServedSizes& before = recorded();
        if (auto kept = before.find(key); kept != before.end() && kept->second.device == device) {
          out[key] = kept->second;
          continue;
        }
      }
      if (auto bytes = sizes.of(device)) out[key] = {device, *bytes};
    }
  return out;
}

Expected<void> save_served_sizes(const ServedSizes& sizes, const SystemPaths& paths) {
  // Written as text (util/json_text): a cold apply at 1024x4 records 4096
  // namespaces (issue 16).
  std::string text = "[";
  for (const auto& [key, size] : sizes) {
    if (text.size() > 1) text += ',';
    text += R"({"nqn":)";
    append_json_string(text, key.first);
    text += R"(,"nsid":)" + std::to_string(key.second) + R"(,"device":)";
    append_json_string(text, size.device);
    text += R"(,"bytes":)" + std::to_string(size.bytes) + "}";
  }
  text += "]\n";
  if (auto dir = ensure_private_dir(paths.run_dir, 0700); !dir) return dir;
  return write_file_atomically(served_sizes_path(paths), text, 0600);
}

}  // namespace nvmetctl
