#include "text/features.h"

#include <fmt/format.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace cxm::text {

std::uint64_t StableHash(std::string_view text, std::uint64_t seed) {
  std::uint64_t hash = seed;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

namespace {

// Distinct seeds keep the three feature families apart in the same buckets.
constexpr std::uint64_t kWordSeed = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kBigramSeed = 0x84222325cbf29ce4ULL;
constexpr std::uint64_t kCharSeed = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t kNegatedPraiseCharSeed = 0x15c7a4f9b97f3e79ULL;
constexpr std::uint64_t kLexiconSeed = 0x7f4a7c159e3779b9ULL;

// Hash of "<family><bin>" for bins -4..4, computed once: these are added for every lexicon hit.
std::uint32_t LexiconBucket(int family, float valence, std::uint64_t mask) {
  static const auto kHashes = [] {
    std::array<std::array<std::uint64_t, 9>, 2> hashes{};
    for (int bin = -4; bin <= 4; ++bin) {
      hashes[0][static_cast<std::size_t>(bin + 4)] = StableHash(fmt::format("word{}", bin), kLexiconSeed);
      hashes[1][static_cast<std::size_t>(bin + 4)] = StableHash(fmt::format("text{}", bin), kLexiconSeed);
    }
    return hashes;
  }();
  const long bin = std::clamp(std::lround(valence * 4.0f), -4L, 4L);
  return static_cast<std::uint32_t>(kHashes[static_cast<std::size_t>(family)][static_cast<std::size_t>(bin + 4)] & mask);
}

bool IsNegatedPraise(const LexiconHit& hit) { return hit.is_negated && hit.valence < 0; }

void AddCharNgrams(std::string_view word, std::uint64_t seed, const FeatureOptions& options, std::uint64_t mask,
                   std::vector<std::uint32_t>* features) {
  // Code point offsets of "<word>", so n-grams never split a multi-byte character.
  // Reused per thread: this runs for every word of every text.
  thread_local std::string marked;
  thread_local std::vector<int32_t> starts;
  marked.clear();
  marked.push_back('<');
  marked.append(word);
  marked.push_back('>');
  starts.clear();
  const int32_t length = static_cast<int32_t>(marked.size());
  for (int32_t offset = 0; offset < length;) {
    starts.push_back(offset);
    U8_FWD_1(marked.data(), offset, length);
  }
  starts.push_back(length);
  const int code_points = static_cast<int>(starts.size()) - 1;
  for (int n = options.min_char_ngram; n <= options.max_char_ngram; ++n) {
    for (int first = 0; first + n <= code_points; ++first) {
      const std::string_view gram(marked.data() + starts[first],
                                  static_cast<std::size_t>(starts[first + n] - starts[first]));
      features->push_back(static_cast<std::uint32_t>(StableHash(gram, seed) & mask));
    }
  }
}

}  // namespace

std::vector<std::uint32_t> HashFeatures(const std::vector<Token>& tokens, const FeatureOptions& options,
                                        const std::vector<LexiconHit>* hits) {
  const std::uint64_t mask = (std::uint64_t{1} << options.bucket_bits) - 1;
  std::vector<LexiconHit> found_hits;
  if (hits == nullptr && options.lexicon != nullptr) {
    found_hits = FindLexiconHits(tokens, *options.lexicon);
    hits = &found_hits;
  }
  // Negated praise ("nu sunt mulțumit", "not happy"): hits whose valence negation turned below 0.
  thread_local std::vector<std::size_t> negated_praise;
  negated_praise.clear();
  if (options.negated_praise_ngrams_apart && hits != nullptr) {
    for (const LexiconHit& hit : *hits) {
      if (IsNegatedPraise(hit)) negated_praise.push_back(hit.token_index);
    }
  }
  std::size_t next_negated = 0;
  std::vector<std::uint32_t> features;
  features.reserve(tokens.size() * 8);
  for (std::size_t token_idx = 0; token_idx < tokens.size(); ++token_idx) {
    const Token& token = tokens[token_idx];
    features.push_back(static_cast<std::uint32_t>(StableHash(token.text, kWordSeed) & mask));
    if (options.use_bigrams && token_idx + 1 < tokens.size()) {
      const std::uint64_t first = StableHash(token.text, kBigramSeed);
      features.push_back(static_cast<std::uint32_t>(
          StableHash(tokens[token_idx + 1].text, first) & mask));
    }
    if (options.min_char_ngram > 0 && token.kind == Token::Kind::kWord) {
      if (next_negated < negated_praise.size() && negated_praise[next_negated] == token_idx) {
        ++next_negated;
        AddCharNgrams(StripNegation(token.text), kNegatedPraiseCharSeed, options, mask, &features);
      } else {
        AddCharNgrams(token.text, kCharSeed, options, mask, &features);
      }
    }
  }
  if (hits != nullptr) AppendLexiconFeatures(*hits, options.bucket_bits, &features);
  return features;
}

bool HasNegatedPraise(const std::vector<LexiconHit>& hits) {
  return std::any_of(hits.begin(), hits.end(), IsNegatedPraise);
}

void AppendLexiconFeatures(const std::vector<LexiconHit>& hits, int bucket_bits, std::vector<std::uint32_t>* features) {
  const std::uint64_t mask = (std::uint64_t{1} << bucket_bits) - 1;
  for (const LexiconHit& hit : hits) {
    if (std::lround(hit.valence * 4.0f) != 0) features->push_back(LexiconBucket(0, hit.valence, mask));
  }
  if (!hits.empty()) features->push_back(LexiconBucket(1, LexiconValence(hits), mask));
}

}  // namespace cxm::text
