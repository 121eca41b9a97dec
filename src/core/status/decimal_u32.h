#pragma once
// Shared by the debugfs reader (ctrl<N>, port) and the projection (ana_grpid):
// both read plain decimal kernel numbers and must reject anything else.
#include <cstdint>
#include <string>

namespace nvmetctl::status_detail {

inline bool parse_u32(const std::string& text, std::uint32_t& out) {
  if (text.empty() || text.size() > 10) return false;
  unsigned long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 0xffffffffULL) return false;
  out = static_cast<std::uint32_t>(value);
  return true;
}

}  // namespace nvmetctl::status_detail
