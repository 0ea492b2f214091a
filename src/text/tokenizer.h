// Turns customer text into the tokens the emotion model reads: Unicode NFC and case folding
// (ICU), words with their diacritics and inner apostrophes/hyphens, numbers, emoji and
// emoticons as tokens of their own, runs of '!' or '?' as one token. Letter elongations are
// cut to two ("sooooo" -> "soo"), and words inside a negation's scope (after "not", "inte",
// "ikke", "nu", ... up to the next clause break) carry the prefix "neg_".
//
// Thread-safe; never fails: invalid UTF-8 bytes are skipped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cxm::text {

struct Token {
  enum class Kind { kWord, kNumber, kEmoji, kEmoticon, kPunctuation };
  std::string text;  // normalised: folded, elongation cut, "neg_" prefix where negated
  Kind kind = Kind::kWord;
};

std::vector<Token> Tokenize(std::string_view text);

// True for the negators of en, sv, nb, da, ro, fi and de ("not", "inte", "ikke", "nu", ...).
bool IsNegator(std::string_view folded_word);

}  // namespace cxm::text
