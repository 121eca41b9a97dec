#pragma once
// Text to a number without exceptions or undefined behaviour: std::stoll
// throws past INT64_MAX (an abort, uncaught) and std::atoll is undefined
// there, so every conversion of text from a file or from configfs goes
// through here.
#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace nvmetctl {

// The whole of `text` in `base`, or nullopt: empty, trailing characters,
// or a value T cannot hold. No leading '+' or whitespace, like from_chars.
template <class T>
std::optional<T> parse_number(std::string_view text, int base = 10) {
  T value{};
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, value, base);
  if (error != std::errc() || stop != end || text.empty()) return std::nullopt;
  return value;
}

}  // namespace nvmetctl
