// Moments of truth (SPEC §4.5): each touchpoint's remembered experience against the change in
// NPS between a customer's answers (the ranking, within customers), and against churn and
// repurchase within the horizon (jointly, for scale), with CIs and the value at stake.
#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/registry.h"
#include "analytics/statistics.h"
#include "common/strings.h"

namespace cxm::analytics {
namespace {

// Support contacts about a failure (from 10 days before it is recorded to 14 days after, as in
// Recovery): a moment of their own. A recovery moves memory beyond the conversation's score (the
// failure forgiven, the paradox), which would otherwise be credited to support as such.
constexpr const char* kRecoveryContactsCte = R"sql(
  recovery_contacts AS (
    SELECT DISTINCT s.interaction_id FROM interactions s
    JOIN interactions f ON f.customer_id = s.customer_id AND f.failure IS NOT NULL
         AND s.ts BETWEEN f.ts - INTERVAL 10 DAY AND f.ts + INTERVAL 14 DAY
    WHERE {is_support}))sql";

// Per customer active at the reference date (the store's end minus the horizon): each
// touchpoint's memory component up to that date (lambda-weighted remembered scores, decayed;
// interactions without evidence at their touchpoint-and-failure mean) and what happened within
// the horizon after it.
constexpr const char* kMomentsSql = R"sql(
  WITH {calibrated},
  bounds AS (SELECT s.*, {reference} AS as_of FROM {settings}),
  churned AS (SELECT customer_id, min(ts) AS churn_ts FROM churn GROUP BY 1),
  {recovery_contacts},
  active AS (
    SELECT c.customer_id, ch.churn_ts FROM customers c CROSS JOIN bounds b
    LEFT JOIN churned ch USING (customer_id)
    WHERE (ch.churn_ts IS NULL OR ch.churn_ts >= b.as_of) AND coalesce(c.signup_ts, b.as_of) < b.as_of),
  touch AS (
    SELECT i.customer_id, CASE WHEN rc.interaction_id IS NULL THEN i.touchpoint ELSE {recovery_moment} END AS moment,
           {memory_term} AS component,
           {decay} AS activity
    FROM interactions i CROSS JOIN bounds b
    LEFT JOIN calibrated_experience e USING (interaction_id)
    LEFT JOIN recovery_contacts rc USING (interaction_id)
    LEFT JOIN experience_cell c ON c.touchpoint = i.touchpoint AND c.has_failure = (i.failure IS NOT NULL)
    CROSS JOIN LATERAL (SELECT coalesce(e.remembered, c.remembered, 0.0) AS remembered) r
    WHERE i.ts < b.as_of),
  components AS (
    SELECT customer_id, {components}, sum(activity) AS activity FROM touch GROUP BY 1),
  -- The customer's disposition: the mean valence of everything they wrote before the date, so
  -- that a touchpoint where mood shows (a chat while browsing) is not mistaken for a cause.
  disposition AS (
    SELECT customer_id, avg(valence) AS disposition FROM (
      SELECT i.customer_id, t.valence FROM text_emotions t JOIN interactions i USING (interaction_id), bounds b
      WHERE t.source = 'message' AND i.ts < b.as_of
      UNION ALL
      SELECT f.customer_id, t.valence FROM text_emotions t JOIN feedback f USING (feedback_id), bounds b
      WHERE t.source = 'feedback' AND f.ts < b.as_of) GROUP BY 1),
  purchases_after AS (
    SELECT customer_id, count(*) AS orders FROM interactions CROSS JOIN bounds b
    WHERE {is_purchase} AND ts >= b.as_of AND ts < b.as_of + b.horizon GROUP BY 1),
  revenue_before AS (
    SELECT t.customer_id, sum(t.amount * {factor}) AS revenue
    FROM transactions t CROSS JOIN bounds b LEFT JOIN {fx} ON fx.currency = t.currency
    WHERE t.amount > 0 AND t.ts < b.as_of AND t.ts >= b.as_of - INTERVAL 365 DAY GROUP BY 1)
  SELECT {selected}, coalesce(d.disposition, 0)::DOUBLE,
         coalesce(k.activity, 0)::DOUBLE,
         (a.churn_ts IS NOT NULL AND a.churn_ts < b.as_of + b.horizon)::DOUBLE AS churned,
         (coalesce(p.orders, 0) > 0)::DOUBLE AS repurchased, coalesce(r.revenue, 0)::DOUBLE
  FROM active a CROSS JOIN bounds b LEFT JOIN components k USING (customer_id)
  LEFT JOIN purchases_after p USING (customer_id)
  LEFT JOIN revenue_before r USING (customer_id) LEFT JOIN disposition d USING (customer_id))sql";

// Within customers: each pair of consecutive relationship-NPS answers of a customer, the change
// between them, and each touchpoint's lambda-weighted remembered experience in between (decayed
// to the second answer). A customer's disposition is the same at both answers, so it cancels
// out of the change: a touchpoint where mood merely shows cannot pose as a moment of truth.
constexpr const char* kNpsChangeSql = R"sql(
  WITH {calibrated},
  settings AS (SELECT * FROM {settings}),
  answers AS (
    SELECT customer_id, ts, nps, lag(ts) OVER w AS previous_ts, lag(nps) OVER w AS previous_nps
    FROM feedback WHERE nps IS NOT NULL AND customer_id IS NOT NULL
    WINDOW w AS (PARTITION BY customer_id ORDER BY ts, feedback_id)),
  pairs AS (SELECT row_number() OVER () AS pair_id, * FROM answers WHERE previous_ts IS NOT NULL),
  {recovery_contacts},
  between_answers AS (
    SELECT p.pair_id, CASE WHEN rc.interaction_id IS NULL THEN i.touchpoint ELSE {recovery_moment} END AS moment,
           {memory_term} AS component
    FROM pairs p CROSS JOIN settings st
    JOIN interactions i ON i.customer_id = p.customer_id AND i.ts > p.previous_ts AND i.ts <= p.ts
    LEFT JOIN calibrated_experience e USING (interaction_id)
    LEFT JOIN recovery_contacts rc USING (interaction_id)
    LEFT JOIN experience_cell c ON c.touchpoint = i.touchpoint AND c.has_failure = (i.failure IS NOT NULL)
    CROSS JOIN LATERAL (SELECT coalesce(e.remembered, c.remembered, 0.0) AS remembered) r)
  SELECT {selected}, ((epoch(p.ts) - epoch(p.previous_ts)) / 86400.0)::DOUBLE AS days_between,
         (p.nps - p.previous_nps)::DOUBLE AS nps_change
  FROM pairs p LEFT JOIN between_answers b USING (pair_id)
  GROUP BY p.pair_id, p.ts, p.previous_ts, p.nps, p.previous_nps)sql";


struct Effect {
  double coefficient = NAN, low = NAN, high = NAN;
  bool is_separated = false;  // a logistic coefficient that diverged: no estimate
};

// A logistic coefficient past this (per point of remembered experience, odds times e^15), or a
// standard error past kSeparatedError, or a fit that did not converge, is (quasi-)separation:
// the likelihood has no finite maximum, and the number printed would be an artefact.
constexpr double kSeparatedCoefficient = 15;
constexpr double kSeparatedError = 50;

Effect EffectOf(const std::optional<RegressionFit>& fit, const std::vector<std::size_t>& columns, std::size_t idx,
                bool is_logistic = false) {
  const auto found = std::find(columns.begin(), columns.end(), idx);
  if (!fit || found == columns.end()) return Effect{};
  const std::size_t position = static_cast<std::size_t>(found - columns.begin()) + 1;
  const double coefficient = fit->coefficients[position];
  const double se = fit->standard_errors[position];
  if (is_logistic && (!fit->has_converged || std::abs(coefficient) > kSeparatedCoefficient || se > kSeparatedError ||
                      !std::isfinite(se))) {
    return Effect{.is_separated = true};
  }
  return Effect{coefficient, coefficient - kZ95 * se, coefficient + kZ95 * se};
}

// The columns that vary (a touchpoint no customer met is a constant zero: left out of a model).
std::vector<std::size_t> VaryingColumns(const Columns& columns, std::size_t count) {
  std::vector<std::size_t> used;
  for (std::size_t idx = 0; idx < count; ++idx) {
    const auto [low, high] = std::minmax_element(columns[idx].begin(), columns[idx].end());
    if (low != columns[idx].end() && *high - *low > 1e-12) used.push_back(idx);
  }
  return used;
}

}  // namespace

Result<std::vector<Finding>> RunMoments(AnalysisContext& context) {
  store::Engine& engine = context.engine;
  const RunSettings& settings = context.settings;
  CXM_ASSIGN_OR_RETURN(std::vector<std::string> touchpoints, Touchpoints(engine));
  if (touchpoints.empty()) return Status::InvalidArgument("no interactions with a touchpoint in the store");
  CXM_ASSIGN_OR_RETURN(const std::vector<std::string> purchases, TouchpointsOfRole(engine, kPurchaseRole));
  CXM_ASSIGN_OR_RETURN(const std::vector<std::string> supports, TouchpointsOfRole(engine, kSupportRole));
  // The support touchpoints this store's interactions name (both lists are sorted).
  std::vector<std::string> support_names;
  std::set_intersection(supports.begin(), supports.end(), touchpoints.begin(), touchpoints.end(),
                        std::back_inserter(support_names));
  // The moments: each touchpoint, and recoveries after a failure by the support touchpoints.
  const std::string recovery_moment =
      support_names.empty() ? std::string("recovery after a failure") : Join(support_names, "/") + ": recovery after a failure";
  touchpoints.push_back(recovery_moment);
  // The roles' touchpoints first, then one parameter per moment.
  std::vector<store::Parameter> parameters;
  const std::string is_purchase = InSql("touchpoint", purchases, parameters);
  const std::string is_support = InSql("s.touchpoint", supports, parameters);
  std::vector<std::string> components;
  std::vector<std::string> selected;
  for (std::size_t idx = 0; idx < touchpoints.size(); ++idx) {
    parameters.emplace_back(touchpoints[idx]);
    components.push_back(fmt::format("sum(component) FILTER (WHERE moment = ${}) AS c{}", parameters.size(), idx));
    selected.push_back(fmt::format("coalesce(k.c{}, 0)::DOUBLE", idx));
  }
  const std::string recovery_parameter = fmt::format("${}", parameters.size());
  const std::string recovery_contacts = fmt::format(fmt::runtime(kRecoveryContactsCte),
                                                    fmt::arg("is_support", is_support));
  const std::string sql = fmt::format(
      fmt::runtime(kMomentsSql), fmt::arg("components", Join(components, ", ")),
      fmt::arg("selected", Join(selected, ", ")), fmt::arg("fx", RatesRelationSql()),
      fmt::arg("factor", ConversionFactorSql("t.currency", "b.currency")),
      fmt::arg("calibrated", kCalibratedExperienceCtes), fmt::arg("recovery_contacts", recovery_contacts),
      fmt::arg("recovery_moment", recovery_parameter), fmt::arg("settings", SettingsRelationSql()),
      fmt::arg("reference", ReferenceDateSql()), fmt::arg("memory_term", MemoryTermSql("r.remembered", "b.as_of", "i.ts", "b")),
      fmt::arg("decay", DecaySql("b.as_of", "i.ts", "b")), fmt::arg("is_purchase", is_purchase));
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(engine, "moments.customers", sql, parameters));
  const std::vector<std::vector<double>> data = NumberColumns(frame);
  const std::size_t tp_count = touchpoints.size();
  constexpr std::size_t kControls = 2;  // disposition, activity
  Columns predictors(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(tp_count + kControls));
  const std::vector<double>& churned = data[tp_count + kControls];
  const std::vector<double>& repurchased = data[tp_count + kControls + 1];
  const std::vector<double>& revenue = data[tp_count + kControls + 2];

  const std::vector<std::size_t> used = VaryingColumns(predictors, tp_count + kControls);
  Columns model_columns;
  for (std::size_t idx : used) model_columns.push_back(predictors[idx]);
  const std::optional<RegressionFit> churn_fit = FitLogistic(model_columns, churned);
  const std::optional<RegressionFit> repurchase_fit = FitLogistic(model_columns, repurchased);

  // The ranking model: change in NPS between a customer's consecutive answers.
  std::vector<store::Parameter> change_parameters;
  const std::string change_is_support = InSql("s.touchpoint", supports, change_parameters);
  std::vector<std::string> change_selected;
  for (const std::string& touchpoint : touchpoints) {
    change_parameters.emplace_back(touchpoint);
    change_selected.push_back(fmt::format("coalesce(sum(b.component) FILTER (WHERE b.moment = ${}), 0)::DOUBLE",
                                          change_parameters.size()));
  }
  const std::string change_recovery_contacts = fmt::format(fmt::runtime(kRecoveryContactsCte),
                                                           fmt::arg("is_support", change_is_support));
  CXM_ASSIGN_OR_RETURN(const store::Frame change_frame, Run(engine, "moments.nps_changes",
      fmt::format(fmt::runtime(kNpsChangeSql), fmt::arg("selected", Join(change_selected, ", ")),
                  fmt::arg("calibrated", kCalibratedExperienceCtes), fmt::arg("recovery_contacts", change_recovery_contacts),
                  fmt::arg("recovery_moment", fmt::format("${}", change_parameters.size())),
                  fmt::arg("settings", SettingsRelationSql()),
                  fmt::arg("memory_term", MemoryTermSql("r.remembered", "p.ts", "i.ts", "st"))),
      change_parameters));
  const std::vector<std::vector<double>> change_data = NumberColumns(change_frame);
  constexpr std::size_t kChangeControls = 1;  // days between answers
  const std::vector<std::size_t> change_used = VaryingColumns(change_data, tp_count + kChangeControls);
  Columns change_columns;
  for (std::size_t idx : change_used) change_columns.push_back(change_data[idx]);
  const std::optional<RegressionFit> change_fit = FitLinear(change_columns, change_data[tp_count + kChangeControls]);

  struct Row {
    std::string touchpoint;
    Effect nps_change, churn, repurchase;
    double exposed = 0, negative = 0, revenue_at_stake = 0;
  };
  std::vector<Row> rows;
  for (std::size_t idx = 0; idx < tp_count; ++idx) {
    Row row{.touchpoint = touchpoints[idx], .nps_change = EffectOf(change_fit, change_used, idx),
            .churn = EffectOf(churn_fit, used, idx, /*is_logistic=*/true),
            .repurchase = EffectOf(repurchase_fit, used, idx, /*is_logistic=*/true)};
    for (std::size_t customer = 0; customer < revenue.size(); ++customer) {
      const double component = predictors[idx][customer];
      if (component != 0) row.exposed += 1;
      if (component < 0) {
        row.negative += 1;
        row.revenue_at_stake += revenue[customer];
      }
    }
    rows.push_back(row);
  }
  // Touchpoints without evidence (nothing customers said or rated there) cannot be weighed:
  // they go last, with empty effects.
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    const double left = std::isnan(a.nps_change.coefficient) ? -1e300 : a.nps_change.coefficient;
    const double right = std::isnan(b.nps_change.coefficient) ? -1e300 : b.nps_change.coefficient;
    return left > right;
  });

  Finding moments{.key = "moments", .title = "Moments of truth"};
  moments.columns = {IntegerColumn("rank"), TextColumn("touchpoint"), NumberColumn("nps_change_coef", 3),
                     NumberColumn("nps_change_low", 3), NumberColumn("nps_change_high", 3), NumberColumn("churn_coef", 3),
                     NumberColumn("churn_low", 3), NumberColumn("churn_high", 3), NumberColumn("repurchase_coef", 3),
                     NumberColumn("repurchase_low", 3), NumberColumn("repurchase_high", 3),
                     IntegerColumn("customers_exposed"), IntegerColumn("customers_negative"),
                     MoneyColumnOf("value_at_stake", settings.currency)};
  for (std::size_t rank = 0; rank < rows.size(); ++rank) {
    const Row& row = rows[rank];
    const bool is_weighed = !std::isnan(row.nps_change.coefficient);
    moments.rows.push_back({is_weighed ? Int(static_cast<double>(rank + 1)) : Cell(), row.touchpoint,
                            Num(row.nps_change.coefficient), Num(row.nps_change.low), Num(row.nps_change.high),
                            Num(row.churn.coefficient), Num(row.churn.low), Num(row.churn.high),
                            Num(row.repurchase.coefficient), Num(row.repurchase.low), Num(row.repurchase.high),
                            Int(row.exposed), Int(row.negative), Num(row.revenue_at_stake)});
  }
  std::vector<std::string> separated;
  for (const Row& row : rows) {
    if (row.churn.is_separated) separated.push_back(row.touchpoint + " (churn)");
    if (row.repurchase.is_separated) separated.push_back(row.touchpoint + " (repurchase)");
  }
  if (!separated.empty()) {
    moments.diagnostics.push_back({"separation", fmt::format(
        "Perfect or quasi-separation in the logistic models: {}. Their coefficients diverge (no finite maximum of "
        "the likelihood), so no estimate is given for them; the NPS-change ranking is unaffected.",
        Join(separated, ", "))});
  }
  CXM_ASSIGN_OR_RETURN(const std::optional<Diagnostic> unconverted, UnconvertedAmounts(engine, settings));
  if (unconverted) moments.diagnostics.push_back(*unconverted);
  std::vector<std::string> unweighed;
  for (const Row& row : rows) {
    if (std::isnan(row.nps_change.coefficient)) unweighed.push_back(row.touchpoint);
  }
  if (!unweighed.empty()) {
    moments.diagnostics.push_back({"left_out", "No evidence to weigh " + Join(unweighed, ", ") +
                                                   " (nothing said or rated there): left out of the ranking."});
  }
  // The headline is the top touchpoint; recovery after a failure is said beside it.
  auto is_touchpoint = [&](const Row& row) {
    return row.touchpoint != recovery_moment && !std::isnan(row.nps_change.coefficient);
  };
  const auto top = std::find_if(rows.begin(), rows.end(), is_touchpoint);
  const auto recovery = std::find_if(rows.begin(), rows.end(), [&](const Row& row) {
    return row.touchpoint == recovery_moment && !std::isnan(row.nps_change.coefficient);
  });
  if (top != rows.end()) {
    const auto runner_up = std::find_if(top + 1, rows.end(), is_touchpoint);
    const bool is_clear = runner_up == rows.end() || top->nps_change.low > runner_up->nps_change.high;
    moments.summary = fmt::format(
        "{} is the moment of truth{}: one point of remembered experience there moves a customer's next NPS answer by "
        "{:+.2f} points (95% CI {:+.2f} to {:+.2f}), estimated within customers across {} pairs of answers and "
        "jointly with every other touchpoint; {} customers remember it badly, bringing {:.0f}{} in the year before "
        "the reference date.{}{}",
        top->touchpoint,
        is_clear ? "" : fmt::format(" — though not clearly ahead of {}, whose 95% interval overlaps", runner_up->touchpoint),
        top->nps_change.coefficient, top->nps_change.low, top->nps_change.high,
        change_fit ? change_fit->observations : 0, static_cast<std::int64_t>(top->negative), top->revenue_at_stake,
        settings.currency.empty() ? "" : " " + settings.currency,
        recovery == rows.end() ? ""
            : fmt::format(" How a failure is recovered weighs {:+.2f} points per point remembered (95% CI {:+.2f} to {:+.2f}).",
                          recovery->nps_change.coefficient, recovery->nps_change.low, recovery->nps_change.high),
        unweighed.empty() ? "" : " No evidence to weigh " + Join(unweighed, ", ") + " (nothing said or rated there).");
  } else {
    moments.summary = "Too few customers answered NPS twice to rank moments of truth.";
    moments.diagnostics.push_back({"not_enough_data", moments.summary});
  }
  if (change_fit && change_fit->observations < 100) {
    moments.diagnostics.push_back({"small_group", fmt::format("The ranking rests on {} pairs of NPS answers: "
                                                              "intervals are wide.", change_fit->observations)});
  }
  Finding models{.key = "moments_models", .title = "Moments of truth: the joint models",
                 .columns = {TextColumn("outcome"), TextColumn("model"), IntegerColumn("observations"),
                             NumberColumn("fit", 4)}};
  auto describe = [&](const char* outcome, const char* model, const std::optional<RegressionFit>& fit) {
    models.rows.push_back({std::string(outcome), std::string(model),
                           fit ? Int(static_cast<double>(fit->observations)) : Cell(), fit ? Num(fit->r_squared) : Cell()});
  };
  describe("churn within horizon", "logistic (McFadden R²)", churn_fit);
  describe("repurchase within horizon", "logistic (McFadden R²)", repurchase_fit);
  describe("change between consecutive NPS answers (ranks the moments)", "linear (R²)", change_fit);
  models.summary = fmt::format(
      "The ranking model explains the change in a customer's NPS between two answers by what they remembered of "
      "each touchpoint in between (disposition cancels out). Churn and repurchase within {} days are regressed on "
      "each touchpoint's remembered experience before the reference date, controlling for disposition "
      "(mean valence of the customer's words) and activity; they are shown for scale, as a customer's disposition "
      "can still leak into them.", settings.horizon_days);
  models.diagnostics.push_back({"leakage", "Churn and repurchase are regressed on experience before the reference "
                                           "date and outcomes after it; the customer's disposition may still leak "
                                           "into both, so only the within-customer NPS model ranks."});
  return std::vector<Finding>{std::move(moments), std::move(models)};
}

}  // namespace cxm::analytics
