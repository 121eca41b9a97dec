#pragma once
// Turning a value from the file into the exact text configfs shows for it,
// or saying why it cannot be one.
#include <optional>
#include <string>

#include "nvmetctl/model/attribute_table.h"

namespace nvmetctl {

struct ScalarInput {
  std::string text;
  bool quoted = false;  // a quoted scalar is always a string, never a bool/int
};

struct ValueCheck {
  std::optional<std::string> canonical;  // set when valid
  std::string problem;                   // set when not
};

ValueCheck canonical_value(const AttributeSpec& spec, const ScalarInput& input);

bool parse_yaml_bool(const std::string& text, bool& out);
// No leading zeros, no sign tricks. OutOfRange: well-formed, but beyond 64 bits.
enum class DecimalSyntax { Valid, OutOfRange, Malformed };
DecimalSyntax scan_decimal(const std::string& text, long long& out);
bool parse_decimal(const std::string& text, long long& out);  // Valid only
// Hand-written scanners, never std::regex: its matcher recurses per
// character and a long value from the file overflows the stack.
bool is_valid_uuid(const std::string& text);
bool is_fc_address(const std::string& text);  // nn-0x<16 hex>:pn-0x<16 hex>
std::optional<std::string> canonical_nguid(const std::string& text);
bool is_ip_literal(const std::string& text, bool& is_ipv6);
bool is_valid_utf8(const std::string& text);  // strict: no overlongs, no surrogates
size_t first_invalid_utf8(const std::string& text);  // npos when valid

// Names that become configfs directory names.
std::string name_problem(const std::string& name);  // "" when fine

}  // namespace nvmetctl
