// Hashed features of a text for linear models (the fastText recipe without embeddings): word
// unigrams and bigrams, character 3-5-grams of each word (with '<' '>' boundary marks) and
// lexicon valence bins, all hashed into 2^bits buckets. Emoji and emoticons are words of their own.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "text/lexicon.h"
#include "text/tokenizer.h"

namespace cxm::text {

struct FeatureOptions {
  int bucket_bits = 18;    // 2^18 buckets
  int min_char_ngram = 3;  // 0 disables character n-grams
  int max_char_ngram = 5;
  bool use_bigrams = true;
  // Negated praise ("nu sunt mulțumit") gives the praise word's character n-grams in a space of
  // their own, so that its sub-words do not count as praise where little training text negates
  // that word; the lexicon's flipped valence speaks for it. Needs the lexicon hits.
  bool negated_praise_ngrams_apart = false;
  // With a lexicon: each hit adds a feature for its valence bin (-4..4, negation and
  // intensifiers applied) and the text one for its overall lexicon valence bin, features that
  // carry across languages where word n-grams do not.
  const SentimentLexicon* lexicon = nullptr;
};

// Bucket indices, one per feature occurrence (repeats count twice), in [0, 2^bucket_bits).
// `hits` (the lexicon hits of `tokens`) mark negated praise; without them, and without
// options.lexicon to find them, no word is treated as such.
std::vector<std::uint32_t> HashFeatures(const std::vector<Token>& tokens, const FeatureOptions& options,
                                        const std::vector<LexiconHit>* hits = nullptr);

// Whether any hit is negated praise (a lexicon word whose valence negation turned below 0).
bool HasNegatedPraise(const std::vector<LexiconHit>& hits);

// The lexicon features of HashFeatures, for callers that already have the hits.
void AppendLexiconFeatures(const std::vector<LexiconHit>& hits, int bucket_bits, std::vector<std::uint32_t>* features);

// FNV-1a, 64-bit: stable across platforms and runs, so a saved model hashes the same way.
std::uint64_t StableHash(std::string_view text, std::uint64_t seed = 0xcbf29ce484222325ULL);

}  // namespace cxm::text
