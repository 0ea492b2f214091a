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

#include "common/status.h"
#include "store/duckdb.h"
#include "text/emotion_model.h"

namespace cxm::analytics {

// The derived table; created if absent.
inline constexpr const char* kTextEmotionsDdl =
    "CREATE TABLE IF NOT EXISTS text_emotions ("
    "source VARCHAR NOT NULL, "          // 'message' or 'feedback'
    "interaction_id VARCHAR, seq BIGINT, "  // the message's key
    "feedback_id VARCHAR, "                 // the feedback's key
    "language VARCHAR, valence DOUBLE, arousal DOUBLE, sentiment VARCHAR, "
    "top_emotion VARCHAR, top_probability DOUBLE)";

struct ScoringSummary {
  std::int64_t texts_scored = 0;
  double seconds = 0;
};

// (texts scored so far, texts to score).
using ScoringProgress = std::function<void(std::int64_t, std::int64_t)>;

Result<ScoringSummary> ScoreNewTexts(store::Database& database, store::Connection& connection,
                                     const text::EmotionModel& model,
                                     const ScoringProgress& progress = {});

}  // namespace cxm::analytics
