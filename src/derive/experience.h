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
// that rebuild is one aggregation (seconds at a million customers).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "store/duckdb.h"
#include "text/emotion_model.h"

namespace cxm::analytics {

struct ExperienceOptions {
  double negativity_lambda = 2.0;  // negative moments weigh this much more (peak and memory)
  int end_window_turns = 1;        // `end` = mean of the last N customer turns
  double memory_half_life_days = 180;
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

// Common-table expressions (to follow a WITH) defining `calibrated_experience` and
// `experience_cell`: the rows of
// interaction_experience with `remembered` (and `experienced`) mapped onto the customers' own rating scale. Evidence
// types are read on different scales — the emotion engine's valence is compressed, a CSAT of 1..5
// maps to -1..1 — so before they are summed or compared across touchpoints, each engine-read
// type is regressed onto the CSAT the same customers gave the same interaction ((csat - 3) / 2):
// regression calibration, which keeps the downstream regressions unbiased.
inline constexpr const char* kCalibratedExperienceCtes = R"sql(
  calibration AS (
    SELECT e.evidence, regr_slope((f.csat - 3) / 2.0, e.remembered) AS slope,
           regr_intercept((f.csat - 3) / 2.0, e.remembered) AS intercept,
           regr_slope((f.csat - 3) / 2.0, e.experienced) AS experienced_slope,
           regr_intercept((f.csat - 3) / 2.0, e.experienced) AS experienced_intercept
    FROM interaction_experience e JOIN feedback f ON f.interaction_id = e.interaction_id AND f.csat IS NOT NULL
    WHERE e.evidence <> 'survey' GROUP BY 1 HAVING count(*) >= 30),
  calibrated_experience AS (
    SELECT e.* REPLACE (
             CASE WHEN e.evidence = 'survey' OR k.slope IS NULL THEN e.remembered
                  ELSE greatest(-1.0, least(1.0, k.intercept + k.slope * e.remembered)) END AS remembered,
             CASE WHEN e.evidence = 'survey' OR k.experienced_slope IS NULL THEN e.experienced
                  ELSE greatest(-1.0, least(1.0, k.experienced_intercept + k.experienced_slope * e.experienced))
             END AS experienced)
    FROM interaction_experience e LEFT JOIN calibration k USING (evidence)),
  -- What an interaction without evidence (a delivery nobody commented on) stands in with: the
  -- mean calibrated remembered score of its touchpoint, with or without a failure.
  experience_cell AS (
    SELECT touchpoint, failure IS NOT NULL AS has_failure, avg(remembered) AS remembered
    FROM calibrated_experience GROUP BY ALL))sql";

// Reporting currency: amounts are converted to SEK with these reference rates (SEK per unit).
inline constexpr const char* kReferenceRatesSql =
    "(VALUES ('SEK', 1.0), ('NOK', 0.95), ('DKK', 1.45), ('RON', 2.2), ('EUR', 11.0)) "
    "AS fx(currency, sek_per_unit)";

}  // namespace cxm::analytics
