#include "simulate/phrase_bank.h"

#include <fmt/format.h>

#include "common/check.h"
#include "common/strings.h"

namespace cxm::simulate {

// Generated from phrases/<lang>.txt by src/simulate/CMakeLists.txt.
extern const std::string_view kPhraseText_sv;
extern const std::string_view kPhraseText_nb;
extern const std::string_view kPhraseText_da;
extern const std::string_view kPhraseText_ro;
extern const std::string_view kPhraseText_en;

Result<PhraseBank> PhraseBank::Parse(std::string_view text, std::string_view source_name) {
  PhraseBank bank;
  std::vector<std::string>* current = nullptr;
  int line_number = 0;
  std::size_t position = 0;
  while (position <= text.size()) {
    std::size_t line_end = text.find('\n', position);
    if (line_end == std::string_view::npos) line_end = text.size();
    const std::string_view line = Trim(text.substr(position, line_end - position));
    position = line_end + 1;
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        return Status::InvalidArgument(
            fmt::format("{}:{}: a key is written [name], got '{}'", source_name, line_number, line));
      }
      const std::string key(line.substr(1, line.size() - 2));
      if (bank.lists_.contains(key)) {
        return Status::InvalidArgument(
            fmt::format("{}:{}: key [{}] appears twice", source_name, line_number, key));
      }
      current = &bank.lists_[key];
      continue;
    }
    if (current == nullptr) {
      return Status::InvalidArgument(fmt::format("{}:{}: a phrase before the first [key]",
                                                 source_name, line_number));
    }
    current->emplace_back(line);
  }
  for (const auto& [key, variants] : bank.lists_) {
    if (variants.empty()) {
      return Status::InvalidArgument(fmt::format("{}: key [{}] has no phrases", source_name, key));
    }
  }
  return bank;
}

const PhraseBank& PhraseBank::Builtin(Language language) {
  static const std::array<PhraseBank, kLanguageCount> kBanks = [] {
    const std::array<std::string_view, kLanguageCount> texts = {
        kPhraseText_sv, kPhraseText_nb, kPhraseText_da, kPhraseText_ro, kPhraseText_en};
    std::array<PhraseBank, kLanguageCount> banks;
    for (int idx = 0; idx < kLanguageCount; ++idx) {
      Result<PhraseBank> bank = Parse(texts[idx], fmt::format("phrases/{}.txt", kLanguageCodes[idx]));
      CXM_CHECK(bank.has_value()) << bank.error().message();
      banks[idx] = std::move(bank).value();
    }
    return banks;
  }();
  return kBanks[static_cast<int>(language)];
}

const std::vector<std::string>* PhraseBank::Find(std::string_view key) const {
  const auto found = lists_.find(key);
  return found == lists_.end() ? nullptr : &found->second;
}

const std::vector<std::string>& PhraseBank::Get(std::string_view key) const {
  const std::vector<std::string>* variants = Find(key);
  CXM_CHECK(variants != nullptr && !variants->empty()) << "phrase bank has no [" << key << "]";
  return *variants;
}

std::vector<std::string> PhraseBank::Keys() const {
  std::vector<std::string> keys;
  for (const auto& entry : lists_) keys.push_back(entry.first);
  return keys;
}

}  // namespace cxm::simulate
