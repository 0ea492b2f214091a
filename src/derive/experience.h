// cxm analyze: from scored texts to how customers remember each interaction and where each
// customer stands (SPEC §4.3, §4.6).
//
//   text_emotions           every customer turn and feedback text, scored (text_scoring.h)
//   interaction_experience  per interaction with evidence: start, experienced, peak, end,
//                           remembered, ending, emotional_shift
//   customer_state          per customer: memory (decayed, lambda-weighted remembered scores),
//                           behavioural and attitudinal loyalty, quadrant, value, churn
//
// Incremental: texts are scored once; an interaction's experience is recomputed only when its
// evidence (scored turns, linked feedback) changed since the last run. customer_state is rebuilt
// every run because memory decays to the latest date in the store, which moves with new data;
// that rebuild is one aggregation (seconds at a million customers). It is built aside and
// swapped in together with the settings of the run (analysis_settings), which every analysis
// and the report then read: a run killed before the swap leaves the previous state and its
// settings, whole.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "analytics/context.h"
#include "store/duckdb.h"
#include "text/emotion_model.h"

namespace cxm::derive {

struct ExperienceOptions {
  // λ, end window and half-life shape the derived tables; all of it is stored with them
  // (analysis_settings) for the analyses to read.
  analytics::RunSettings run;
  // `ending` is positive above +threshold, negative below -threshold, else neutral.
  double ending_threshold = 0.2;
  // High attitudinal loyalty: an expected NPS answer at or above this.
  double attitudinal_cut_nps = 7.75;
  // High behavioural loyalty: a purchase rate at or above this multiple of the median customer's.
  double behavioural_cut = 1.0;
};

struct AnalyzeSummary {
  std::int64_t texts_scored = 0;
  std::int64_t interactions_updated = 0;
  std::int64_t interactions_with_experience = 0;
  std::int64_t customers = 0;
  double scoring_seconds = 0;
  double experience_seconds = 0;
  double customer_seconds = 0;
};

// (step name, done, total) for progress lines; total 0 when unknown.
using AnalyzeProgress = std::function<void(const std::string&, std::int64_t, std::int64_t)>;

Result<AnalyzeSummary> Analyze(store::Database& database, store::Connection& connection,
                               const text::EmotionModel& model, const ExperienceOptions& options,
                               const AnalyzeProgress& progress = {});

// The two steps after scoring, for callers that scored already.
Result<std::int64_t> UpdateInteractionExperience(store::Connection& connection, const ExperienceOptions& options);
Result<std::int64_t> RebuildCustomerState(store::Connection& connection, const ExperienceOptions& options);

}  // namespace cxm::derive
