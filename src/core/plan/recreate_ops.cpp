#include "nvmetctl/plan/recreate_ops.h"

#include <algorithm>

namespace nvmetctl {

std::vector<Operation> restore_attribute_writes(ObjectKind kind, const std::string& dir,
                                                const AttrMap& attrs) {
  std::vector<Operation> ops;
  for (const AttributeSpec* spec : attributes_of(kind)) {
    auto it = attrs.find(spec->file);
    if (it == attrs.end()) continue;
    const std::string& value = it->second;
    if (value.empty() || is_unset_path(*spec, value)) continue;
    if (spec->fresh_default && attribute_values_equal(*spec, spec->fresh_default, value)) continue;
    std::string written = value;
    if (spec->type == ValueType::Text) {
      while (!written.empty() && written.back() == ' ') written.pop_back();  // serial padding
    }
    ops.push_back({OpKind::Write, dir + "/" + spec->file, written, {}});
  }
  return ops;
}

std::vector<Operation> recreate_ops(ObjectKind kind, const std::string& dir, const AttrMap& attrs) {
  std::vector<Operation> ops{{OpKind::Mkdir, dir, {}, {}}};
  auto writes = restore_attribute_writes(kind, dir, attrs);
  ops.insert(ops.end(), writes.begin(), writes.end());
  return ops;
}

}  // namespace nvmetctl
