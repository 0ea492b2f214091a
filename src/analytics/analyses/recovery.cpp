// Service recovery (SPEC §4.7): the recovery paradox (no failure / recovered well / poorly)
// with effect sizes and p-values, and which justice dimension drives satisfaction with the
// recovery. Support contacts are those of the touchpoints with the support role.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/registry.h"
#include "analytics/statistics.h"

namespace cxm::analytics {
namespace {

constexpr const char* kRecoveryGroupsSql = R"sql(
  WITH bounds AS (SELECT s.horizon, {reference} AS last_reference FROM {settings}),
  first_failure AS (
    SELECT customer_id, min(ts) AS failure_ts FROM interactions WHERE failure IS NOT NULL GROUP BY 1),
  recovery AS (
    -- Support contacts from shortly before the failure is recorded (a late parcel is chased
    -- while it is late) to two weeks after; recovered well = resolved with a positive end.
    SELECT ff.customer_id, ff.failure_ts,
           coalesce(bool_or(i.outcome = 'resolved' AND e."end" >= $1), false) AS is_recovered_well
    FROM first_failure ff
    LEFT JOIN interactions i ON i.customer_id = ff.customer_id AND {is_support}
         AND i.ts BETWEEN ff.failure_ts - INTERVAL 10 DAY AND ff.failure_ts + INTERVAL 14 DAY
    LEFT JOIN interaction_experience e ON e.interaction_id = i.interaction_id
    GROUP BY ALL),
  first_purchase AS (
    SELECT customer_id, min(ts) AS purchase_ts FROM interactions WHERE {is_purchase} GROUP BY 1),
  grouped AS (
    SELECT p.customer_id, coalesce(r.failure_ts, p.purchase_ts) AS reference_ts,
           CASE WHEN r.customer_id IS NULL THEN 'no failure'
                WHEN r.is_recovered_well THEN 'failure, recovered well'
                ELSE 'failure, poor or no recovery' END AS recovery_group
    FROM first_purchase p LEFT JOIN recovery r USING (customer_id)),
  answers AS (
    SELECT g.customer_id, count(*) FILTER (WHERE f.nps >= 9) AS promoters,
           count(*) FILTER (WHERE f.nps <= 6) AS detractors, count(f.nps) AS answers
    FROM grouped g CROSS JOIN bounds JOIN feedback f ON f.customer_id = g.customer_id AND f.nps IS NOT NULL
         AND f.ts > g.reference_ts AND f.ts <= g.reference_ts + bounds.horizon
    GROUP BY 1)
  SELECT g.recovery_group, count(*)::DOUBLE,
         count(*) FILTER (WHERE c.ts IS NOT NULL AND c.ts <= g.reference_ts + bounds.horizon)::DOUBLE,
         coalesce(sum(a.promoters), 0)::DOUBLE, coalesce(sum(a.detractors), 0)::DOUBLE, coalesce(sum(a.answers), 0)::DOUBLE
  FROM grouped g LEFT JOIN (SELECT customer_id, min(ts) AS ts FROM churn GROUP BY 1) c USING (customer_id)
  LEFT JOIN answers a USING (customer_id), bounds
  WHERE g.reference_ts <= bounds.last_reference
  GROUP BY g.recovery_group
  ORDER BY list_position(['no failure', 'failure, recovered well', 'failure, poor or no recovery'], g.recovery_group))sql";

// Support contacts about a failure with a CSAT answer: the three justice dimensions.
constexpr const char* kJusticeSql = R"sql(
  WITH failures AS (SELECT customer_id, ts AS failure_ts FROM interactions WHERE failure IS NOT NULL),
  contacts AS (
    SELECT s.interaction_id, s.customer_id, s.end_ts, s.transfers, s.repeat_contact, s.outcome,
           s.compensation_value, f.failure_ts,
           row_number() OVER (PARTITION BY s.interaction_id ORDER BY abs(epoch(s.ts) - epoch(f.failure_ts))) AS nearest
    FROM interactions s JOIN failures f ON f.customer_id = s.customer_id
         AND s.ts BETWEEN f.failure_ts - INTERVAL 10 DAY AND f.failure_ts + INTERVAL 14 DAY
    WHERE {is_support_s}),
  order_value AS (
    SELECT customer_id, median(amount) AS typical_order FROM transactions WHERE amount > 0 GROUP BY 1),
  surveyed AS (SELECT interaction_id, avg(csat) AS csat FROM feedback WHERE csat IS NOT NULL GROUP BY 1)
  SELECT -ln(1 + greatest(0, epoch(coalesce(c.end_ts, c.failure_ts)) - epoch(c.failure_ts)) / 3600.0)::DOUBLE AS speed,
         -coalesce(c.transfers, 0)::DOUBLE AS fewer_transfers,
         -(coalesce(c.repeat_contact, false))::INTEGER::DOUBLE AS first_contact,
         (c.outcome = 'resolved')::INTEGER::DOUBLE AS resolved,
         e.emotional_shift::DOUBLE,
         (coalesce(c.compensation_value, 0) / nullif(o.typical_order, 0))::DOUBLE AS compensation,
         s.csat::DOUBLE
  FROM contacts c JOIN surveyed s USING (interaction_id) JOIN interaction_experience e USING (interaction_id)
  LEFT JOIN order_value o ON o.customer_id = c.customer_id
  WHERE c.nearest = 1 AND e.emotional_shift IS NOT NULL)sql";

std::vector<double> Standardised(const std::vector<double>& values) {
  double sum = 0, squares = 0, n = 0;
  for (double value : values) {
    if (std::isnan(value)) continue;
    sum += value;
    squares += value * value;
    n += 1;
  }
  const double mean = n > 0 ? sum / n : 0;
  const double sd = n > 1 ? std::sqrt(std::max(0.0, (squares - n * mean * mean) / (n - 1))) : 0;
  std::vector<double> z(values.size());
  for (std::size_t idx = 0; idx < values.size(); ++idx) {
    z[idx] = std::isnan(values[idx]) ? 0 : (sd > 0 ? (values[idx] - mean) / sd : 0);
  }
  return z;
}

std::string Percent(double share) {
  return std::isfinite(share) ? fmt::format("{:.1f}", 100 * share) : "";
}

std::string FormatP(double p) {
  if (!std::isfinite(p)) return "";
  return p < 0.0001 ? "0.0000" : fmt::format("{:.4f}", p);
}

}  // namespace

Result<std::vector<Finding>> RunRecovery(AnalysisContext& context) {
  constexpr double kRecoveredEnd = 0.3;
  const RunSettings& options = context.settings;
  CXM_ASSIGN_OR_RETURN(const std::vector<std::string> purchases, TouchpointsOfRole(context.engine, kPurchaseRole));
  CXM_ASSIGN_OR_RETURN(const std::vector<std::string> supports, TouchpointsOfRole(context.engine, kSupportRole));
  std::vector<store::Parameter> parameters = {kRecoveredEnd};
  const std::string is_support = InSql("i.touchpoint", supports, parameters);
  const std::string is_purchase = InSql("touchpoint", purchases, parameters);
  CXM_ASSIGN_OR_RETURN(const store::Frame rows, Run(context.engine, "recovery.groups",
      fmt::format(fmt::runtime(kRecoveryGroupsSql), fmt::arg("reference", ReferenceDateSql()),
                  fmt::arg("settings", SettingsRelationSql()), fmt::arg("is_support", is_support),
                  fmt::arg("is_purchase", is_purchase)),
      parameters));
  Finding groups{.key = "recovery_groups", .title = "Service recovery: the paradox test"};
  groups.columns = {TextColumn("group"), IntegerColumn("customers"), PercentColumn("churn_pct"),
                    PercentColumn("churn_low"), PercentColumn("churn_high"), PointsColumn("churn_change_pts"),
                    NumberColumn("churn_change_p", 4), NumberColumn("cohens_h", 3), IntegerColumn("nps_answers"),
                    NumberColumn("nps", 1), NumberColumn("nps_low", 1), NumberColumn("nps_high", 1),
                    PointsColumn("nps_change"), NumberColumn("nps_change_p", 4)};
  struct Group {
    std::string name;
    double customers = 0, churned = 0, promoters = 0, detractors = 0, answers = 0;
  };
  std::vector<Group> parsed;
  for (std::size_t row = 0; row < rows.RowCount(); ++row) {
    parsed.push_back({rows.Text(0, row), rows.Number(1, row), rows.Number(2, row), rows.Number(3, row),
                      rows.Number(4, row), rows.Number(5, row)});
  }
  const Group* baseline = parsed.empty() || parsed.front().name != "no failure" ? nullptr : &parsed.front();
  std::map<std::string, double> churn_rate;
  std::map<std::string, double> churn_p;
  for (const Group& group : parsed) {
    const Estimate churn = ProportionEstimate(group.churned, group.customers);
    const Estimate nps = NpsEstimate(group.promoters, group.detractors, group.answers);
    churn_rate[group.name] = churn.value;
    std::vector<Cell> cells = {group.name, Int(group.customers), Pct(churn.value), Pct(churn.low), Pct(churn.high)};
    if (group.customers < kSmallGroup) {
      groups.diagnostics.push_back({"small_group", fmt::format("'{}' has {:.0f} customers: its churn rate is "
                                                               "uncertain.", group.name, group.customers)});
    }
    if (baseline != nullptr && &group != baseline) {
      const Difference churn_change = CompareProportions(baseline->churned, baseline->customers, group.churned, group.customers);
      const Difference nps_change = CompareNps(baseline->promoters, baseline->detractors, baseline->answers,
                                               group.promoters, group.detractors, group.answers);
      churn_p[group.name] = churn_change.p_value;
      cells.insert(cells.end(), {Num(100 * churn_change.difference), Num(churn_change.p_value),
                                 Num(CohensH(baseline->churned / baseline->customers, group.churned / group.customers)),
                                 Int(group.answers), Num(nps.value), Num(nps.low), Num(nps.high),
                                 Num(nps_change.difference), Num(nps_change.p_value)});
    } else {
      cells.insert(cells.end(), {Cell(), Cell(), Cell(), Int(group.answers), Num(nps.value), Num(nps.low),
                                 Num(nps.high), Cell(), Cell()});
    }
    groups.rows.push_back(std::move(cells));
  }
  if (churn_rate.size() < 3) {
    groups.summary = fmt::format("Not every group has customers whose reference date is {} days before the store's "
                                 "end yet ({} of 3), so the paradox cannot be tested.", options.horizon_days,
                                 churn_rate.size());
    groups.diagnostics.push_back({"not_enough_data", groups.summary});
  } else {
    const double none = churn_rate["no failure"];
    const double good = churn_rate["failure, recovered well"];
    const double poor = churn_rate["failure, poor or no recovery"];
    groups.summary = fmt::format(
        "Within {} days of the first failure (or first order): customers recovered well churn {}%, customers "
        "without a failure {}%, customers recovered poorly {}%. {}",
        options.horizon_days, Percent(good), Percent(none), Percent(poor),
        good < none ? (churn_p["failure, recovered well"] < 0.05
                           ? fmt::format("A good recovery leaves customers more loyal than no failure at all: the "
                                         "recovery paradox (p = {}).", FormatP(churn_p["failure, recovered well"]))
                           : fmt::format("Recovered customers churn slightly less than those without a failure, the "
                                         "paradox's sign, but the difference is not significant (p = {}).",
                                         FormatP(churn_p["failure, recovered well"])))
                    : fmt::format("No recovery paradox here: a well-recovered failure still costs {:.1f} points of "
                                  "churn against no failure (p = {}).", 100 * (good - none),
                                  FormatP(churn_p["failure, recovered well"])));
  }

  std::vector<store::Parameter> justice_parameters;
  const std::string is_support_contact = InSql("s.touchpoint", supports, justice_parameters);
  CXM_ASSIGN_OR_RETURN(const store::Frame justice_frame, Run(context.engine, "recovery.justice",
      fmt::format(fmt::runtime(kJusticeSql), fmt::arg("is_support_s", is_support_contact)), justice_parameters));
  const std::vector<std::vector<double>> justice = NumberColumns(justice_frame);
  Finding dimensions{.key = "recovery_justice", .title = "Service recovery: what drives satisfaction with it"};
  dimensions.columns = {TextColumn("dimension"), TextColumn("measured_by"), PercentColumn("relative_weight_pct"),
                        NumberColumn("coef_per_sd", 3), NumberColumn("coef_low", 3), NumberColumn("coef_high", 3)};
  const std::size_t contacts = justice.empty() ? 0 : justice[0].size();
  if (contacts >= 50) {
    // Process: speed, few transfers, first contact, resolved (z-scores averaged).
    std::vector<double> process(contacts, 0.0);
    for (std::size_t part = 0; part < 4; ++part) {
      const std::vector<double> z = Standardised(justice[part]);
      for (std::size_t idx = 0; idx < contacts; ++idx) process[idx] += z[idx] / 4;
    }
    const Columns dims = {Standardised(process), Standardised(justice[4]), Standardised(justice[5])};
    const std::vector<double>& csat = justice[6];
    const std::optional<std::vector<double>> weights = RelativeWeights(dims, csat);
    const std::optional<RegressionFit> fit = FitLinear(dims, csat);
    const char* names[] = {"process", "interaction", "compensation"};
    const char* measures[] = {"hours to resolution, transfers, repeat contact, resolved",
                              "the customer's emotional shift over the conversation",
                              "compensation relative to the customer's typical order"};
    double total = 0;
    if (weights) total = std::accumulate(weights->begin(), weights->end(), 0.0);
    std::vector<std::size_t> order = {0, 1, 2};
    if (weights) std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return (*weights)[a] > (*weights)[b]; });
    for (std::size_t idx : order) {
      const double coefficient = fit ? fit->coefficients[idx + 1] : NAN;
      const double se = fit ? fit->standard_errors[idx + 1] : NAN;
      dimensions.rows.push_back({std::string(names[idx]), std::string(measures[idx]),
                                 weights && total > 0 ? Pct((*weights)[idx] / total) : Cell(), Num(coefficient),
                                 Num(coefficient - kZ95 * se), Num(coefficient + kZ95 * se)});
    }
    const Cell& top_weight = dimensions.rows.front()[2];
    dimensions.summary = fmt::format(
        "Across {} surveyed support contacts about a failure, {} drives CSAT most ({} of the explained variance, "
        "R² = {:.3f}).", contacts, std::get<std::string>(dimensions.rows.front()[0]),
        std::holds_alternative<double>(top_weight) ? fmt::format("{:.1f}%", std::get<double>(top_weight)) : "%",
        fit ? fit->r_squared : NAN);
  } else {
    dimensions.summary = fmt::format("Too few surveyed support contacts about a failure ({}) to weigh the justice "
                                     "dimensions.", contacts);
    dimensions.diagnostics.push_back({"not_enough_data", dimensions.summary});
  }
  return std::vector<Finding>{std::move(groups), std::move(dimensions)};
}

}  // namespace cxm::analytics
