#include "nvmetctl/plan/plan.h"

#include <map>

namespace nvmetctl {

const char* op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::Mkdir: return "mkdir";
    case OpKind::Rmdir: return "rmdir";
    case OpKind::Write: return "write";
    case OpKind::Symlink: return "link";
    case OpKind::Unlink: return "unlink";
    case OpKind::MountConfigfs: return "mount";
    case OpKind::LoadModule: return "load module";
    case OpKind::UnloadModule: return "unload module";
    case OpKind::AddRdmaLink: return "add rdma link";
    case OpKind::RemoveRdmaLink: return "remove rdma link";
    case OpKind::AddTlsKey: return "add tls key";
    case OpKind::RemoveTlsKey: return "remove tls key";
    case OpKind::RelinkTlsKey: return "relink tls key";
  }
  return "?";
}

const char* change_symbol(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::Create: return "+";
    case ChangeKind::Update: return "~";
    case ChangeKind::Replace: return "-/+";
    case ChangeKind::Remove: return "-";
  }
  return "?";
}

int Plan::configfs_mutations() const {
  int count = 0;
  for (const auto& step : steps)
    if (step.op.touches_configfs()) ++count;
  return count;
}

Plan::Summary Plan::summary() const {
  // An object counts once, under the strongest change any of its steps makes.
  std::map<std::string, ChangeKind> per_object;
  auto rank = [](ChangeKind k) {
    switch (k) {
      case ChangeKind::Update: return 0;
      case ChangeKind::Create: return 1;
      case ChangeKind::Remove: return 2;
      case ChangeKind::Replace: return 3;
    }
    return 0;
  };
  for (const auto& step : steps) {
    auto [it, inserted] = per_object.emplace(step.object, step.change);
    if (!inserted && rank(step.change) > rank(it->second)) it->second = step.change;
  }
  Summary s;
  for (const auto& [object, kind] : per_object) {
    switch (kind) {
      case ChangeKind::Create: ++s.create; break;
      case ChangeKind::Update: ++s.update; break;
      case ChangeKind::Replace: ++s.replace; break;
      case ChangeKind::Remove: ++s.remove; break;
    }
  }
  return s;
}

}  // namespace nvmetctl
