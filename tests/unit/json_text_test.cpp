#include <gtest/gtest.h>

#include <random>

#include <nlohmann/json.hpp>

#include "nvmetctl/util/json_text.h"

namespace nvmetctl {
namespace {

std::string as_nlohmann_writes(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string appended(const std::string& text) {
  std::string out = "x";  // appends, never replaces
  append_json_string(out, text);
  return out.substr(1);
}

// The fast path copies printable ASCII; the text is then the same as
// nlohmann's, which writes everything else.
TEST(JsonText, EveryStringIsWrittenAsNlohmannWritesIt) {
  for (const std::string& text :
       {std::string(), std::string("/sys/kernel/config/nvmet/subsystems/nqn.2024-01.io.x:a-b_c.d/namespaces/1"),
        std::string("quote\"d"), std::string("back\\slash"), std::string("new\nline"), std::string("nul\0byte", 8),
        std::string("del\x7f"), std::string("caf\xc3\xa9"), std::string("bad-\xff"), std::string("~ {}[]:,")})
    EXPECT_EQ(appended(text), as_nlohmann_writes(text)) << text;
  std::mt19937 random(16);
  for (int i = 0; i < 2000; ++i) {
    std::string text(random() % 24, '\0');
    for (char& c : text) c = static_cast<char>(i % 2 ? 0x20 + random() % 0x5f : random() % 256);
    EXPECT_EQ(appended(text), as_nlohmann_writes(text));
  }
}

}  // namespace
}  // namespace nvmetctl
