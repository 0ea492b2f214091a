#include "text/features.h"

#include <unicode/utf8.h>

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

void AddCharNgrams(const std::string& word, const FeatureOptions& options, std::uint64_t mask,
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
      features->push_back(static_cast<std::uint32_t>(StableHash(gram, kCharSeed) & mask));
    }
  }
}

}  // namespace

std::vector<std::uint32_t> HashFeatures(const std::vector<Token>& tokens, const FeatureOptions& options) {
  const std::uint64_t mask = (std::uint64_t{1} << options.bucket_bits) - 1;
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
      AddCharNgrams(token.text, options, mask, &features);
    }
  }
  return features;
}

}  // namespace cxm::text
