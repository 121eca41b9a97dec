#pragma once
// What nvmetctl knows about each configfs attribute: its key in the file, its
// type, the kernel that introduced it, when the kernel lets it change, and the
// value a freshly created object starts with.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nvmetctl/model/kernel_version.h"

namespace nvmetctl {

enum class ObjectKind { Host, Subsystem, Namespace, Passthru, Port, Referral, AnaGroup };

enum class ValueType {
  Bool,     // YAML boolean, written 1/0
  UInt,     // decimal, within [min, max]
  Int,      // signed decimal, within [min, max]
  Hex,      // integer written as 0x%06x (ieee_oui)
  Text,     // printable ASCII, at most max bytes
  Path,     // absolute path
  Enum,     // one of choices
  Uuid,     // 8-4-4-4-12 hex
  Nguid,    // 16 bytes hex, shown 8-4-4-4-12
  Version,  // M.m or M.m.t
  Secret,   // content of a key file, never shown
};

enum class Mutability {
  Anytime,
  WhilePortDisabled,      // the kernel answers EACCES while the port has links
  WhileNamespaceDisabled, // EBUSY/EINVAL while enable=1
  WhileReferralDisabled,
  UntilDiscovered,        // frozen once a host identified the subsystem
};

struct AttributeSpec {
  ObjectKind kind;
  const char* key;    // YAML key
  const char* file;   // configfs attribute file
  ValueType type;
  long long min = 0;
  long long max = 0;
  std::vector<std::string> choices;
  KernelVersion since{6, 1};
  Mutability mutability = Mutability::Anytime;
  const char* fresh_default = nullptr;  // value after mkdir, when fixed
  bool kernel_rewrites = false;         // port params the kernel replaces on enable
  bool drops_controllers = false;       // qid_max: any write resets every controller
  const char* needs_config = nullptr;   // kernel option the attribute depends on
};

std::span<const AttributeSpec> attribute_table();
const AttributeSpec* find_attribute_by_key(ObjectKind kind, const std::string& key);
const AttributeSpec* find_attribute_by_file(ObjectKind kind, const std::string& file);
// In table order, which is write order.
std::span<const AttributeSpec* const> attributes_of(ObjectKind kind);
const char* object_kind_name(ObjectKind kind);

// Canonical comparison: the kernel pads serials, prints uuids in one case, etc.
bool attribute_values_equal(const AttributeSpec& spec, std::string_view desired, std::string_view live);

// The kernel shows an unset device path as "(null)"; no write can set that
// again. Any other attribute's "(null)" is a value like another.
bool is_unset_path(const AttributeSpec& spec, const std::string& value);

// An attribute file the table does not know (a newer kernel's): the file
// declares it under `extra_attributes:` and export keeps it there. It is
// compared and written as the kernel shows it, with no rule of nvmetctl's.
bool is_extra_attribute(ObjectKind kind, const std::string& file);
// Its name as configfs could have it: [a-z][a-z0-9_]*, at most 64 bytes.
bool is_attribute_file_name(const std::string& file);

// The order attributes of one object must be written in: trtype before tsas
// before treq, identity before anything that could expose the subsystem.
int attribute_write_rank(const AttributeSpec& spec);

}  // namespace nvmetctl
