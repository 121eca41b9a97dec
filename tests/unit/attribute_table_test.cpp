// The lookups every plan and export make per attribute: each kind's
// attributes in table (write) order, and each found by its file and key.
#include <gtest/gtest.h>

#include <set>

#include "nvmetctl/model/attribute_table.h"

namespace nvmetctl {
namespace {

constexpr ObjectKind kKinds[] = {ObjectKind::Host, ObjectKind::Subsystem, ObjectKind::Namespace, ObjectKind::Passthru,
                                 ObjectKind::Port, ObjectKind::Referral,  ObjectKind::AnaGroup};

TEST(AttributeTable, EachKindHasItsOwnAttributesInTableOrder) {
  std::size_t total = 0;
  for (ObjectKind kind : kKinds) {
    int previous_rank = -1;
    for (const AttributeSpec* spec : attributes_of(kind)) {
      EXPECT_EQ(spec->kind, kind) << spec->file;
      EXPECT_GT(attribute_write_rank(*spec), previous_rank) << spec->file;
      previous_rank = attribute_write_rank(*spec);
      ++total;
    }
  }
  EXPECT_EQ(total, attribute_table().size());
}

TEST(AttributeTable, EveryAttributeIsFoundByItsFileAndKeyUnderItsKindOnly) {
  for (const AttributeSpec& spec : attribute_table()) {
    EXPECT_EQ(find_attribute_by_file(spec.kind, spec.file), &spec) << spec.file;
    EXPECT_EQ(find_attribute_by_key(spec.kind, spec.key), &spec) << spec.key;
    EXPECT_FALSE(is_extra_attribute(spec.kind, spec.file)) << spec.file;
  }
  // attr_model is a subsystem's; a namespace has no such file.
  EXPECT_EQ(find_attribute_by_file(ObjectKind::Namespace, "attr_model"), nullptr);
  EXPECT_TRUE(is_extra_attribute(ObjectKind::Namespace, "attr_model"));
  for (const char* unknown : {"", "a", "zzzz", "device_path_", "attr_mode"})
    for (ObjectKind kind : kKinds) EXPECT_EQ(find_attribute_by_file(kind, unknown), nullptr) << unknown;
}

TEST(AttributeTable, UuidsCompareWithoutCaseAndTextWithoutTrailingSpaces) {
  const AttributeSpec* uuid = find_attribute_by_file(ObjectKind::Namespace, "device_uuid");
  ASSERT_NE(uuid, nullptr);
  EXPECT_TRUE(
      attribute_values_equal(*uuid, "99189384-909A-43EB-A1E3-3D4EA8C8D16E", "99189384-909a-43eb-a1e3-3d4ea8c8d16e"));
  EXPECT_FALSE(
      attribute_values_equal(*uuid, "99189384-909a-43eb-a1e3-3d4ea8c8d16e", "99189384-909a-43eb-a1e3-3d4ea8c8d16f"));
  EXPECT_FALSE(attribute_values_equal(*uuid, "99189384", "99189384-909a"));
  const AttributeSpec* serial = find_attribute_by_file(ObjectKind::Subsystem, "attr_serial");
  ASSERT_NE(serial, nullptr);
  EXPECT_TRUE(attribute_values_equal(*serial, "abc", "abc                 "));
  EXPECT_FALSE(attribute_values_equal(*serial, "abc", " abc"));
}

}  // namespace
}  // namespace nvmetctl
