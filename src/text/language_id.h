// Language identification for customer texts, restricted to the languages cxm analyses:
// en, sv, nb (Norwegian; CLD2's "no" and "nn"), da, ro, fi, de. Built on CLD2 (Debian's
// libcld2), whose three best guesses are filtered to those languages, with the set given to it
// as a prior; short texts (a few words) remain the hard case: measure before relying on them.
//
// Thread-safe: CLD2 keeps no mutable global state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cxm::text {

struct LanguageGuess {
  std::string code;          // "en", "sv", "nb", "da", "ro", "fi", "de", or "und" (unknown)
  int percent = 0;           // share of the text CLD2 attributes to it, 0..100
  bool is_reliable = false;  // CLD2's own verdict; false for most texts under ~20 characters
};

// Never fails: empty, whitespace-only, emoji-only or invalid UTF-8 text gives "und".
LanguageGuess IdentifyLanguage(std::string_view text);

// The language of a text written by someone known to write `expected` (the customer's
// language, the corpus's): CLD2 with `expected` as its hint, and `expected` wherever CLD2 is
// unsure (no language, not reliable) or picks one of sv/nb/da for another of them (the
// siblings CLD2 confuses on short text). A reliable guess of another language stands: a
// Swedish customer writing in English is read as English. An empty or unsupported `expected`
// is IdentifyLanguage. bench/langid_eval measures both the right and a wrong expectation.
LanguageGuess IdentifyLanguage(std::string_view text, std::string_view expected);

// The languages above, in a fixed order: en, sv, nb, da, ro, fi, de.
const std::vector<std::string>& SupportedLanguages();
// Whether `code` is one of them (not "und").
bool IsSupportedLanguage(std::string_view code);

// Two different ones of sv, nb and da: the siblings that short texts cannot tell apart.
bool AreScandinavianSiblings(std::string_view first, std::string_view second);

// A language code as a customer table may hold it ("sv-SE", "NO", "nn", "da_DK") in this
// file's codes ("sv", "nb", "da"); the first subtag, lower-cased, otherwise.
std::string NormalizeLanguageCode(std::string_view code);

}  // namespace cxm::text
