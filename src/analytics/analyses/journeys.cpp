// Journeys (SPEC §4.5): per touchpoint, volume, remembered score, negative endings, failures and
// effort; step-by-step flows of the first steps, ending in churn (a Sankey); the emotion mix per
// touchpoint.
#include <cmath>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/registry.h"
#include "analytics/statistics.h"

namespace cxm::analytics {
namespace {

constexpr const char* kTouchpointsSql = R"sql(
    WITH {},
    per_interaction AS (
      SELECT i.touchpoint, i.customer_id, i.ts, i.failure IS NOT NULL AS has_failure, i.outcome,
             coalesce(i.repeat_contact, false) AS is_repeat, e.remembered, e.ending
      FROM interactions i LEFT JOIN calibrated_experience e USING (interaction_id)),
    surveys AS (
      SELECT touchpoint, count(csat) AS csat_n, count(*) FILTER (WHERE csat >= 4) AS top2,
             count(ces) AS ces_n, avg(ces) AS ces_mean
      FROM feedback WHERE kind = 'survey' GROUP BY 1),
    last_before_churn AS (
      SELECT arg_max(i.touchpoint, i.ts) AS touchpoint FROM churn ch
      JOIN interactions i ON i.customer_id = ch.customer_id AND i.ts <= ch.ts GROUP BY ch.customer_id),
    drop_off AS (SELECT touchpoint, count(*) AS churned_after FROM last_before_churn GROUP BY 1)
    SELECT p.touchpoint, count(*), count(DISTINCT p.customer_id), count(p.remembered), avg(p.remembered),
           stddev_samp(p.remembered), count(*) FILTER (WHERE p.ending = 'negative'),
           count(*) FILTER (WHERE p.has_failure), count(*) FILTER (WHERE p.is_repeat),
           count(*) FILTER (WHERE p.outcome = 'abandoned'),
           any_value(s.csat_n), any_value(s.top2), any_value(s.ces_n), any_value(s.ces_mean),
           coalesce(any_value(d.churned_after), 0)
    FROM per_interaction p LEFT JOIN surveys s USING (touchpoint) LEFT JOIN drop_off d USING (touchpoint)
    WHERE p.touchpoint IS NOT NULL
    GROUP BY p.touchpoint ORDER BY count(*) DESC, p.touchpoint)sql";

constexpr const char* kFlowsSql = R"sql(
    WITH steps AS (
      SELECT customer_id, touchpoint,
             row_number() OVER (PARTITION BY customer_id ORDER BY ts, interaction_id) AS step,
             count(*) OVER (PARTITION BY customer_id) AS journey_length
      FROM interactions WHERE touchpoint IS NOT NULL),
    early AS (SELECT * FROM steps WHERE step <= $1)
    SELECT concat(a.step, '. ', a.touchpoint) AS source, concat(b.step, '. ', b.touchpoint) AS target, count(*) AS customers
    FROM early a JOIN early b ON b.customer_id = a.customer_id AND b.step = a.step + 1
    GROUP BY 1, 2
    UNION ALL
    SELECT concat(e.step, '. ', e.touchpoint), 'churn', count(*)
    FROM early e JOIN (SELECT DISTINCT customer_id FROM churn) c USING (customer_id)
    WHERE e.step = e.journey_length GROUP BY 1, 2
    ORDER BY 1, 3 DESC, 2)sql";

constexpr const char* kEmotionMixSql = R"sql(
    WITH texts AS (
      SELECT i.touchpoint, t.top_emotion FROM text_emotions t JOIN interactions i USING (interaction_id)
      WHERE t.source = 'message'
      UNION ALL
      SELECT f.touchpoint, t.top_emotion FROM text_emotions t JOIN feedback f USING (feedback_id)
      WHERE t.source = 'feedback')
    SELECT touchpoint, top_emotion, count(*) AS texts,
           count(*) / sum(count(*)) OVER (PARTITION BY touchpoint) AS share
    FROM texts WHERE touchpoint IS NOT NULL AND top_emotion IS NOT NULL
    GROUP BY touchpoint, top_emotion ORDER BY touchpoint, texts DESC, top_emotion)sql";

}  // namespace

Result<std::vector<Finding>> RunJourneys(AnalysisContext& context) {
  std::vector<Finding> findings;
  CXM_ASSIGN_OR_RETURN(const store::Frame touchpoints, Run(context.engine, "journeys.touchpoints",
                                                           fmt::format(kTouchpointsSql, kCalibratedExperienceCtes)));
  Finding map{.key = "journey_touchpoints", .title = "Journey map: touchpoints"};
  map.columns = {TextColumn("touchpoint"), IntegerColumn("interactions"), IntegerColumn("customers"),
                 IntegerColumn("with_evidence"), NumberColumn("mean_remembered", 3), NumberColumn("remembered_low", 3),
                 NumberColumn("remembered_high", 3), PercentColumn("negative_ending_pct"), PercentColumn("failure_pct"),
                 PercentColumn("failure_low"), PercentColumn("failure_high"), PercentColumn("repeat_contact_pct"),
                 PercentColumn("abandoned_pct"), PercentColumn("csat_top2_pct"), NumberColumn("ces_mean", 2),
                 IntegerColumn("churned_after")};
  std::string worst_touchpoint;
  double worst_remembered = 2;
  std::vector<std::string> thin;
  for (std::size_t row = 0; row < touchpoints.RowCount(); ++row) {
    auto number = [&](std::size_t column) { return touchpoints.Number(column, row); };
    const double interactions = number(1);
    const double with_evidence = number(3);
    const double mean = number(4);
    const double sd = number(5);
    const double half = with_evidence > 1 ? StudentTQuantile(0.975, with_evidence - 1) * sd / std::sqrt(with_evidence) : NAN;
    const Estimate failures = ProportionEstimate(number(7), interactions);
    map.rows.push_back({touchpoints.Text(0, row), Int(interactions), Int(number(2)), Int(with_evidence), Num(mean),
                        Num(mean - half), Num(mean + half), with_evidence > 0 ? Pct(number(6) / with_evidence) : Cell(),
                        Pct(failures.value), Pct(failures.low), Pct(failures.high), Pct(number(8) / interactions),
                        Pct(number(9) / interactions), Pct(number(11) / number(10)), Num(number(13)), Int(number(14))});
    if (with_evidence < kSmallGroup) thin.push_back(touchpoints.Text(0, row));
    if (with_evidence >= kSmallGroup && mean < worst_remembered) {
      worst_remembered = mean;
      worst_touchpoint = touchpoints.Text(0, row);
    }
  }
  map.summary = worst_touchpoint.empty()
                    ? "No touchpoint has enough evidence yet; run cxm analyze."
                    : fmt::format("Customers remember {} worst (mean remembered score {:+.2f} on -1..+1).",
                                  worst_touchpoint, worst_remembered);
  if (!thin.empty()) {
    map.diagnostics.push_back({"small_group", fmt::format("Fewer than {} interactions with evidence at: {}; their "
                                                          "remembered scores are not compared.", kSmallGroup,
                                                          fmt::join(thin, ", "))});
  }
  findings.push_back(std::move(map));

  // Step-by-step flows of the first steps of every journey, and where journeys end in churn.
  constexpr std::int64_t kSteps = 6;
  CXM_ASSIGN_OR_RETURN(const store::Frame flows, Run(context.engine, "journeys.flows", kFlowsSql, {kSteps}));
  Finding transitions{.key = "journey_flows", .title = "Journey flows (first steps, and churn)",
                      .columns = {TextColumn("source"), TextColumn("target"), IntegerColumn("customers")}};
  double to_churn = 0;
  for (std::size_t row = 0; row < flows.RowCount(); ++row) {
    transitions.rows.push_back({flows.Text(0, row), flows.Text(1, row), Int(flows.Number(2, row))});
    if (flows.Text(1, row) == "churn") to_churn += flows.Number(2, row);
  }
  transitions.summary = fmt::format("{} step-to-step flows over the first {} steps of each journey; {:.0f} "
                                    "customers churned within them.", transitions.rows.size(), kSteps, to_churn);
  findings.push_back(std::move(transitions));

  CXM_ASSIGN_OR_RETURN(const store::Frame mix, Run(context.engine, "journeys.emotion_mix", kEmotionMixSql));
  Finding heatmap{.key = "emotion_heatmap", .title = "Emotions by touchpoint",
                  .columns = {TextColumn("touchpoint"), TextColumn("emotion"), IntegerColumn("texts"),
                              PercentColumn("share_pct")}};
  for (std::size_t row = 0; row < mix.RowCount(); ++row) {
    heatmap.rows.push_back({mix.Text(0, row), mix.Text(1, row), Int(mix.Number(2, row)), Pct(mix.Number(3, row))});
  }
  heatmap.summary = "The strongest of the 27 emotions in each customer text (neutral aside), as a share of the "
                    "touchpoint's texts.";
  findings.push_back(std::move(heatmap));
  return findings;
}

}  // namespace cxm::analytics
