#include "nvmetctl/model/attribute_table.h"
#include "planning.h"

namespace nvmetctl {

void plan_host(Planning& p, const Host& desired) {
  const Host* live = p.outcome.live_host(desired.nqn);
  std::string object = "host " + desired.nqn;
  std::string dir = p.layout.host(desired.nqn);
  if (!live) {
    p.steps.mkdir(ChangeKind::Create, dir, object);
    p.steps.write_fresh(dir, ObjectKind::Host, desired.attrs, object);
    return;
  }
  for (const AttributeSpec* spec : attributes_of(ObjectKind::Host)) {
    auto it = desired.attrs.find(spec->file);
    if (it != desired.attrs.end() && attribute_differs(*spec, it->second, live->attrs))
      p.steps.write(ChangeKind::Update, dir, *spec, it->second, &live->attrs, object,
                    spec->type == ValueType::Secret ? "applies at each host's next authentication" : "");
  }
}

}  // namespace nvmetctl
