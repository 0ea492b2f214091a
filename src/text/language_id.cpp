#include "text/language_id.h"

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

namespace cxm::text {
namespace {

// CLD2's languages that cxm supports, and our codes for them (Norwegian's two written forms
// are one language to cxm). The first entry of a code is the one given to CLD2 as a hint.
struct SupportedLanguage {
  CLD2::Language cld2_language;
  const char* code;
};
constexpr std::array<SupportedLanguage, 8> kSupported = {{{CLD2::ENGLISH, "en"},
                                                          {CLD2::SWEDISH, "sv"},
                                                          {CLD2::NORWEGIAN, "nb"},
                                                          {CLD2::NORWEGIAN_N, "nb"},
                                                          {CLD2::DANISH, "da"},
                                                          {CLD2::ROMANIAN, "ro"},
                                                          {CLD2::FINNISH, "fi"},
                                                          {CLD2::GERMAN, "de"}}};

const char* SupportedCode(CLD2::Language language) {
  for (const SupportedLanguage& supported : kSupported) {
    if (supported.cld2_language == language) return supported.code;
  }
  return nullptr;
}

// Function words used by only one of Swedish, Norwegian (Bokmål) and Danish. CLD2 confuses the
// three on short texts (it reads most short Danish as Norwegian); when it picks one of them, a
// vote of these words decides, and CLD2's pick stands on a tie. Measured in bench/langid_eval.
const std::unordered_map<std::string, const char*>& ScandinavianMarkers() {
  static const auto* const kMarkers = [] {
    auto* markers = new std::unordered_map<std::string, const char*>();
    const auto add = [&](const char* code, std::initializer_list<const char*> words) {
      for (const char* word : words) markers->emplace(word, code);
    };
    add("sv", {"och", "inte", "jag", "är", "att", "för", "vad", "varför", "hur", "mycket", "någon",
               "något", "några", "bara", "också", "tack", "hjälp", "kanske", "fortfarande", "nästa",
               "sista", "tillbaka", "än", "ska", "vill", "inga", "sedan", "när", "där", "här", "hade",
               "varit", "gör", "göra", "väl", "då", "upp"});
    add("da", {"af", "hvad", "meget", "noget", "nogen", "nogle", "jer", "jeres", "ud", "op", "havde",
               "været", "sådan", "lige", "tak", "gerne", "hjælp", "hjælpe", "købe", "købt",
               "spørgsmål", "måske", "endnu", "næste", "sidste", "tilbage", "rigtig", "rigtigt",
               "præcis", "øjeblik", "lidt", "tjekke", "tjekker", "tusind", "hvornår", "mere", "end",
               "vores", "fortsat"});
    add("nb", {"hva", "veldig", "noe", "noen", "meg", "deg", "seg", "dere", "opp", "ble", "blitt",
               "hadde", "vært", "slik", "sånn", "takk", "gjerne", "hjelp", "hjelpe", "kjøpe", "kjøpt",
               "spørsmål", "kanskje", "ennå", "fortsatt", "neste", "siste", "tilbake", "øyeblikk",
               "hei", "nei", "enn", "igjen", "våre", "ikkje", "litt", "mye", "sjekke", "sjekker"});
    return markers;
  }();
  return *kMarkers;
}

// The Scandinavian language whose marker words the text uses most, or null on a tie.
const char* ScandinavianVote(std::string_view text) {
  int sv = 0;
  int nb = 0;
  int da = 0;
  std::string word;
  const auto count = [&] {
    if (word.empty()) return;
    const auto found = ScandinavianMarkers().find(word);
    if (found != ScandinavianMarkers().end()) {
      const char* code = found->second;
      (code[0] == 's' ? sv : code[0] == 'n' ? nb : da) += 1;
    }
    word.clear();
  };
  for (char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte >= 0x80 || (ch >= 'a' && ch <= 'z')) {
      word.push_back(ch);
    } else if (ch >= 'A' && ch <= 'Z') {
      word.push_back(static_cast<char>(ch + 32));
    } else {
      count();
    }
  }
  count();
  if (sv > nb && sv > da) return "sv";
  if (nb > sv && nb > da) return "nb";
  if (da > sv && da > nb) return "da";
  return nullptr;
}

bool IsScandinavian(std::string_view code) { return code == "sv" || code == "nb" || code == "da"; }

// CLD2's language for one of our codes; UNKNOWN_LANGUAGE for anything else.
CLD2::Language Cld2LanguageOf(std::string_view code) {
  for (const SupportedLanguage& supported : kSupported) {
    if (code == supported.code) return supported.cld2_language;
  }
  return CLD2::UNKNOWN_LANGUAGE;
}

LanguageGuess Identify(std::string_view text, CLD2::Language hinted) {
  LanguageGuess guess{.code = "und"};
  if (text.empty()) return guess;
  // The supported set as a prior: CLD2 boosts each listed language (and the hinted one more).
  const CLD2::CLDHints hints = {"en,sv,no,da,ro,fi,de", "", CLD2::UNKNOWN_ENCODING, hinted};
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
      guess.percent = percent3[rank];
      guess.is_reliable = is_reliable && rank == 0;
      const std::string_view cld2_pick = code;
      if (IsScandinavian(cld2_pick)) {
        if (const char* voted = ScandinavianVote(text); voted != nullptr && cld2_pick != voted) {
          code = voted;
          guess.is_reliable = false;
        }
      }
      guess.code = std::string(code);
      return guess;
    }
  }
  return guess;
}

}  // namespace

LanguageGuess IdentifyLanguage(std::string_view text) { return Identify(text, CLD2::UNKNOWN_LANGUAGE); }

LanguageGuess IdentifyLanguage(std::string_view text, std::string_view expected) {
  if (!IsSupportedLanguage(expected)) return IdentifyLanguage(text);
  LanguageGuess guess = Identify(text, Cld2LanguageOf(expected));
  if (guess.code == expected) return guess;
  const bool is_blank = text.find_first_not_of(" \t\r\n") == std::string_view::npos;
  bool keeps_guess = guess.is_reliable && !AreScandinavianSiblings(guess.code, expected);
  if (keeps_guess) {
    // The hint can tip CLD2 the wrong way (a Danish hint reads "Pakken kom for sent" as
    // reliable English): another language stands only where the text alone says so too.
    const LanguageGuess unhinted = IdentifyLanguage(text);
    keeps_guess = unhinted.is_reliable && unhinted.code == guess.code;
  }
  if (!keeps_guess && !is_blank) {
    guess.code = std::string(expected);
    guess.is_reliable = false;
  }
  return guess;
}

std::string NormalizeLanguageCode(std::string_view code) {
  std::string primary;
  for (char c : code) {
    if (c == '-' || c == '_') break;
    primary.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (primary == "no" || primary == "nn" || primary == "nob" || primary == "nno") return "nb";
  return primary;
}

bool AreScandinavianSiblings(std::string_view first, std::string_view second) {
  return first != second && IsScandinavian(first) && IsScandinavian(second);
}

const std::vector<std::string>& SupportedLanguages() {
  static const std::vector<std::string> kCodes = [] {
    std::vector<std::string> codes;
    for (const SupportedLanguage& supported : kSupported) {
      if (std::find(codes.begin(), codes.end(), supported.code) == codes.end()) codes.emplace_back(supported.code);
    }
    return codes;
  }();
  return kCodes;
}

bool IsSupportedLanguage(std::string_view code) {
  return std::find(SupportedLanguages().begin(), SupportedLanguages().end(), code) != SupportedLanguages().end();
}

}  // namespace cxm::text
