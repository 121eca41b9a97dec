#pragma once
// Makes the plan's steps. Each call returns the step it made, so whoever
// knows more about its undo attaches it there and then. The reference is
// valid until the next step is made.
#include <optional>
#include <string>
#include <vector>

#include "nvmetctl/model/attribute_table.h"
#include "nvmetctl/model/kernel_version.h"
#include "nvmetctl/model/target.h"
#include "nvmetctl/plan/plan.h"

namespace nvmetctl {

class StepEmitter {
 public:
  StepEmitter(Plan& plan, KernelVersion kernel) : plan_(plan), kernel_(kernel) {}

  Step& emit(ChangeKind change, Operation op, const std::string& object, std::vector<Operation> undo = {},
             std::string disruption = {});
  Step& mkdir(ChangeKind change, const std::string& dir, const std::string& object);
  // `live_attrs`: what the kernel shows before the write, which its undo
  // writes back. A write to an object this run created has none: removing
  // the object undoes it.
  Step& write(ChangeKind change, const std::string& dir, const AttributeSpec& spec, const std::string& value,
              const AttrMap* live_attrs, const std::string& object, std::string disruption = {});
  // The writes a fresh object needs: values that differ from what mkdir gives.
  void write_fresh(const std::string& dir, ObjectKind kind, const AttrMap& attrs, const std::string& object,
                   ChangeKind change = ChangeKind::Create);
  Step& link(const std::string& target, const std::string& link_path, const std::string& object, ChangeKind change);
  Step& unlink(const std::string& target, const std::string& link_path, const std::string& object, ChangeKind change,
               std::string disruption);
  // The undo recreates the object as it was read.
  Step& rmdir(ChangeKind change, ObjectKind kind, const std::string& dir, const AttrMap& live_attrs,
              const std::string& object, std::string disruption = {});
  // Moves the last write of `value` to `path` (with its undo) to the end of
  // the plan so far: a new object's enable, after writes that need it off.
  void defer_write(const std::string& path, const std::string& value);

 private:
  Plan& plan_;
  KernelVersion kernel_;
};

std::string port_object(std::uint16_t id);
std::string subsystem_object(const std::string& nqn);
std::string namespace_object(const std::string& nqn, std::uint32_t nsid);

}  // namespace nvmetctl
