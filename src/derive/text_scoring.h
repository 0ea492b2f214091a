// ScoreNewTexts: runs the emotion engine over every customer text of the store that has no
// score yet (customer turns of `messages`, texts of `feedback`) and writes `text_emotions`
// (SPEC §3, derived). Incremental: a second run scores only what was loaded since, and a text
// is never scored twice, so two runs give the same table as one.
//
// Reads on `connection` and appends through a second connection of `database`; texts are
// scored in batches on all cores (EmotionModel::AnalyzeBatch).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/duckdb.h"
#include "text/emotion_model.h"

namespace cxm::derive {

struct ScoringSummary {
  std::int64_t texts_scored = 0;
  double seconds = 0;
};

// The customer's language of every interaction, for scoring customer turns: one sorted 64-bit
// word each, the top 56 bits of DuckDB's hash() of interaction_id and the language's index in
// the low 8. Joining messages to interactions and customers in SQL held a hash table keyed by
// the interaction_id strings: the first run at 1M customers (10.7M interactions, where this is
// 86 MB) peaked at 6.22 GiB with it and 4.60 GiB without. Interactions whose hashes share 56
// bits (a pair turns up in about one store of that size in 1,300) and whose customers'
// languages differ lose the hint: the engine then reads the language from the text alone,
// never from the other customer's.
class InteractionLanguages {
 public:
  // Every interaction whose customer has a language.
  static Result<InteractionLanguages> Load(store::Connection& connection);

  // `code` as customers.language holds it; unsupported codes count as none.
  void Add(std::uint64_t interaction_hash, std::string_view code);
  void Finish();  // after the last Add, before the first Of

  // The normalised language of the interaction whose interaction_id hashes to
  // `interaction_hash`; empty when unknown.
  const std::string& Of(std::uint64_t interaction_hash) const;

 private:
  static constexpr std::uint64_t kHashBits = ~std::uint64_t{0xFF};
  std::uint64_t IndexOf(std::string_view code);

  std::vector<std::uint64_t> keys_;
  std::vector<std::string> languages_{""};  // index 0: none known
  std::string last_code_;
  std::uint64_t last_index_ = 0;
};

// (texts scored so far, texts to score).
using ScoringProgress = std::function<void(std::int64_t, std::int64_t)>;

Result<ScoringSummary> ScoreNewTexts(store::Database& database, store::Connection& connection,
                                     const text::EmotionModel& model,
                                     const ScoringProgress& progress = {});

}  // namespace cxm::derive
