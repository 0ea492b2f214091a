// PhraseBank: the words of the demo company's customers, agents and bots in one language.
//
// A bank is a text file (src/simulate/phrases/<lang>.txt, compiled into the binary; format in
// docs/demo-company.md): `[key]` starts a list of variants, each following line is one variant,
// `#` starts a comment line. Every language has the same keys; a test holds them to that.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cxm::simulate {

enum class Language : std::uint8_t { kSv, kNb, kDa, kRo, kEn };
inline constexpr int kLanguageCount = 5;
inline constexpr std::array<std::string_view, kLanguageCount> kLanguageCodes = {"sv", "nb", "da",
                                                                                 "ro", "en"};

class PhraseBank {
 public:
  // Errors name `source_name`, the line and what is wrong (a variant before any key, an empty key).
  static Result<PhraseBank> Parse(std::string_view text, std::string_view source_name);

  // The bank compiled into the binary. Aborts (CXM_CHECK) if it does not parse: that is a build bug.
  static const PhraseBank& Builtin(Language language);

  // Null when the key is absent.
  const std::vector<std::string>* Find(std::string_view key) const;
  // REQUIRES: the key exists with at least one variant (checked).
  const std::vector<std::string>& Get(std::string_view key) const;
  std::vector<std::string> Keys() const;

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> lists_;
};

}  // namespace cxm::simulate
