#include "text/language_id.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <array>
#include <cstring>

namespace cxm::text {
namespace {

// CLD2's codes for the languages cxm supports, and ours.
struct SupportedLanguage {
  const char* cld2_code;
  const char* code;
};
constexpr std::array<SupportedLanguage, 8> kSupported = {{{"en", "en"},
                                                          {"sv", "sv"},
                                                          {"no", "nb"},
                                                          {"nn", "nb"},
                                                          {"da", "da"},
                                                          {"ro", "ro"},
                                                          {"fi", "fi"},
                                                          {"de", "de"}}};

const char* SupportedCode(CLD2::Language language) {
  const char* cld2_code = CLD2::LanguageCode(language);
  for (const SupportedLanguage& supported : kSupported) {
    if (std::strcmp(supported.cld2_code, cld2_code) == 0) return supported.code;
  }
  return nullptr;
}

}  // namespace

LanguageGuess IdentifyLanguage(std::string_view text) {
  LanguageGuess guess{.code = "und"};
  if (text.empty()) return guess;
  // The supported set as a prior: CLD2 boosts each listed language.
  const CLD2::CLDHints hints = {"en,sv,no,da,ro,fi,de", "", CLD2::UNKNOWN_ENCODING,
                                CLD2::UNKNOWN_LANGUAGE};
  // CLD2 leaves these untouched for text without letters: start them empty.
  CLD2::Language top3[3] = {CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE};
  int percent3[3] = {0, 0, 0};
  double normalized_score3[3] = {0, 0, 0};
  int text_bytes = 0;
  bool is_reliable = false;
  int valid_prefix_bytes = 0;
  CLD2::ExtDetectLanguageSummaryCheckUTF8(text.data(), static_cast<int>(text.size()),
                                          /*is_plain_text=*/true, &hints,
                                          CLD2::kCLDFlagBestEffort, top3, percent3,
                                          normalized_score3, nullptr, &text_bytes, &is_reliable,
                                          &valid_prefix_bytes);
  for (int rank = 0; rank < 3; ++rank) {
    if (const char* code = SupportedCode(top3[rank]); code != nullptr && percent3[rank] > 0) {
      guess.code = code;
      guess.percent = percent3[rank];
      guess.is_reliable = is_reliable && rank == 0;
      return guess;
    }
  }
  return guess;
}

}  // namespace cxm::text
