// Language identification for customer texts, restricted to the languages cxm analyses:
// en, sv, nb (Norwegian; CLD2's "no" and "nn"), da, ro, fi, de. Built on CLD2 (Debian's
// libcld2), whose three best guesses are filtered to those languages, with the set given to it
// as a prior; short texts (a few words) remain the hard case: measure before relying on them.
//
// Thread-safe: CLD2 keeps no mutable global state.
#pragma once

#include <string>
#include <string_view>

namespace cxm::text {

struct LanguageGuess {
  std::string code;          // "en", "sv", "nb", "da", "ro", "fi", "de", or "und" (unknown)
  int percent = 0;           // share of the text CLD2 attributes to it, 0..100
  bool is_reliable = false;  // CLD2's own verdict; false for most texts under ~20 characters
};

// Never fails: empty, whitespace-only, emoji-only or invalid UTF-8 text gives "und".
LanguageGuess IdentifyLanguage(std::string_view text);

}  // namespace cxm::text
