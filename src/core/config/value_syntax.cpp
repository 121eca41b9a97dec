#include "nvmetctl/config/value_syntax.h"

#include "nvmetctl/util/parse_number.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string_view>

namespace nvmetctl {
namespace {

bool all_hex_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool printable_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7e; });
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string choices_text(const std::vector<std::string>& choices) {
  std::string text;
  for (const auto& c : choices) text += (text.empty() ? "" : ", ") + c;
  return text;
}

ValueCheck ok(std::string value) { return {std::move(value), {}}; }
ValueCheck bad(std::string problem) { return {std::nullopt, std::move(problem)}; }

ValueCheck check_integer(const AttributeSpec& spec, const ScalarInput& input) {
  long long value = 0;
  DecimalSyntax syntax = scan_decimal(input.text, value);
  if (input.quoted || syntax == DecimalSyntax::Malformed)
    return bad("expected a decimal integer, got '" + input.text + "'");
  if (syntax == DecimalSyntax::OutOfRange || value < spec.min || value > spec.max)
    return bad("must be between " + std::to_string(spec.min) + " and " +
               std::to_string(spec.max) + ", got " + input.text);
  return ok(std::to_string(value));
}

ValueCheck check_hex(const AttributeSpec& spec, const ScalarInput& input) {
  bool hex = input.text.size() > 2 && input.text[0] == '0' && (input.text[1] == 'x' || input.text[1] == 'X') &&
             all_hex_digits(std::string_view(input.text).substr(2));
  bool decimal = !input.text.empty() && std::all_of(input.text.begin(), input.text.end(),
                                                    [](char c) { return c >= '0' && c <= '9'; });
  if (!hex && !decimal)
    return bad("expected an integer such as 0x001b21, got '" + input.text + "'");
  // Some tools read 0777 as octal, others as decimal: refuse to guess.
  if (decimal && input.text.size() > 1 && input.text[0] == '0')
    return bad("'" + input.text + "' has a leading zero, which some tools read as octal: write it in decimal "
               "without the zero, or in hex with 0x");
  auto value = hex ? parse_number<unsigned long long>(std::string_view(input.text).substr(2), 16)
                   : parse_number<unsigned long long>(input.text);
  if (!value || *value > static_cast<unsigned long long>(spec.max))
    return bad("must be at most 0x" + [&] {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(spec.max));
      return std::string(buf);
    }());
  char buf[32];
  std::snprintf(buf, sizeof buf, spec.max > 0xffff ? "0x%06llx" : "0x%llx", *value);
  return ok(buf);
}

ValueCheck check_text(const AttributeSpec& spec, const ScalarInput& input) {
  if (!printable_ascii(input.text)) return bad("must be printable ASCII");
  if (static_cast<long long>(input.text.size()) < spec.min)
    return bad("must not be empty");
  if (spec.max && static_cast<long long>(input.text.size()) > spec.max)
    return bad("must be at most " + std::to_string(spec.max) + " characters, got " +
               std::to_string(input.text.size()));
  return ok(input.text);
}

ValueCheck check_version(const ScalarInput& input) {
  int major = 0, minor = 0, tertiary = 0;
  char tail = 0;
  int fields = std::sscanf(input.text.c_str(), "%d.%d.%d%c", &major, &minor, &tertiary, &tail);
  if ((fields != 2 && fields != 3) || major < 0 || minor < 0 || tertiary < 0 || major > 65535 ||
      minor > 255 || tertiary > 255)
    return bad("expected an NVMe version such as 1.3 or 1.2.1, got '" + input.text + "'");
  std::string text = std::to_string(major) + "." + std::to_string(minor);
  if (tertiary) text += "." + std::to_string(tertiary);
  return ok(text);
}

}  // namespace

bool parse_yaml_bool(const std::string& text, bool& out) {
  static const char* truthy[] = {"true", "True", "TRUE"};
  static const char* falsy[] = {"false", "False", "FALSE"};
  for (const char* t : truthy)
    if (text == t) return out = true, true;
  for (const char* f : falsy)
    if (text == f) return out = false, true;
  return false;
}

DecimalSyntax scan_decimal(const std::string& text, long long& out) {
  std::size_t first = !text.empty() && text[0] == '-' ? 1 : 0;
  if (first == text.size() || (text[first] == '0' && text.size() > first + 1)) return DecimalSyntax::Malformed;
  if (!std::all_of(text.begin() + static_cast<std::ptrdiff_t>(first), text.end(),
                   [](char c) { return c >= '0' && c <= '9'; }))
    return DecimalSyntax::Malformed;
  auto value = parse_number<long long>(text);
  if (!value) return DecimalSyntax::OutOfRange;  // well-formed: only too many digits are left
  out = *value;
  return DecimalSyntax::Valid;
}

bool parse_decimal(const std::string& text, long long& out) {
  return scan_decimal(text, out) == DecimalSyntax::Valid;
}

bool is_valid_uuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

bool is_fc_address(const std::string& text) {
  // nn-(0x)?<16 hex>:pn-(0x)?<16 hex>
  std::string_view rest = text;
  auto name = [&rest](std::string_view prefix) {
    if (rest.substr(0, prefix.size()) != prefix) return false;
    rest.remove_prefix(prefix.size());
    if (rest.substr(0, 2) == "0x") rest.remove_prefix(2);
    if (rest.size() < 16 || !all_hex_digits(rest.substr(0, 16))) return false;
    rest.remove_prefix(16);
    return true;
  };
  return name("nn-") && name(":pn-") && rest.empty();
}

std::optional<std::string> canonical_nguid(const std::string& text) {
  std::string hex;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if ((c == '-' || c == ':') && hex.size() % 2 == 0 && !hex.empty()) {
      continue;
    } else {
      return std::nullopt;
    }
  }
  if (hex.size() != 32) return std::nullopt;
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

bool is_ip_literal(const std::string& text, bool& is_ipv6) {
  unsigned char buffer[16];
  if (inet_pton(AF_INET, text.c_str(), buffer) == 1) return is_ipv6 = false, true;
  std::string address = text.substr(0, text.find('%'));  // IPv6 %scope is allowed
  if (inet_pton(AF_INET6, address.c_str(), buffer) == 1) return is_ipv6 = true, true;
  return false;
}

size_t first_invalid_utf8(const std::string& text) {
  static const unsigned kSmallest[] = {0, 0x80, 0x800, 0x10000};  // anything less is overlong
  size_t i = 0;
  while (i < text.size()) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    unsigned code = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if ((lead & 0xe0) == 0xc0) extra = 1, code = lead & 0x1f;
    else if ((lead & 0xf0) == 0xe0) extra = 2, code = lead & 0x0f;
    else if ((lead & 0xf8) == 0xf0) extra = 3, code = lead & 0x07;
    else return i;
    if (text.size() - i <= extra) return i;
    for (size_t k = 1; k <= extra; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < kSmallest[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += extra + 1;
  }
  return std::string::npos;
}

bool is_valid_utf8(const std::string& text) { return first_invalid_utf8(text) == std::string::npos; }

std::string name_problem(const std::string& name) {
  if (name.empty()) return "must not be empty";
  if (name == "." || name == "..") return "must not be '.' or '..' (it becomes a configfs path)";
  if (name.find('/') != std::string::npos)
    return "must not contain '/' (it becomes a configfs path)";
  if (std::any_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return "must not contain control characters";
  if (!is_valid_utf8(name)) return "is not valid UTF-8";
  if (name.size() > 255) return "is longer than 255 bytes, the longest configfs name";
  return {};
}

ValueCheck canonical_value(const AttributeSpec& spec, const ScalarInput& input) {
  switch (spec.type) {
    case ValueType::Bool: {
      bool value = false;
      if (input.quoted || !parse_yaml_bool(input.text, value))
        return bad("expected a boolean (true or false), got '" + input.text + "'");
      return ok(value ? "1" : "0");
    }
    case ValueType::UInt:
    case ValueType::Int:
      return check_integer(spec, input);
    case ValueType::Hex:
      return check_hex(spec, input);
    case ValueType::Text:
      // p2pmem takes a boolean or a PCI device name and reads back 1/0 for
      // the boolean: 'true' must be written as it reads, or it drifts forever.
      if (std::string(spec.file) == "p2pmem") {
        bool value = false;
        if (!input.quoted && parse_yaml_bool(input.text, value)) return ok(value ? "1" : "0");
      }
      return check_text(spec, input);
    case ValueType::Path:
      if (input.text.empty() || input.text[0] != '/')
        return bad("expected an absolute path, got '" + input.text + "'");
      if (!printable_ascii(input.text)) return bad("must be printable ASCII");
      return ok(input.text);
    case ValueType::Enum:
      if (std::find(spec.choices.begin(), spec.choices.end(), input.text) == spec.choices.end())
        return bad("must be one of " + choices_text(spec.choices) + ", got '" + input.text + "'");
      return ok(input.text);
    case ValueType::Uuid:
      if (!is_valid_uuid(input.text))
        return bad("expected a UUID such as 4f1c2b7e-0d3a-4c55-9a1e-2b3c4d5e6f70, got '" +
                   input.text + "'");
      return ok(lower(input.text));
    case ValueType::Nguid: {
      auto nguid = canonical_nguid(input.text);
      if (!nguid) return bad("expected 16 bytes of hex (32 digits), got '" + input.text + "'");
      return ok(*nguid);
    }
    case ValueType::Version:
      return check_version(input);
    case ValueType::Secret:
      if (input.text.empty() || input.text[0] != '/')
        return bad("expected the absolute path of a key file, got '" + input.text + "'");
      return ok(input.text);
  }
  return bad("unsupported value");
}

}  // namespace nvmetctl
