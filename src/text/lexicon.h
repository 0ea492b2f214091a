// Word valence for the emotion model's lexicon features and its valence estimate: one merged
// table of folded single words (and emoji/emoticons) to valence in [-1, 1], built from the
// shared lexicons (VADER, AFINN en/sv/da/fi, the AFINN translations for nb/ro/de, the Danish
// DDS lexicon and the Emoji Sentiment Ranking) and stored inside the model file, so that a
// model carries the exact lexicon it was trained with.
//
// Immutable after construction; thread-safe to read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "text/tokenizer.h"

namespace cxm::text {

class SentimentLexicon {
 public:
  SentimentLexicon() = default;

  // Reads the lexicons under `data_dir` (../shared/data). Multi-word entries are skipped; a
  // word in several lexicons gets the mean of its valences. NotFound names a missing file.
  static Result<SentimentLexicon> FromSharedData(const std::string& data_dir);

  // "word<TAB>valence" lines, sorted: the form kept in the model file.
  std::string Serialize() const;
  static Result<SentimentLexicon> Parse(std::string_view serialized);

  // Valence of a folded token (Token::text without a "neg_" prefix), or nullptr.
  const float* Find(std::string_view folded) const;
  std::size_t size() const { return valence_.size(); }

 private:
  void Add(std::string_view word, float valence);  // folds `word`; skips multi-token entries
  void Finish();                                    // turns the sums into means

  void BuildIndex();  // fills slots_ from valence_

  std::unordered_map<std::string, float> valence_;
  // Open addressing by 64-bit word hash, for Find on every token: no string compare, one or
  // two cache lines. Two words sharing a 64-bit hash are vanishingly unlikely in 10^5 words.
  struct Slot {
    std::uint64_t hash = 0;
    float valence = 0;
  };
  std::vector<Slot> slots_;
  std::unordered_map<std::string, int> counts_;  // only while building
};

// A token's lexicon valence in context: negation flips and damps it (VADER's -0.74), an
// intensifier before it ("very", "mycket", "meget", "foarte", "sehr", ...) scales it by 1.3.
// A folded token without its "neg_" prefix (text/tokenizer.h marks negated words so).
std::string_view StripNegation(std::string_view folded);

struct LexiconHit {
  std::size_t token_index;
  float valence;  // in [-1, 1], negation and intensifier applied
  bool is_negated = false;
};
std::vector<LexiconHit> FindLexiconHits(const std::vector<Token>& tokens, const SentimentLexicon& lexicon);

// VADER's normalisation of the summed hits (on its -4..4 scale) into [-1, 1]; 0 without hits.
float LexiconValence(const std::vector<LexiconHit>& hits);

}  // namespace cxm::text
