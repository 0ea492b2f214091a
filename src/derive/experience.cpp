#include "derive/experience.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/statistics.h"
#include "common/strings.h"
#include "derive/text_scoring.h"
#include "store/duckdb_engine.h"
#include "store/schema.h"

namespace cxm::derive {

using analytics::kCalibratedExperienceCtes;
using analytics::FitLinear;
using analytics::RegressionFit;
namespace {

// Every moment of evidence per interaction, in order: the customer's scored turns; for an
// interaction without a conversation, its linked feedback (the text's valence, else the CSAT
// mapped from 1..5 to -1..1).
constexpr const char* kEvidenceSql = R"sql(
  CREATE OR REPLACE TEMP TABLE experience_evidence AS
  SELECT interaction_id, 'conversation' AS evidence, seq::DOUBLE AS position, valence
  FROM text_emotions WHERE source = 'message'
  UNION ALL
  SELECT f.interaction_id, CASE WHEN t.valence IS NULL THEN 'survey' ELSE 'feedback' END,
         epoch(f.ts), coalesce(t.valence, (f.csat - 3) / 2.0)
  FROM feedback f LEFT JOIN text_emotions t ON t.source = 'feedback' AND t.feedback_id = f.feedback_id
  WHERE f.interaction_id IS NOT NULL AND (t.valence IS NOT NULL OR f.csat IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM text_emotions m
                    WHERE m.source = 'message' AND m.interaction_id = f.interaction_id))sql";

// Interactions whose evidence changed (or that were computed with other options).
constexpr const char* kDirtySql = R"sql(
  CREATE OR REPLACE TEMP TABLE experience_dirty AS
  SELECT n.interaction_id
  FROM (SELECT interaction_id, count(*) AS moments FROM experience_evidence GROUP BY 1) n
  LEFT JOIN interaction_experience e USING (interaction_id)
  WHERE e.interaction_id IS NULL OR e.evidence_count <> n.moments
     OR e.negativity_lambda <> $1 OR e.end_window_turns <> $2)sql";

// SPEC §4.3: peak = the most intense moment with negative ones weighted by lambda ($1); end =
// mean of the last $2 moments; remembered = (peak + end) / 2 clipped; shift = end - start.
constexpr const char* kInsertExperienceSql = R"sql(
  INSERT INTO interaction_experience (interaction_id, customer_id, ts, touchpoint, failure, evidence, evidence_count,
                                      start, experienced, peak, "end", remembered, ending, emotional_shift,
                                      negativity_lambda, end_window_turns)
  WITH ordered AS (
    SELECT m.*, row_number() OVER (PARTITION BY m.interaction_id ORDER BY m.position DESC) AS from_end
    FROM experience_evidence m SEMI JOIN experience_dirty d ON d.interaction_id = m.interaction_id),
  per_interaction AS (
    SELECT interaction_id, min(evidence) AS evidence, count(*) AS evidence_count,
           arg_min(valence, position) AS start, avg(valence) AS experienced,
           arg_max(valence, CASE WHEN valence < 0 THEN -$1 * valence ELSE valence END) AS peak,
           avg(valence) FILTER (WHERE from_end <= $2) AS end_valence
    FROM ordered GROUP BY 1)
  SELECT p.interaction_id, i.customer_id, i.ts, i.touchpoint, i.failure, p.evidence, p.evidence_count,
         p.start, p.experienced, p.peak, p.end_valence,
         greatest(-1.0, least(1.0, (p.peak + p.end_valence) / 2)),
         CASE WHEN p.end_valence >= $3 THEN 'positive' WHEN p.end_valence <= -$3 THEN 'negative'
              ELSE 'neutral' END,
         p.end_valence - p.start, $1, $2
  FROM per_interaction p JOIN interactions i USING (interaction_id))sql";

// One row per customer. Interactions without evidence (a delivery nobody commented on) count in
// memory at the mean remembered score of their touchpoint with or without a failure, so a late
// parcel weighs like the late parcels customers did tell us about.
constexpr const char* kCustomerStateSql = R"sql(
  INSERT INTO customer_state_next ({columns})
  WITH {calibrated},
  p AS (SELECT $1::DOUBLE AS negativity_lambda, $2::DOUBLE AS memory_half_life_days),
  store_end AS (SELECT min(ts) AS store_start, max(ts) AS store_end FROM interactions),
  churned AS (SELECT customer_id, min(ts) AS churn_ts, any_value(reason) AS churn_reason FROM churn GROUP BY 1),
  base AS (
    SELECT c.customer_id, c.language, c.country, c.segment, c.persona, c.loyalty_member, c.signup_ts,
           ch.churn_ts, ch.churn_reason, coalesce(ch.churn_ts, s.store_end) AS as_of,
           greatest(c.signup_ts, s.store_start) AS observed_from
    FROM customers c LEFT JOIN churned ch USING (customer_id), store_end s),
  touch AS (
    SELECT i.customer_id, i.ts, i.touchpoint,
           coalesce(e.remembered, c.remembered, 0) AS remembered, e.remembered IS NOT NULL AS is_observed
    FROM interactions i LEFT JOIN calibrated_experience e USING (interaction_id)
    LEFT JOIN experience_cell c ON c.touchpoint = i.touchpoint AND c.has_failure = (i.failure IS NOT NULL)),
  memory AS (
    SELECT t.customer_id,
           sum({memory_term}) AS memory,
           count(*) AS interactions, count(*) FILTER (WHERE t.is_observed) AS interactions_with_evidence,
           avg(t.remembered) FILTER (WHERE t.is_observed) AS mean_remembered,
           count(*) FILTER (WHERE {is_purchase}) AS orders,
           min(t.ts) AS first_ts, max(t.ts) AS last_ts
    FROM touch t JOIN base b USING (customer_id) CROSS JOIN p WHERE t.ts <= b.as_of GROUP BY 1),
  -- A conversation's scored turns come through interaction_experience, whose `experienced` is
  -- their mean: joining the turns to interactions again held a hash table of every
  -- interaction_id string (1.06 GiB for that join alone at 1M customers, 0.14 GiB this way).
  voice AS (
    SELECT customer_id, sum(valence_sum) / sum(texts) AS mean_valence, sum(texts)::BIGINT AS texts FROM (
      SELECT customer_id, experienced * evidence_count AS valence_sum, evidence_count AS texts
      FROM interaction_experience WHERE evidence = 'conversation'
      UNION ALL
      SELECT f.customer_id, t.valence, 1 FROM text_emotions t JOIN feedback f USING (feedback_id)
      WHERE t.source = 'feedback' AND f.customer_id IS NOT NULL) GROUP BY 1),
  answers AS (
    SELECT customer_id, arg_max(nps, ts) AS last_nps, count(*) AS nps_answers
    FROM feedback WHERE nps IS NOT NULL GROUP BY 1),
  value AS (
    SELECT t.customer_id, sum(t.amount * {factor}) FILTER (WHERE t.amount > 0) AS revenue
    FROM transactions t LEFT JOIN {fx} ON fx.currency = t.currency GROUP BY 1),
  joined AS (
    SELECT b.*, coalesce(m.memory, 0) AS memory, coalesce(m.interactions, 0) AS interactions,
           coalesce(m.interactions_with_evidence, 0) AS interactions_with_evidence, m.mean_remembered,
           coalesce(m.orders, 0) AS orders, m.first_ts, m.last_ts,
           v.mean_valence, coalesce(v.texts, 0) AS texts, a.last_nps, coalesce(a.nps_answers, 0) AS nps_answers,
           coalesce(val.revenue, 0) AS revenue,
           -- Purchase rate per year over the time the store saw the customer (at least 30 days).
           greatest(30.0, (epoch(b.as_of) - epoch(coalesce(b.observed_from, m.first_ts, b.as_of))) / 86400.0) / 365.25 AS observed_years,
           coalesce(m.orders, 0) / observed_years AS orders_per_year,
           (epoch(b.as_of) - epoch(coalesce(m.last_ts, b.as_of))) / 86400.0 AS recency_days
    FROM base b LEFT JOIN memory m USING (customer_id) LEFT JOIN voice v USING (customer_id)
    LEFT JOIN answers a USING (customer_id) LEFT JOIN value val USING (customer_id)),
  -- Purchase counts are Poisson around each customer's rate, and rates vary across customers of a
  -- persona like a gamma distribution (the NBD model of repeat buying, Ehrenberg 1959): the
  -- moments of the persona's rates give the gamma (variance less the Poisson part; scale = mean /
  -- variance, shape = mean x scale), and a customer's rate is its posterior mean (shape + orders) /
  -- (scale + years): two orders in a month are not taken at face value. A persona's variance at or
  -- below the Poisson noise shrinks fully to its mean.
  persona_rates AS (
    SELECT *, sum(orders) OVER persona / sum(observed_years) OVER persona AS persona_rate,
           var_pop(orders_per_year) OVER persona AS persona_rate_variance,
           avg(1 / observed_years) OVER persona AS persona_mean_inverse_years
    FROM joined WINDOW persona AS (PARTITION BY persona)),
  gamma AS (
    SELECT *, persona_rate / greatest(persona_rate_variance - persona_rate * persona_mean_inverse_years, 1e-6)
              AS gamma_scale
    FROM persona_rates),
  expected_rates AS (
    SELECT *, (persona_rate * gamma_scale + orders) / (gamma_scale + observed_years) AS expected_orders_per_year,
           sqrt(persona_rate * gamma_scale + orders) / (gamma_scale + observed_years) AS expected_orders_per_year_sd
    FROM gamma),
  -- Behaviour is relative to the median customer of the base, where a churned customer buys nothing.
  typical AS (
    SELECT median(CASE WHEN churn_ts IS NOT NULL THEN 0.0 ELSE expected_orders_per_year END) AS typical_rate
    FROM expected_rates),
  final AS (
    SELECT * EXCLUDE (persona_rate, persona_rate_variance, persona_mean_inverse_years, gamma_scale, typical_rate),
           CAST(NULL AS DOUBLE) AS expected_nps, CAST(NULL AS DOUBLE) AS attitudinal,
           CASE WHEN churn_ts IS NOT NULL THEN 0.0 ELSE expected_orders_per_year END / nullif(typical_rate, 0) AS behavioural,
           CASE WHEN churn_ts IS NOT NULL THEN 0.0 ELSE expected_orders_per_year_sd END / nullif(typical_rate, 0) AS behavioural_sd,
           CAST(NULL AS VARCHAR) AS quadrant, CAST(NULL AS VARCHAR) AS quadrant_confidence
    FROM expected_rates, typical)
  SELECT {columns} FROM final)sql";

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

Result<std::int64_t> UpdateInteractionExperience(store::Connection& connection, const ExperienceOptions& options) {
  CXM_TRY(connection.Execute(kEvidenceSql));
  CXM_ASSIGN_OR_RETURN(store::Statement dirty, connection.Prepare(kDirtySql));
  CXM_TRY(dirty.Bind(1, options.run.negativity_lambda));
  CXM_TRY(dirty.Bind(2, static_cast<std::int64_t>(options.run.end_window_turns)));
  CXM_TRY(dirty.Execute().error());
  CXM_ASSIGN_OR_RETURN(store::QueryResult count, connection.Query("SELECT count(*) FROM experience_dirty"));
  const std::int64_t updated = count.ScalarInt64().value_or(0);
  if (updated > 0) {
    CXM_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(connection));
    CXM_TRY(connection.Execute(
        "DELETE FROM interaction_experience WHERE interaction_id IN (SELECT interaction_id FROM experience_dirty)"));
    CXM_ASSIGN_OR_RETURN(store::Statement insert, connection.Prepare(kInsertExperienceSql));
    CXM_TRY(insert.Bind(1, options.run.negativity_lambda));
    CXM_TRY(insert.Bind(2, static_cast<std::int64_t>(options.run.end_window_turns)));
    CXM_TRY(insert.Bind(3, options.ending_threshold));
    CXM_TRY(insert.Execute().error());
    CXM_TRY(transaction.Commit());
  }
  CXM_TRY(connection.Execute("DROP TABLE IF EXISTS experience_evidence; DROP TABLE IF EXISTS experience_dirty"));
  return updated;
}

// The reporting currency: the one asked for, which the transactions or the company's rates must
// name, or the transactions' most common currency ("" when none names one).
Result<std::string> ReportingCurrency(store::Engine& engine, const std::string& requested) {
  CXM_ASSIGN_OR_RETURN(const store::Frame known, engine.Run({.name = "analyze.currencies",
      .sql = "SELECT currency FROM (SELECT currency, count(*) AS n FROM transactions WHERE currency IS NOT NULL "
             "GROUP BY 1 UNION ALL SELECT currency, 0 FROM currency_rates) GROUP BY 1 ORDER BY max(n) DESC, 1"}));
  std::vector<std::string> currencies;
  for (std::size_t row = 0; row < known.RowCount(); ++row) currencies.push_back(known.Text(0, row));
  if (requested.empty()) {
    CXM_ASSIGN_OR_RETURN(const store::Frame common, engine.Run({.name = "analyze.common_currency",
        .sql = "SELECT currency FROM transactions WHERE currency IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 "
               "LIMIT 1"}));
    return common.RowCount() == 0 ? std::string() : common.Text(0, 0);
  }
  if (std::find(currencies.begin(), currencies.end(), requested) == currencies.end()) {
    return Status::InvalidArgument(fmt::format(
        "--currency {}: no transaction is in {} and currency_rates has no rate for it; {}", requested, requested,
        currencies.empty() ? "the store names no currency" : "the store has " + Join(currencies, ", ")));
  }
  return requested;
}

Result<std::int64_t> RebuildCustomerState(store::Connection& connection, const ExperienceOptions& requested) {
  ExperienceOptions options = requested;
  {
    store::DuckDbEngine engine(connection);
    CXM_ASSIGN_OR_RETURN(options.run.currency, ReportingCurrency(engine, requested.run.currency));
  }
  CXM_TRY(connection.Execute("DROP TABLE IF EXISTS customer_state_next"));
  CXM_TRY(connection.Execute(store::CustomerStateDdl("customer_state_next")));
  store::DuckDbEngine engine(connection);
  CXM_ASSIGN_OR_RETURN(const std::vector<std::string> purchases,
                       analytics::TouchpointsOfRole(engine, analytics::kPurchaseRole));
  std::vector<store::Parameter> parameters = {options.run.negativity_lambda, options.run.memory_half_life_days,
                                              options.run.currency};
  const std::string is_purchase = analytics::InSql("t.touchpoint", purchases, parameters);
  CXM_ASSIGN_OR_RETURN(store::Statement build, connection.Prepare(fmt::format(
      fmt::runtime(kCustomerStateSql), fmt::arg("fx", analytics::RatesRelationSql()),
      fmt::arg("factor", analytics::ConversionFactorSql("t.currency", "$3")),
      fmt::arg("calibrated", kCalibratedExperienceCtes),
      fmt::arg("columns", Join(store::CustomerStateColumns(), ", ")),
      fmt::arg("memory_term", analytics::MemoryTermSql("t.remembered", "b.as_of", "t.ts", "p")),
      fmt::arg("is_purchase", is_purchase))));
  for (std::size_t idx = 0; idx < parameters.size(); ++idx) {
    CXM_TRY(std::visit([&](const auto& value) { return build.Bind(idx + 1, value); }, parameters[idx]));
  }
  CXM_TRY(build.Execute().error());

  // Attitudinal loyalty: the NPS answer a customer would give, learnt from those who answered
  // (their latest answer against memory and the mean valence of their own words) and applied to
  // all; for those who answered, the average of the model and the answer.
  CXM_ASSIGN_OR_RETURN(const store::Frame answered_frame, engine.Run({.name = "customer_state.answered",
      .sql = "SELECT last_nps::DOUBLE, memory::DOUBLE, coalesce(mean_valence, 0)::DOUBLE, (texts > 0)::DOUBLE "
             "FROM customer_state_next WHERE last_nps IS NOT NULL"}));
  const std::vector<std::vector<double>> answered = analytics::NumberColumns(answered_frame);
  // Without enough answers to learn from, nothing is assumed: a customer who answered has their
  // own answer, the others an unknown attitude (and quadrant), never a default NPS.
  std::vector<double> coefficients = {0.0, 0.0, 0.0, 0.0};
  double model_error = 10;  // NPS points
  bool has_model = false;
  if (answered.size() == 4 && answered[0].size() > 20) {
    if (const std::optional<RegressionFit> fit = FitLinear({answered[1], answered[2], answered[3]}, answered[0])) {
      coefficients = fit->coefficients;
      has_model = true;
      double squares = 0;
      for (std::size_t row = 0; row < answered[0].size(); ++row) {
        const double predicted = coefficients[0] + coefficients[1] * answered[1][row] +
                                 coefficients[2] * answered[2][row] + coefficients[3] * answered[3][row];
        squares += (answered[0][row] - predicted) * (answered[0][row] - predicted);
      }
      model_error = std::sqrt(squares / static_cast<double>(answered[0].size()));
    }
  }
  CXM_ASSIGN_OR_RETURN(store::Statement attitude, connection.Prepare(R"sql(
    UPDATE customer_state_next SET expected_nps = CASE WHEN NOT $5 THEN last_nps::DOUBLE
        ELSE greatest(0.0, least(10.0, CASE WHEN last_nps IS NULL THEN model ELSE (model + last_nps) / 2 END)) END
    FROM (SELECT customer_id AS id, $1 + $2 * memory + $3 * coalesce(mean_valence, 0) + $4 * (texts > 0)::DOUBLE AS model
          FROM customer_state_next) m
    WHERE customer_state_next.customer_id = m.id)sql"));
  for (std::size_t idx = 0; idx < 4; ++idx) CXM_TRY(attitude.Bind(idx + 1, coefficients[idx]));
  CXM_TRY(attitude.Bind(5, has_model));
  CXM_TRY(attitude.Execute().error());
  CXM_ASSIGN_OR_RETURN(store::Statement quadrant, connection.Prepare(R"sql(
    UPDATE customer_state_next SET attitudinal = (expected_nps - 5) / 5,
      quadrant = CASE WHEN expected_nps IS NULL THEN 'unknown'
                      WHEN expected_nps >= $1 AND behavioural >= $2 THEN 'true_loyalty'
                      WHEN expected_nps >= $1 THEN 'latent'
                      WHEN behavioural >= $2 THEN 'spurious'
                      ELSE 'no_loyalty' END)sql"));
  CXM_TRY(quadrant.Bind(1, options.attitudinal_cut_nps));
  CXM_TRY(quadrant.Bind(2, options.behavioural_cut));
  CXM_TRY(quadrant.Execute().error());
  // Confident where both sides sit clearly off their cut-offs: the expected NPS by more than the
  // model's error (halved in variance where the customer answered), the expected purchase rate
  // by more than its posterior standard deviation. Churned customers' behaviour is known.
  CXM_ASSIGN_OR_RETURN(store::Statement confidence, connection.Prepare(R"sql(
    UPDATE customer_state_next SET quadrant_confidence =
      CASE WHEN expected_nps IS NULL THEN 'unknown'
           WHEN abs(expected_nps - $1) >= $3 * CASE WHEN last_nps IS NULL THEN $2 ELSE $2 / sqrt(2) END
            AND (churn_ts IS NOT NULL OR abs(behavioural - $4) >= behavioural_sd)
           THEN 'confident' ELSE 'uncertain' END)sql"));
  CXM_TRY(confidence.Bind(1, options.attitudinal_cut_nps));
  CXM_TRY(confidence.Bind(2, model_error));
  CXM_TRY(confidence.Bind(3, 1.0));
  CXM_TRY(confidence.Bind(4, options.behavioural_cut));
  CXM_TRY(confidence.Execute().error());
  // Published whole, with the settings it was built with: readers (and a run killed at any
  // point) see the previous table and settings or these, complete, never a table between its
  // UPDATEs (where every quadrant was still NULL) nor a table with another run's settings.
  CXM_ASSIGN_OR_RETURN(store::Transaction swap, store::Transaction::Begin(connection));
  CXM_TRY(connection.Execute("DROP TABLE IF EXISTS customer_state; "
                             "ALTER TABLE customer_state_next RENAME TO customer_state; DELETE FROM analysis_settings"));
  CXM_ASSIGN_OR_RETURN(store::Statement settings, connection.Prepare(
      "INSERT INTO analysis_settings (negativity_lambda, end_window_turns, memory_half_life_days, horizon_days, "
      "reference_date, currency, analyzed_at) VALUES ($1, $2, $3, $4, CAST(nullif($5, '') AS DATE), $6, "
      "timezone('UTC', now()))"));
  CXM_TRY(settings.Bind(1, options.run.negativity_lambda));
  CXM_TRY(settings.Bind(2, static_cast<std::int64_t>(options.run.end_window_turns)));
  CXM_TRY(settings.Bind(3, options.run.memory_half_life_days));
  CXM_TRY(settings.Bind(4, static_cast<std::int64_t>(options.run.horizon_days)));
  CXM_TRY(settings.Bind(5, options.run.reference_date));
  CXM_TRY(settings.Bind(6, options.run.currency));
  CXM_TRY(settings.Execute().error());
  CXM_TRY(swap.Commit());
  CXM_ASSIGN_OR_RETURN(store::QueryResult count, connection.Query("SELECT count(*) FROM customer_state"));
  return count.ScalarInt64().value_or(0);
}

Result<AnalyzeSummary> Analyze(store::Database& database, store::Connection& connection,
                               const text::EmotionModel& model, const ExperienceOptions& options,
                               const AnalyzeProgress& progress) {
  AnalyzeSummary summary;
  auto started = std::chrono::steady_clock::now();
  CXM_ASSIGN_OR_RETURN(const ScoringSummary scoring,
                       ScoreNewTexts(database, connection, model, [&](std::int64_t done, std::int64_t total) {
                         if (progress) progress("scoring texts", done, total);
                       }));
  summary.texts_scored = scoring.texts_scored;
  summary.scoring_seconds = Seconds(started);

  started = std::chrono::steady_clock::now();
  if (progress) progress("remembered experience per interaction", 0, 0);
  CXM_ASSIGN_OR_RETURN(summary.interactions_updated, UpdateInteractionExperience(connection, options));
  CXM_ASSIGN_OR_RETURN(store::QueryResult with_experience,
                       connection.Query("SELECT count(*) FROM interaction_experience"));
  summary.interactions_with_experience = with_experience.ScalarInt64().value_or(0);
  summary.experience_seconds = Seconds(started);

  started = std::chrono::steady_clock::now();
  if (progress) progress("memory and loyalty per customer", 0, 0);
  CXM_ASSIGN_OR_RETURN(summary.customers, RebuildCustomerState(connection, options));
  summary.customer_seconds = Seconds(started);
  return summary;
}

}  // namespace cxm::derive
