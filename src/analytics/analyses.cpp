#include "analytics/analyses.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "analytics/experience.h"
#include "analytics/statistics.h"
#include "common/strings.h"

namespace cxm::analytics {
namespace {

constexpr int kSmallGroup = 30;

std::string Percent(double share, int decimals = 1) {
  return std::isfinite(share) ? fmt::format("{:.{}f}", 100 * share, decimals) : "";
}
std::string PValue(double p) {
  if (!std::isfinite(p)) return "";
  return p < 0.0001 ? "0.0000" : fmt::format("{:.4f}", p);
}

Result<std::vector<std::string>> Touchpoints(store::Connection& connection) {
  CXM_ASSIGN_OR_RETURN(const TextRows rows, QueryRows(connection,
      "SELECT touchpoint FROM interactions WHERE touchpoint IS NOT NULL GROUP BY 1 ORDER BY 1"));
  std::vector<std::string> names;
  for (const auto& row : rows) names.push_back(Text(row[0]));
  return names;
}

// ---- Metrics ----

struct Dimension {
  std::string_view name;
  std::string_view expression;
  char join;  // 'i' interactions, 'c' customers, 0 none
};
constexpr Dimension kDimensions[] = {
    {"touchpoint", "f.touchpoint", 0},
    {"kind", "f.kind", 0},
    {"month", "strftime(f.ts, '%Y-%m')", 0},
    {"quarter", "concat(year(f.ts), '-Q', quarter(f.ts))", 0},
    {"week", "strftime(f.ts, '%G-W%V')", 0},
    {"year", "CAST(year(f.ts) AS VARCHAR)", 0},
    {"channel", "i.channel", 'i'},
    {"team", "i.team", 'i'},
    {"agent", "i.agent_id", 'i'},
    {"journey_stage", "i.journey_stage", 'i'},
    {"segment", "c.segment", 'c'},
    {"persona", "c.persona", 'c'},
    {"language", "c.language", 'c'},
    {"country", "c.country", 'c'},
    {"loyalty_member", "CAST(c.loyalty_member AS VARCHAR)", 'c'},
};

bool IsPeriod(std::string_view name) {
  return name == "month" || name == "quarter" || name == "week" || name == "year";
}

// Sums per group, in the order of the query.
struct GroupSums {
  std::vector<std::string> keys;
  double nps_n = 0, promoters = 0, detractors = 0;
  double csat_n = 0, csat_top2 = 0, csat_sum = 0, csat_squares = 0;
  double ces_n = 0, ces_sum = 0, ces_squares = 0;
  GroupSums& operator-=(const GroupSums& other) {
    nps_n -= other.nps_n; promoters -= other.promoters; detractors -= other.detractors;
    csat_n -= other.csat_n; csat_top2 -= other.csat_top2; csat_sum -= other.csat_sum;
    csat_squares -= other.csat_squares; ces_n -= other.ces_n; ces_sum -= other.ces_sum;
    ces_squares -= other.ces_squares;
    return *this;
  }
  GroupSums& operator+=(const GroupSums& other) {
    nps_n += other.nps_n; promoters += other.promoters; detractors += other.detractors;
    csat_n += other.csat_n; csat_top2 += other.csat_top2; csat_sum += other.csat_sum;
    csat_squares += other.csat_squares; ces_n += other.ces_n; ces_sum += other.ces_sum;
    ces_squares += other.ces_squares;
    return *this;
  }
};

}  // namespace

const std::vector<std::string>& MetricDimensions() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const Dimension& dimension : kDimensions) names.emplace_back(dimension.name);
    return names;
  }();
  return kNames;
}

Result<Finding> Metrics(store::Connection& connection, const MetricsRequest& request) {
  std::vector<const Dimension*> by;
  for (const std::string& name : request.by) {
    const auto* found = std::find_if(std::begin(kDimensions), std::end(kDimensions),
                                     [&](const Dimension& dimension) { return dimension.name == name; });
    if (found == std::end(kDimensions)) {
      return Status::InvalidArgument(fmt::format("--by {}: not a dimension; use one of {}", name,
                                                 Join(MetricDimensions(), ", ")));
    }
    by.push_back(found);
  }
  if (request.where.find(';') != std::string::npos) {
    return Status::InvalidArgument("--where: one condition, without ';'");
  }
  // The base holds every dimension the request names (in --by or --where); joins only as needed.
  bool needs_interactions = false;
  bool needs_customers = false;
  std::vector<std::string> base_columns;
  for (const Dimension& dimension : kDimensions) {
    const bool is_named = std::find(by.begin(), by.end(), &dimension) != by.end() ||
                          request.where.find(dimension.name) != std::string::npos;
    if (!is_named) continue;
    needs_interactions |= dimension.join == 'i';
    needs_customers |= dimension.join == 'c';
    base_columns.push_back(fmt::format("{} AS {}", dimension.expression, dimension.name));
  }
  base_columns.insert(base_columns.end(), {"f.nps", "f.csat", "f.ces"});
  std::vector<std::string> group_names;
  for (const Dimension* dimension : by) group_names.emplace_back(dimension->name);
  const std::string group_list = group_names.empty() ? "" : Join(group_names, ", ");
  std::string sql = fmt::format(
      "WITH base AS (SELECT {} FROM feedback f{}{}) "
      "SELECT {}count(nps)::DOUBLE, count(*) FILTER (WHERE nps >= 9)::DOUBLE, count(*) FILTER (WHERE nps <= 6)::DOUBLE, "
      "count(csat)::DOUBLE, count(*) FILTER (WHERE csat >= 4)::DOUBLE, coalesce(sum(csat), 0)::DOUBLE, coalesce(sum(csat * csat), 0)::DOUBLE, "
      "count(ces)::DOUBLE, coalesce(sum(ces), 0)::DOUBLE, coalesce(sum(ces * ces), 0)::DOUBLE FROM base{}{}{}",
      Join(base_columns, ", "),
      needs_interactions ? " LEFT JOIN interactions i ON i.interaction_id = f.interaction_id" : "",
      needs_customers ? " LEFT JOIN customers c ON c.customer_id = f.customer_id" : "",
      group_names.empty() ? "" : group_list + ", ",
      request.where.empty() ? "" : " WHERE (" + request.where + ")",
      group_names.empty() ? "" : " GROUP BY " + group_list,
      group_names.empty() ? "" : " ORDER BY " + group_list);
  auto prepared = connection.Prepare(sql);
  if (!prepared.has_value()) {
    return Status::InvalidArgument(fmt::format("--where {}: {}", request.where, prepared.error().message()));
  }
  CXM_ASSIGN_OR_RETURN(store::QueryResult result, prepared->Execute());
  const TextRows rows = result.AllRowsAsText();

  const std::size_t key_count = group_names.size();
  std::vector<GroupSums> groups;
  GroupSums total;
  for (const auto& row : rows) {
    GroupSums sums;
    for (std::size_t idx = 0; idx < key_count; ++idx) sums.keys.push_back(row[idx] ? *row[idx] : "(none)");
    double* fields[] = {&sums.nps_n, &sums.promoters, &sums.detractors, &sums.csat_n, &sums.csat_top2,
                        &sums.csat_sum, &sums.csat_squares, &sums.ces_n, &sums.ces_sum, &sums.ces_squares};
    for (std::size_t idx = 0; idx < 10; ++idx) *fields[idx] = Number(row[key_count + idx]);
    total += sums;
    groups.push_back(std::move(sums));
  }

  Finding finding{.key = "metrics", .title = "Metrics"};
  finding.columns = group_names;
  finding.is_numeric.assign(key_count, false);
  for (const char* column : {"nps_answers", "nps", "nps_low", "nps_high", "csat_answers", "csat_top2_pct",
                             "csat_top2_low", "csat_top2_high", "csat_mean", "csi", "ces_answers", "ces_mean",
                             "ces_low", "ces_high"}) {
    finding.columns.emplace_back(column);
    finding.is_numeric.push_back(true);
  }
  for (const char* column : {"compared_with", "nps_change", "nps_change_p", "csat_top2_change_pts", "csat_top2_change_p", "note"}) {
    finding.columns.emplace_back(column);
    finding.is_numeric.push_back(std::string_view(column) != "compared_with" && std::string_view(column) != "note");
  }
  const bool compares_periods = !by.empty() && IsPeriod(by.back()->name);
  int significant = 0;
  for (std::size_t idx = 0; idx < groups.size(); ++idx) {
    const GroupSums& group = groups[idx];
    std::vector<std::string> cells = group.keys;
    const Estimate nps = NpsEstimate(group.promoters, group.detractors, group.nps_n);
    const Estimate top2 = ProportionEstimate(group.csat_top2, group.csat_n);
    const Estimate csat = MeanEstimate(group.csat_sum, group.csat_squares, group.csat_n);
    const Estimate ces = MeanEstimate(group.ces_sum, group.ces_squares, group.ces_n);
    cells.insert(cells.end(), {Fixed(group.nps_n, 0), Fixed(nps.value, 1), Fixed(nps.low, 1), Fixed(nps.high, 1),
                               Fixed(group.csat_n, 0), Percent(top2.value), Percent(top2.low), Percent(top2.high),
                               Fixed(csat.value, 2), Fixed((csat.value - 1) / 4 * 100, 1), Fixed(group.ces_n, 0),
                               Fixed(ces.value, 2), Fixed(ces.low, 2), Fixed(ces.high, 2)});
    // Compare with the previous period of the same group, or with everyone else.
    std::optional<GroupSums> reference;
    std::string reference_name;
    if (compares_periods) {
      if (idx > 0 && std::equal(group.keys.begin(), group.keys.end() - 1, groups[idx - 1].keys.begin())) {
        reference = groups[idx - 1];
        reference_name = groups[idx - 1].keys.back();
      }
    } else if (!group.keys.empty()) {
      reference = total;
      *reference -= group;
      reference_name = "all others";
    }
    std::string note = group.nps_n < kSmallGroup && group.csat_n < kSmallGroup ? "small group" : "";
    if (reference) {
      const Difference nps_change = CompareNps(reference->promoters, reference->detractors, reference->nps_n,
                                               group.promoters, group.detractors, group.nps_n);
      const Difference top2_change = CompareProportions(reference->csat_top2, reference->csat_n, group.csat_top2, group.csat_n);
      cells.insert(cells.end(), {reference_name, Fixed(nps_change.difference, 1), PValue(nps_change.p_value),
                                 Fixed(100 * top2_change.difference, 1), PValue(top2_change.p_value)});
      if (note.empty() && (nps_change.p_value < 0.05 || top2_change.p_value < 0.05)) {
        note = "significant difference";
        ++significant;
      }
    } else {
      cells.insert(cells.end(), {"", "", "", "", ""});
    }
    cells.push_back(note);
    finding.rows.push_back(std::move(cells));
  }
  const Estimate overall = NpsEstimate(total.promoters, total.detractors, total.nps_n);
  const Estimate overall_top2 = ProportionEstimate(total.csat_top2, total.csat_n);
  finding.summary = fmt::format(
      "NPS {:+.1f} (95% CI {:+.1f} to {:+.1f}, {:.0f} answers); CSAT top-2 {:.1f}% ({:.1f} to {:.1f}, {:.0f} answers). "
      "{} of {} groups differ significantly (p < 0.05) from {}.",
      overall.value, overall.low, overall.high, total.nps_n, 100 * overall_top2.value, 100 * overall_top2.low,
      100 * overall_top2.high, total.csat_n, significant, groups.size(),
      compares_periods ? "the period before" : "all other groups");
  return finding;
}

// ---- Journeys ----

Result<std::vector<Finding>> Journeys(store::Connection& connection) {
  std::vector<Finding> findings;
  CXM_ASSIGN_OR_RETURN(const TextRows touchpoints, QueryRows(connection, fmt::format(R"sql(
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
    GROUP BY p.touchpoint ORDER BY count(*) DESC, p.touchpoint)sql", kCalibratedExperienceCtes)));
  Finding map{.key = "journey_touchpoints", .title = "Journey map: touchpoints"};
  map.columns = {"touchpoint", "interactions", "customers", "with_evidence", "mean_remembered", "remembered_low",
                 "remembered_high", "negative_ending_pct", "failure_pct", "failure_low", "failure_high",
                 "repeat_contact_pct", "abandoned_pct", "csat_top2_pct", "ces_mean", "churned_after"};
  map.is_numeric.assign(map.columns.size(), true);
  map.is_numeric[0] = false;
  std::string worst_touchpoint;
  double worst_remembered = 2;
  for (const auto& row : touchpoints) {
    const double interactions = Number(row[1]);
    const double with_evidence = Number(row[3]);
    const double mean = Number(row[4]);
    const double sd = Number(row[5]);
    const double half = with_evidence > 1 ? StudentTQuantile(0.975, with_evidence - 1) * sd / std::sqrt(with_evidence) : NAN;
    const Estimate failures = ProportionEstimate(Number(row[7]), interactions);
    map.rows.push_back({Text(row[0]), Text(row[1]), Text(row[2]), Text(row[3]), Fixed(mean, 3), Fixed(mean - half, 3),
                        Fixed(mean + half, 3), with_evidence > 0 ? Percent(Number(row[6]) / with_evidence) : "",
                        Percent(failures.value), Percent(failures.low), Percent(failures.high),
                        Percent(Number(row[8]) / interactions), Percent(Number(row[9]) / interactions),
                        Percent(Number(row[11]) / Number(row[10])), Fixed(Number(row[13]), 2), Text(row[14])});
    if (with_evidence >= kSmallGroup && mean < worst_remembered) {
      worst_remembered = mean;
      worst_touchpoint = Text(row[0]);
    }
  }
  map.summary = worst_touchpoint.empty()
                    ? "No touchpoint has enough evidence yet; run cxm analyze."
                    : fmt::format("Customers remember {} worst (mean remembered score {:+.2f} on -1..+1).",
                                  worst_touchpoint, worst_remembered);
  findings.push_back(std::move(map));

  // Step-by-step flows of the first steps of every journey, and where journeys end in churn.
  constexpr std::int64_t kSteps = 6;
  CXM_ASSIGN_OR_RETURN(const TextRows flows, QueryRows(connection, R"sql(
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
    ORDER BY 1, 3 DESC, 2)sql", {kSteps}));
  Finding transitions{.key = "journey_flows", .title = "Journey flows (first steps, and churn)",
                      .columns = {"source", "target", "customers"}, .is_numeric = {false, false, true}};
  double to_churn = 0;
  for (const auto& row : flows) {
    transitions.rows.push_back({Text(row[0]), Text(row[1]), Text(row[2])});
    if (Text(row[1]) == "churn") to_churn += Number(row[2]);
  }
  transitions.summary = fmt::format("{} step-to-step flows over the first {} steps of each journey; {:.0f} "
                                    "customers churned within them.", transitions.rows.size(), kSteps, to_churn);
  findings.push_back(std::move(transitions));

  CXM_ASSIGN_OR_RETURN(const TextRows mix, QueryRows(connection, R"sql(
    WITH texts AS (
      SELECT i.touchpoint, t.top_emotion FROM text_emotions t JOIN interactions i USING (interaction_id)
      WHERE t.source = 'message'
      UNION ALL
      SELECT f.touchpoint, t.top_emotion FROM text_emotions t JOIN feedback f USING (feedback_id)
      WHERE t.source = 'feedback')
    SELECT touchpoint, top_emotion, count(*) AS texts,
           count(*) / sum(count(*)) OVER (PARTITION BY touchpoint) AS share
    FROM texts WHERE touchpoint IS NOT NULL AND top_emotion IS NOT NULL
    GROUP BY touchpoint, top_emotion ORDER BY touchpoint, texts DESC, top_emotion)sql"));
  Finding heatmap{.key = "emotion_heatmap", .title = "Emotions by touchpoint",
                  .columns = {"touchpoint", "emotion", "texts", "share_pct"}, .is_numeric = {false, false, true, true}};
  for (const auto& row : mix) {
    heatmap.rows.push_back({Text(row[0]), Text(row[1]), Text(row[2]), Percent(Number(row[3]))});
  }
  heatmap.summary = "The strongest of the 27 emotions in each customer text (neutral aside), as a share of the "
                    "touchpoint's texts.";
  findings.push_back(std::move(heatmap));
  return findings;
}

// ---- Moments of truth ----

namespace {

// Support contacts about a failure (from 10 days before it is recorded to 14 days after, as in
// Recovery): a moment of their own. A recovery moves memory beyond the conversation's score (the
// failure forgiven, the paradox), which would otherwise be credited to support as such.
constexpr const char* kRecoveryContactsCte = R"sql(
  recovery_contacts AS (
    SELECT DISTINCT s.interaction_id FROM interactions s
    JOIN interactions f ON f.customer_id = s.customer_id AND f.failure IS NOT NULL
         AND s.ts BETWEEN f.ts - INTERVAL 10 DAY AND f.ts + INTERVAL 14 DAY
    WHERE s.touchpoint = 'support'))sql";
constexpr const char* kRecoveryMoment = "support: recovery after a failure";

// Per customer active at the reference date (the store's end minus the horizon): each
// touchpoint's memory component up to that date (lambda-weighted remembered scores, decayed;
// interactions without evidence at their touchpoint-and-failure mean) and what happened within
// the horizon after it.
constexpr const char* kMomentsSql = R"sql(
  WITH {calibrated},
  bounds AS (SELECT max(ts) - to_days(CAST($1 AS INTEGER)) AS as_of,
                         max(ts) AS store_end FROM interactions),
  churned AS (SELECT customer_id, min(ts) AS churn_ts FROM churn GROUP BY 1),
  {recovery_contacts},
  active AS (
    SELECT c.customer_id, ch.churn_ts FROM customers c CROSS JOIN bounds b
    LEFT JOIN churned ch USING (customer_id)
    WHERE (ch.churn_ts IS NULL OR ch.churn_ts >= b.as_of) AND coalesce(c.signup_ts, b.as_of) < b.as_of),
  touch AS (
    SELECT i.customer_id, CASE WHEN rc.interaction_id IS NULL THEN i.touchpoint ELSE {recovery_moment} END AS moment,
           (CASE WHEN r.remembered < 0 THEN $3 * r.remembered ELSE r.remembered END)
             * pow(2, -(epoch(b.as_of) - epoch(i.ts)) / 86400.0 / $2) AS component,
           pow(2, -(epoch(b.as_of) - epoch(i.ts)) / 86400.0 / $2) AS activity
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
    WHERE touchpoint = 'purchase' AND ts >= b.as_of AND ts < b.as_of + to_days(CAST($1 AS INTEGER)) GROUP BY 1),
  revenue_before AS (
    SELECT t.customer_id, sum(t.amount * coalesce(fx.sek_per_unit, 1.0)) AS revenue
    FROM transactions t LEFT JOIN {fx} USING (currency) CROSS JOIN bounds b
    WHERE t.amount > 0 AND t.ts < b.as_of AND t.ts >= b.as_of - INTERVAL 365 DAY GROUP BY 1)
  SELECT {selected}, coalesce(d.disposition, 0)::DOUBLE,
         coalesce(k.activity, 0)::DOUBLE,
         (a.churn_ts IS NOT NULL AND a.churn_ts < b.as_of + to_days(CAST($1 AS INTEGER)))::DOUBLE AS churned,
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
  answers AS (
    SELECT customer_id, ts, nps, lag(ts) OVER w AS previous_ts, lag(nps) OVER w AS previous_nps
    FROM feedback WHERE nps IS NOT NULL AND customer_id IS NOT NULL
    WINDOW w AS (PARTITION BY customer_id ORDER BY ts, feedback_id)),
  pairs AS (SELECT row_number() OVER () AS pair_id, * FROM answers WHERE previous_ts IS NOT NULL),
  {recovery_contacts},
  between_answers AS (
    SELECT p.pair_id, CASE WHEN rc.interaction_id IS NULL THEN i.touchpoint ELSE {recovery_moment} END AS moment,
           (CASE WHEN r.remembered < 0 THEN $2 * r.remembered ELSE r.remembered END)
             * pow(2, -(epoch(p.ts) - epoch(i.ts)) / 86400.0 / $1) AS component
    FROM pairs p
    JOIN interactions i ON i.customer_id = p.customer_id AND i.ts > p.previous_ts AND i.ts <= p.ts
    LEFT JOIN calibrated_experience e USING (interaction_id)
    LEFT JOIN recovery_contacts rc USING (interaction_id)
    LEFT JOIN experience_cell c ON c.touchpoint = i.touchpoint AND c.has_failure = (i.failure IS NOT NULL)
    CROSS JOIN LATERAL (SELECT coalesce(e.remembered, c.remembered, 0.0) AS remembered) r)
  SELECT {selected}, ((epoch(p.ts) - epoch(p.previous_ts)) / 86400.0)::DOUBLE AS days_between,
         (p.nps - p.previous_nps)::DOUBLE AS nps_change
  FROM pairs p LEFT JOIN between_answers b USING (pair_id)
  GROUP BY p.pair_id, p.ts, p.previous_ts, p.nps, p.previous_nps)sql";

}  // namespace

Result<std::vector<Finding>> Moments(store::Connection& connection, const AnalysisOptions& options) {
  CXM_ASSIGN_OR_RETURN(std::vector<std::string> touchpoints, Touchpoints(connection));
  if (touchpoints.empty()) return Status::InvalidArgument("no interactions with a touchpoint in the store");
  touchpoints.emplace_back(kRecoveryMoment);  // the moments: each touchpoint, and recoveries
  std::vector<std::string> components;
  std::vector<std::string> selected;
  std::vector<SqlParameter> parameters = {static_cast<std::int64_t>(options.horizon_days),
                                          options.memory_half_life_days, options.negativity_lambda};
  for (std::size_t idx = 0; idx < touchpoints.size(); ++idx) {
    parameters.emplace_back(touchpoints[idx]);
    components.push_back(fmt::format("sum(component) FILTER (WHERE moment = ${}) AS c{}", parameters.size(), idx));
    selected.push_back(fmt::format("coalesce(k.c{}, 0)::DOUBLE", idx));
  }
  const std::string sql = fmt::format(fmt::runtime(kMomentsSql), fmt::arg("components", Join(components, ", ")),
                                      fmt::arg("selected", Join(selected, ", ")), fmt::arg("fx", kReferenceRatesSql),
                                      fmt::arg("calibrated", kCalibratedExperienceCtes),
                                      fmt::arg("recovery_contacts", kRecoveryContactsCte),
                                      fmt::arg("recovery_moment", fmt::format("${}", parameters.size())));
  CXM_ASSIGN_OR_RETURN(const std::vector<std::vector<double>> data, ReadColumns(connection, sql, parameters));
  const std::size_t tp_count = touchpoints.size();
  constexpr std::size_t kControls = 2;  // disposition, activity
  Columns predictors(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(tp_count + kControls));
  const std::vector<double>& churned = data[tp_count + kControls];
  const std::vector<double>& repurchased = data[tp_count + kControls + 1];
  const std::vector<double>& revenue = data[tp_count + kControls + 2];

  // A touchpoint no active customer met has a constant zero column: leave it out of the models.
  std::vector<std::size_t> used;
  for (std::size_t idx = 0; idx < tp_count + kControls; ++idx) {
    const auto [low, high] = std::minmax_element(predictors[idx].begin(), predictors[idx].end());
    if (low != predictors[idx].end() && *high - *low > 1e-12) used.push_back(idx);
  }
  Columns model_columns;
  for (std::size_t idx : used) model_columns.push_back(predictors[idx]);
  const std::optional<RegressionFit> churn_fit = FitLogistic(model_columns, churned);
  const std::optional<RegressionFit> repurchase_fit = FitLogistic(model_columns, repurchased);

  // The ranking model: change in NPS between a customer's consecutive answers.
  std::vector<SqlParameter> change_parameters = {options.memory_half_life_days, options.negativity_lambda};
  std::vector<std::string> change_selected;
  for (const std::string& touchpoint : touchpoints) {
    change_parameters.emplace_back(touchpoint);
    change_selected.push_back(fmt::format("coalesce(sum(b.component) FILTER (WHERE b.moment = ${}), 0)::DOUBLE",
                                          change_parameters.size()));
  }
  CXM_ASSIGN_OR_RETURN(const std::vector<std::vector<double>> change_data, ReadColumns(connection,
      fmt::format(fmt::runtime(kNpsChangeSql), fmt::arg("selected", Join(change_selected, ", ")),
                  fmt::arg("calibrated", kCalibratedExperienceCtes), fmt::arg("recovery_contacts", kRecoveryContactsCte),
                  fmt::arg("recovery_moment", fmt::format("${}", change_parameters.size()))),
      change_parameters));
  std::vector<std::size_t> change_used;
  Columns change_columns;
  constexpr std::size_t kChangeControls = 1;  // days between answers
  for (std::size_t idx = 0; idx < tp_count + kChangeControls; ++idx) {
    const auto [low, high] = std::minmax_element(change_data[idx].begin(), change_data[idx].end());
    if (low == change_data[idx].end() || *high - *low <= 1e-12) continue;
    change_used.push_back(idx);
    change_columns.push_back(change_data[idx]);
  }
  const std::optional<RegressionFit> change_fit = FitLinear(change_columns, change_data[tp_count + kChangeControls]);

  struct Effect {
    double coefficient = NAN, low = NAN, high = NAN;
  };
  auto effect_of = [](const std::optional<RegressionFit>& fit, const std::vector<std::size_t>& columns, std::size_t idx) {
    const auto found = std::find(columns.begin(), columns.end(), idx);
    if (!fit || found == columns.end()) return Effect{};
    const std::size_t position = static_cast<std::size_t>(found - columns.begin()) + 1;
    const double coefficient = fit->coefficients[position];
    const double se = fit->standard_errors[position];
    return Effect{coefficient, coefficient - kZ95 * se, coefficient + kZ95 * se};
  };
  struct Row {
    std::string touchpoint;
    Effect nps_change, churn, repurchase;
    double exposed = 0, negative = 0, revenue_at_stake = 0;
  };
  std::vector<Row> rows;
  for (std::size_t idx = 0; idx < tp_count; ++idx) {
    Row row{.touchpoint = touchpoints[idx], .nps_change = effect_of(change_fit, change_used, idx),
            .churn = effect_of(churn_fit, used, idx), .repurchase = effect_of(repurchase_fit, used, idx)};
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
  moments.columns = {"rank", "touchpoint", "nps_change_coef", "nps_change_low", "nps_change_high", "churn_coef",
                     "churn_low", "churn_high", "repurchase_coef", "repurchase_low", "repurchase_high",
                     "customers_exposed", "customers_negative", "value_at_stake_sek"};
  moments.is_numeric.assign(moments.columns.size(), true);
  moments.is_numeric[1] = false;
  for (std::size_t rank = 0; rank < rows.size(); ++rank) {
    const Row& row = rows[rank];
    const bool is_weighed = !std::isnan(row.nps_change.coefficient);
    moments.rows.push_back({is_weighed ? std::to_string(rank + 1) : "", row.touchpoint,
                            Fixed(row.nps_change.coefficient, 3), Fixed(row.nps_change.low, 3), Fixed(row.nps_change.high, 3),
                            Fixed(row.churn.coefficient, 3), Fixed(row.churn.low, 3), Fixed(row.churn.high, 3),
                            Fixed(row.repurchase.coefficient, 3), Fixed(row.repurchase.low, 3), Fixed(row.repurchase.high, 3),
                            Fixed(row.exposed, 0), Fixed(row.negative, 0), Fixed(row.revenue_at_stake, 0)});
  }
  std::vector<std::string> unweighed;
  for (const Row& row : rows) {
    if (std::isnan(row.nps_change.coefficient)) unweighed.push_back(row.touchpoint);
  }
  // The headline is the top touchpoint; recovery after a failure is said beside it.
  const auto top = std::find_if(rows.begin(), rows.end(), [](const Row& row) {
    return row.touchpoint != kRecoveryMoment && !std::isnan(row.nps_change.coefficient);
  });
  const auto recovery = std::find_if(rows.begin(), rows.end(), [](const Row& row) {
    return row.touchpoint == kRecoveryMoment && !std::isnan(row.nps_change.coefficient);
  });
  if (top != rows.end()) {
    const auto runner_up = std::find_if(top + 1, rows.end(), [](const Row& row) {
      return row.touchpoint != kRecoveryMoment && !std::isnan(row.nps_change.coefficient);
    });
    const bool is_clear = runner_up == rows.end() || top->nps_change.low > runner_up->nps_change.high;
    moments.summary = fmt::format(
        "{} is the moment of truth{}: one point of remembered experience there moves a customer's next NPS answer by "
        "{:+.2f} points (95% CI {:+.2f} to {:+.2f}), estimated within customers across {} pairs of answers and "
        "jointly with every other touchpoint; {} customers remember it badly, bringing {:.0f} SEK in the year before "
        "the reference date.{}{}",
        top->touchpoint,
        is_clear ? "" : fmt::format(" — though not clearly ahead of {}, whose 95% interval overlaps", runner_up->touchpoint),
        top->nps_change.coefficient, top->nps_change.low, top->nps_change.high,
        change_fit ? change_fit->observations : 0, static_cast<std::int64_t>(top->negative), top->revenue_at_stake,
        recovery == rows.end() ? ""
            : fmt::format(" How a failure is recovered weighs {:+.2f} points per point remembered (95% CI {:+.2f} to {:+.2f}).",
                          recovery->nps_change.coefficient, recovery->nps_change.low, recovery->nps_change.high),
        unweighed.empty() ? "" : " No evidence to weigh " + Join(unweighed, ", ") + " (nothing said or rated there).");
  } else {
    moments.summary = "Too few customers answered NPS twice to rank moments of truth.";
  }
  Finding models{.key = "moments_models", .title = "Moments of truth: the joint models",
                 .columns = {"outcome", "model", "observations", "fit"},
                 .is_numeric = {false, false, true, true}};
  auto describe = [&](const char* outcome, const char* model, const std::optional<RegressionFit>& fit) {
    models.rows.push_back({outcome, model, fit ? std::to_string(fit->observations) : "",
                           fit ? Fixed(fit->r_squared, 4) : ""});
  };
  describe("churn within horizon", "logistic (McFadden R²)", churn_fit);
  describe("repurchase within horizon", "logistic (McFadden R²)", repurchase_fit);
  describe("change between consecutive NPS answers (ranks the moments)", "linear (R²)", change_fit);
  models.summary = fmt::format(
      "The ranking model explains the change in a customer's NPS between two answers by what they remembered of "
      "each touchpoint in between (disposition cancels out). Churn and repurchase within {} days are regressed on "
      "each touchpoint's remembered experience before the reference date, controlling for disposition "
      "(mean valence of the customer's words) and activity; they are shown for scale, as a customer's disposition "
      "can still leak into them.", options.horizon_days);
  return std::vector<Finding>{std::move(moments), std::move(models)};
}

// ---- Key drivers ----

namespace {

struct DriverData {
  std::vector<std::string> names;
  Columns attributes;
  std::vector<double> outcome;
  bool is_remembered_scale = false;  // attributes in -1..1
};

Result<DriverData> DefaultDriverData(store::Connection& connection) {
  CXM_ASSIGN_OR_RETURN(const std::vector<std::string> touchpoints, Touchpoints(connection));
  std::vector<std::string> selected;
  std::vector<SqlParameter> parameters;
  for (const std::string& touchpoint : touchpoints) {
    parameters.emplace_back(touchpoint);
    selected.push_back(fmt::format("avg(e.remembered) FILTER (WHERE e.touchpoint = ${})", parameters.size()));
  }
  CXM_ASSIGN_OR_RETURN(std::vector<std::vector<double>> data, ReadColumns(connection, fmt::format(
      "WITH {} SELECT s.last_nps::DOUBLE, {} FROM customer_state s JOIN calibrated_experience e USING (customer_id) "
      "WHERE s.last_nps IS NOT NULL GROUP BY s.customer_id, s.last_nps", kCalibratedExperienceCtes, Join(selected, ", ")),
      parameters));
  DriverData driver_data{.names = touchpoints, .outcome = std::move(data[0]), .is_remembered_scale = true};
  driver_data.attributes.assign(std::make_move_iterator(data.begin() + 1), std::make_move_iterator(data.end()));
  return driver_data;
}

Result<DriverData> TableDriverData(store::Connection& connection, const DriversRequest& request) {
  CXM_ASSIGN_OR_RETURN(const TextRows columns, QueryRows(connection,
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
      {request.from}));
  if (columns.empty()) return Status::InvalidArgument(fmt::format("--from {}: no such table or view in the store", request.from));
  std::set<std::string> numeric;
  for (const auto& row : columns) {
    const std::string type = Text(row[1]);
    if (type == "DOUBLE" || type == "FLOAT" || type == "BIGINT" || type == "INTEGER" || type == "SMALLINT" ||
        type == "TINYINT" || type == "HUGEINT" || type.rfind("DECIMAL", 0) == 0 || type == "UBIGINT" || type == "UINTEGER") {
      numeric.insert(Text(row[0]));
    }
  }
  if (!numeric.contains(request.outcome)) {
    return Status::InvalidArgument(fmt::format("--outcome {}: not a numeric column of {}", request.outcome, request.from));
  }
  DriverData driver_data;
  if (request.attributes.empty()) {
    for (const auto& row : columns) {
      if (numeric.contains(Text(row[0])) && Text(row[0]) != request.outcome) driver_data.names.push_back(Text(row[0]));
    }
  } else {
    for (const std::string& name : request.attributes) {
      if (!numeric.contains(name)) {
        return Status::InvalidArgument(fmt::format("--attributes {}: not a numeric column of {}", name, request.from));
      }
      driver_data.names.push_back(name);
    }
  }
  if (driver_data.names.empty()) return Status::InvalidArgument(fmt::format("{}: no numeric attribute columns", request.from));
  if (driver_data.names.size() > 16) return Status::InvalidArgument("at most 16 attributes (Shapley is exact over all subsets)");
  std::vector<std::string> selected = {fmt::format("CAST({} AS DOUBLE)", QuoteIdentifier(request.outcome))};
  for (const std::string& name : driver_data.names) selected.push_back(fmt::format("CAST({} AS DOUBLE)", QuoteIdentifier(name)));
  CXM_ASSIGN_OR_RETURN(std::vector<std::vector<double>> data, ReadColumns(connection,
      fmt::format("SELECT {} FROM {}", Join(selected, ", "), QuoteIdentifier(request.from))));
  if (request.not_applicable_code) {
    for (std::vector<double>& column : data) {
      for (double& value : column) {
        if (value == *request.not_applicable_code) value = NAN;
      }
    }
  }
  driver_data.outcome = std::move(data[0]);
  driver_data.attributes.assign(std::make_move_iterator(data.begin() + 1), std::make_move_iterator(data.end()));
  return driver_data;
}

}  // namespace

Result<Finding> Drivers(store::Connection& connection, const DriversRequest& request) {
  DriverData data;
  if (request.from.empty()) {
    CXM_ASSIGN_OR_RETURN(data, DefaultDriverData(connection));
  } else {
    CXM_ASSIGN_OR_RETURN(data, TableDriverData(connection, request));
  }
  // Attributes nobody answered cannot be weighed; leave them out and say so.
  std::vector<std::size_t> usable;
  std::vector<std::string> dropped;
  for (std::size_t idx = 0; idx < data.attributes.size(); ++idx) {
    const double r = Pearson(data.attributes[idx], data.outcome);
    (std::isnan(r) ? dropped.push_back(data.names[idx]) : usable.push_back(idx));
  }
  // With pairwise deletion two rarely-answered attributes may share too few respondents (or give
  // a correlation matrix that is not positive definite): drop the thinnest until it works.
  auto answers_of = [&](std::size_t idx) {
    return std::count_if(data.attributes[idx].begin(), data.attributes[idx].end(), [](double v) { return !std::isnan(v); });
  };
  Columns attributes;
  std::optional<std::vector<double>> weights;
  std::optional<std::vector<double>> shapley;
  while (!usable.empty()) {
    attributes.clear();
    for (std::size_t idx : usable) attributes.push_back(data.attributes[idx]);
    weights = RelativeWeights(attributes, data.outcome);
    shapley = ShapleyR2(attributes, data.outcome);
    if (weights && shapley) break;
    const auto thinnest = std::min_element(usable.begin(), usable.end(),
                                           [&](std::size_t a, std::size_t b) { return answers_of(a) < answers_of(b); });
    dropped.push_back(data.names[*thinnest]);
    usable.erase(thinnest);
  }
  if (!weights || !shapley) {
    return Status::InvalidArgument("key drivers need at least three answers per pair of attributes and attributes "
                                   "that are not perfectly collinear");
  }
  const double r_squared = std::accumulate(weights->begin(), weights->end(), 0.0);
  Finding finding{.key = "drivers", .title = request.from.empty() ? "Key drivers of NPS" : "Key drivers of " + request.outcome};
  finding.columns = {"attribute", "answers", "performance", "correlation", "relative_weight_pct", "shapley_pct", "quadrant"};
  finding.is_numeric = {false, true, true, true, true, true, false};
  struct Row {
    std::string name;
    double answers = 0, performance = 0, correlation = 0, weight = 0, shapley = 0;
  };
  std::vector<Row> rows;
  for (std::size_t k = 0; k < usable.size(); ++k) {
    const std::vector<double>& column = data.attributes[usable[k]];
    double sum = 0, n = 0, low = INFINITY, high = -INFINITY;
    for (double value : column) {
      if (std::isnan(value)) continue;
      sum += value;
      n += 1;
      low = std::min(low, value);
      high = std::max(high, value);
    }
    const double mean = sum / n;
    // Performance on 0..100: remembered scores map -1..1; other columns their observed range.
    const double performance = data.is_remembered_scale ? (mean + 1) / 2 * 100
                               : high > low                 ? (mean - low) / (high - low) * 100
                                                            : 50;
    rows.push_back({data.names[usable[k]], n, performance, Pearson(column, data.outcome),
                    r_squared > 0 ? (*weights)[k] / r_squared : NAN, r_squared > 0 ? (*shapley)[k] / r_squared : NAN});
  }
  double mean_weight = 0, mean_performance = 0;
  for (const Row& row : rows) {
    mean_weight += row.weight / static_cast<double>(rows.size());
    mean_performance += row.performance / static_cast<double>(rows.size());
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.weight > b.weight; });
  std::vector<std::string> fix_first;
  for (const Row& row : rows) {
    const bool is_important = row.weight >= mean_weight;
    const bool performs = row.performance >= mean_performance;
    const char* quadrant = is_important ? (performs ? "keep up" : "fix first") : (performs ? "possible overkill" : "low priority");
    if (is_important && !performs) fix_first.push_back(row.name);
    finding.rows.push_back({row.name, Fixed(row.answers, 0), Fixed(row.performance, 1), Fixed(row.correlation, 3),
                            Percent(row.weight), Percent(row.shapley), quadrant});
  }
  finding.summary = fmt::format(
      "The attributes explain R² = {:.3f} of {}; {} matters most ({:.0f}% of the explained variance).{}{}",
      r_squared, request.from.empty() ? "customers' latest NPS" : request.outcome, rows.front().name, 100 * rows.front().weight,
      fix_first.empty() ? "" : " Fix first (important, below-average performance): " + Join(fix_first, ", ") + ".",
      dropped.empty() ? "" : " Left out (no answers to compare): " + Join(dropped, ", ") + ".");
  return finding;
}

// ---- Loyalty ----

Result<Finding> Loyalty(store::Connection& connection) {
  CXM_ASSIGN_OR_RETURN(const TextRows rows, QueryRows(connection, R"sql(
    SELECT quadrant, count(*), sum(revenue_sek), avg(expected_nps), avg(behavioural),
           count(*) FILTER (WHERE churn_ts IS NOT NULL), count(*) / sum(count(*)) OVER (),
           sum(revenue_sek) / sum(sum(revenue_sek)) OVER (),
           count(*) FILTER (WHERE quadrant_confidence = 'confident') / count(*)
    FROM customer_state GROUP BY quadrant
    ORDER BY list_position(['true_loyalty', 'latent', 'spurious', 'no_loyalty'], quadrant))sql"));
  Finding finding{.key = "loyalty", .title = "Loyalty: behaviour x attitude"};
  finding.columns = {"quadrant", "customers", "share_pct", "revenue_sek", "revenue_share_pct", "mean_expected_nps",
                     "mean_behavioural", "churned_pct", "confident_pct"};
  finding.is_numeric = {false, true, true, true, true, true, true, true, true};
  double spurious_revenue = 0, spurious_customers = 0, confident = 0, customers = 0;
  for (const auto& row : rows) {
    finding.rows.push_back({Text(row[0]), Text(row[1]), Percent(Number(row[6])), Fixed(Number(row[2]), 0),
                            Percent(Number(row[7])), Fixed(Number(row[3]), 2), Fixed(Number(row[4]), 2),
                            Percent(Number(row[5]) / Number(row[1])), Percent(Number(row[8]))});
    confident += Number(row[8]) * Number(row[1]);
    customers += Number(row[1]);
    if (Text(row[0]) == "spurious") {
      spurious_revenue = Number(row[2]);
      spurious_customers = Number(row[1]);
    }
  }
  finding.summary = fmt::format(
      "{:.0f} customers buy often but would not recommend us (spurious loyalty, held by inertia): {:.0f} SEK of "
      "revenue at risk to a competitor. {:.0f}% of customers sit clearly inside their quadrant; the others are near "
      "a cut-off given what they said and bought.", spurious_customers, spurious_revenue,
      customers > 0 ? 100 * confident / customers : 0.0);
  return finding;
}

// ---- Recovery ----

namespace {

constexpr const char* kRecoveryGroupsSql = R"sql(
  WITH bounds AS (SELECT max(ts) - to_days(CAST($1 AS INTEGER)) AS last_reference FROM interactions),
  first_failure AS (
    SELECT customer_id, min(ts) AS failure_ts FROM interactions WHERE failure IS NOT NULL GROUP BY 1),
  recovery AS (
    -- Support contacts from shortly before the failure is recorded (a late parcel is chased
    -- while it is late) to two weeks after; recovered well = resolved with a positive end.
    SELECT ff.customer_id, ff.failure_ts,
           coalesce(bool_or(i.outcome = 'resolved' AND e."end" >= $2), false) AS is_recovered_well
    FROM first_failure ff
    LEFT JOIN interactions i ON i.customer_id = ff.customer_id AND i.touchpoint = 'support'
         AND i.ts BETWEEN ff.failure_ts - INTERVAL 10 DAY AND ff.failure_ts + INTERVAL 14 DAY
    LEFT JOIN interaction_experience e ON e.interaction_id = i.interaction_id
    GROUP BY ALL),
  first_purchase AS (
    SELECT customer_id, min(ts) AS purchase_ts FROM interactions WHERE touchpoint = 'purchase' GROUP BY 1),
  grouped AS (
    SELECT p.customer_id, coalesce(r.failure_ts, p.purchase_ts) AS reference_ts,
           CASE WHEN r.customer_id IS NULL THEN 'no failure'
                WHEN r.is_recovered_well THEN 'failure, recovered well'
                ELSE 'failure, poor or no recovery' END AS recovery_group
    FROM first_purchase p LEFT JOIN recovery r USING (customer_id)),
  answers AS (
    SELECT g.customer_id, count(*) FILTER (WHERE f.nps >= 9) AS promoters,
           count(*) FILTER (WHERE f.nps <= 6) AS detractors, count(f.nps) AS answers
    FROM grouped g JOIN feedback f ON f.customer_id = g.customer_id AND f.nps IS NOT NULL
         AND f.ts > g.reference_ts AND f.ts <= g.reference_ts + to_days(CAST($1 AS INTEGER))
    GROUP BY 1)
  SELECT g.recovery_group, count(*)::DOUBLE,
         count(*) FILTER (WHERE c.ts IS NOT NULL AND c.ts <= g.reference_ts + to_days(CAST($1 AS INTEGER)))::DOUBLE,
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
    WHERE s.touchpoint = 'support'),
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

}  // namespace

Result<std::vector<Finding>> Recovery(store::Connection& connection, const AnalysisOptions& options) {
  constexpr double kRecoveredEnd = 0.3;
  CXM_ASSIGN_OR_RETURN(const TextRows rows, QueryRows(connection, kRecoveryGroupsSql,
                                                      {static_cast<std::int64_t>(options.horizon_days), kRecoveredEnd}));
  Finding groups{.key = "recovery_groups", .title = "Service recovery: the paradox test"};
  groups.columns = {"group", "customers", "churn_pct", "churn_low", "churn_high", "churn_change_pts", "churn_change_p",
                    "cohens_h", "nps_answers", "nps", "nps_low", "nps_high", "nps_change", "nps_change_p"};
  groups.is_numeric.assign(groups.columns.size(), true);
  groups.is_numeric[0] = false;
  struct Group {
    std::string name;
    double customers = 0, churned = 0, promoters = 0, detractors = 0, answers = 0;
  };
  std::vector<Group> parsed;
  for (const auto& row : rows) {
    parsed.push_back({Text(row[0]), Number(row[1]), Number(row[2]), Number(row[3]), Number(row[4]), Number(row[5])});
  }
  const Group* baseline = parsed.empty() || parsed.front().name != "no failure" ? nullptr : &parsed.front();
  std::map<std::string, double> churn_rate;
  std::map<std::string, double> churn_p;
  for (const Group& group : parsed) {
    const Estimate churn = ProportionEstimate(group.churned, group.customers);
    const Estimate nps = NpsEstimate(group.promoters, group.detractors, group.answers);
    churn_rate[group.name] = churn.value;
    std::vector<std::string> cells = {group.name, Fixed(group.customers, 0), Percent(churn.value), Percent(churn.low),
                                      Percent(churn.high)};
    if (baseline != nullptr && &group != baseline) {
      const Difference churn_change = CompareProportions(baseline->churned, baseline->customers, group.churned, group.customers);
      const Difference nps_change = CompareNps(baseline->promoters, baseline->detractors, baseline->answers,
                                               group.promoters, group.detractors, group.answers);
      churn_p[group.name] = churn_change.p_value;
      cells.insert(cells.end(), {Fixed(100 * churn_change.difference, 1), PValue(churn_change.p_value),
                                 Fixed(CohensH(baseline->churned / baseline->customers, group.churned / group.customers), 3),
                                 Fixed(group.answers, 0), Fixed(nps.value, 1), Fixed(nps.low, 1), Fixed(nps.high, 1),
                                 Fixed(nps_change.difference, 1), PValue(nps_change.p_value)});
    } else {
      cells.insert(cells.end(), {"", "", "", Fixed(group.answers, 0), Fixed(nps.value, 1), Fixed(nps.low, 1),
                                 Fixed(nps.high, 1), "", ""});
    }
    groups.rows.push_back(std::move(cells));
  }
  if (churn_rate.size() < 3) {
    groups.summary = fmt::format("Not every group has customers whose reference date is {} days before the store's "
                                 "end yet ({} of 3), so the paradox cannot be tested.", options.horizon_days,
                                 churn_rate.size());
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
                                         "recovery paradox (p = {}).", PValue(churn_p["failure, recovered well"]))
                           : fmt::format("Recovered customers churn slightly less than those without a failure, the "
                                         "paradox's sign, but the difference is not significant (p = {}).",
                                         PValue(churn_p["failure, recovered well"])))
                    : fmt::format("No recovery paradox here: a well-recovered failure still costs {:.1f} points of "
                                  "churn against no failure (p = {}).", 100 * (good - none),
                                  PValue(churn_p["failure, recovered well"])));
  }

  CXM_ASSIGN_OR_RETURN(const std::vector<std::vector<double>> justice, ReadColumns(connection, kJusticeSql));
  Finding dimensions{.key = "recovery_justice", .title = "Service recovery: what drives satisfaction with it"};
  dimensions.columns = {"dimension", "measured_by", "relative_weight_pct", "coef_per_sd", "coef_low", "coef_high"};
  dimensions.is_numeric = {false, false, true, true, true, true};
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
      dimensions.rows.push_back({names[idx], measures[idx], weights && total > 0 ? Percent((*weights)[idx] / total) : "",
                                 Fixed(coefficient, 3), Fixed(coefficient - kZ95 * se, 3), Fixed(coefficient + kZ95 * se, 3)});
    }
    dimensions.summary = fmt::format(
        "Across {} surveyed support contacts about a failure, {} drives CSAT most ({} of the explained variance, "
        "R² = {:.3f}).", contacts, dimensions.rows.front()[0], dimensions.rows.front()[2] + "%",
        fit ? fit->r_squared : NAN);
  } else {
    dimensions.summary = fmt::format("Too few surveyed support contacts about a failure ({}) to weigh the justice "
                                     "dimensions.", contacts);
  }
  return std::vector<Finding>{std::move(groups), std::move(dimensions)};
}

// ---- Delivery gap ----

Result<Finding> Gap(store::Connection& connection) {
  CXM_ASSIGN_OR_RETURN(const TextRows rows, QueryRows(connection, R"sql(
    WITH believed AS (
      SELECT touchpoint, arg_max(believed_value, ts) AS believed FROM self_assessment
      WHERE metric = 'csat_top2_pct' GROUP BY 1)
    SELECT b.touchpoint, b.believed, count(f.csat), count(*) FILTER (WHERE f.csat >= 4)
    FROM believed b LEFT JOIN feedback f ON f.touchpoint = b.touchpoint AND f.kind = 'survey' AND f.csat IS NOT NULL
    GROUP BY ALL ORDER BY b.touchpoint)sql"));
  Finding finding{.key = "delivery_gap", .title = "Delivery gap: what the company believes vs what customers say"};
  finding.columns = {"touchpoint", "believed_csat_top2_pct", "actual_csat_top2_pct", "actual_low", "actual_high",
                     "gap_pts", "answers", "note"};
  finding.is_numeric = {false, true, true, true, true, true, true, false};
  std::string widest;
  double widest_gap = -1e9;
  for (const auto& row : rows) {
    const double believed = Number(row[1]);
    const Estimate actual = ProportionEstimate(Number(row[3]), Number(row[2]));
    const double gap = believed - 100 * actual.value;
    const bool is_outside = believed > 100 * actual.high || believed < 100 * actual.low;
    finding.rows.push_back({Text(row[0]), Fixed(believed, 1), Percent(actual.value), Percent(actual.low),
                            Percent(actual.high), Fixed(gap, 1), Fixed(actual.n, 0),
                            actual.is_small ? "small group" : (is_outside ? "belief outside the 95% CI" : "")});
    if (!actual.is_small && std::isfinite(gap) && gap > widest_gap) {
      widest_gap = gap;
      widest = Text(row[0]);
    }
  }
  finding.summary = widest.empty() ? "No self-assessment with enough survey answers to compare."
                                   : fmt::format("The company overrates {} most: {:.1f} points above what customers report.",
                                                 widest, widest_gap);
  return finding;
}

// ---- Memory: remembered vs experienced ----

Result<Finding> Memory(store::Connection& connection, const AnalysisOptions& options) {
  Finding finding{.key = "memory", .title = "Remembered vs experienced"};
  finding.columns = {"outcome", "measure", "observations", "remembered", "experienced", "memory", "better"};
  finding.is_numeric = {false, false, true, true, true, true, false};
  // Conversations: CSAT given afterwards.
  CXM_ASSIGN_OR_RETURN(const std::vector<std::vector<double>> conversation, ReadColumns(connection, R"sql(
    SELECT e.remembered, e.experienced, avg(f.csat)::DOUBLE
    FROM interaction_experience e JOIN feedback f ON f.interaction_id = e.interaction_id AND f.csat IS NOT NULL
    WHERE e.evidence = 'conversation' AND e.evidence_count >= 2 GROUP BY e.interaction_id, e.remembered, e.experienced)sql"));
  int remembered_wins = 0, comparisons = 0;
  auto add = [&](const std::string& outcome, const std::string& measure, std::size_t n, double remembered,
                 double experienced, double memory) {
    const bool is_comparable = std::isfinite(remembered) && std::isfinite(experienced);
    const bool is_better = remembered > experienced;
    if (is_comparable) {
      ++comparisons;
      remembered_wins += is_better ? 1 : 0;
    }
    finding.rows.push_back({outcome, measure, std::to_string(n), Fixed(remembered, 3), Fixed(experienced, 3),
                            Fixed(memory, 3), !is_comparable ? "" : (is_better ? "remembered" : "experienced")});
  };
  if (!conversation.empty() && conversation[0].size() >= 10) {
    add("CSAT after the conversation", "Pearson r", conversation[0].size(), Pearson(conversation[0], conversation[2]),
        Pearson(conversation[1], conversation[2]), NAN);
  }
  // Customers: their remembered and experienced scores before the reference date against what
  // they did within the horizon after it.
  CXM_ASSIGN_OR_RETURN(const std::vector<std::vector<double>> customers, ReadColumns(connection, fmt::format(R"sql(
    WITH {},
    bounds AS (SELECT max(ts) - to_days(CAST($1 AS INTEGER)) AS as_of FROM interactions),
    before AS (
      SELECT e.customer_id, avg(e.remembered) AS remembered, avg(e.experienced) AS experienced,
             sum((CASE WHEN e.remembered < 0 THEN $2 * e.remembered ELSE e.remembered END)
                 * pow(2, -(epoch(b.as_of) - epoch(e.ts)) / 86400.0 / $3)) AS memory
      FROM calibrated_experience e CROSS JOIN bounds b WHERE e.ts < b.as_of GROUP BY 1),
    churned AS (SELECT customer_id, min(ts) AS churn_ts FROM churn GROUP BY 1),
    after AS (
      SELECT bf.customer_id,
             (ch.churn_ts IS NOT NULL AND ch.churn_ts < b.as_of + to_days(CAST($1 AS INTEGER)))::DOUBLE AS churned,
             (SELECT count(*) FROM interactions p WHERE p.customer_id = bf.customer_id AND p.touchpoint = 'purchase'
                AND p.ts >= b.as_of AND p.ts < b.as_of + to_days(CAST($1 AS INTEGER))) > 0 AS repurchased,
             (SELECT arg_max(f.nps, f.ts) FROM feedback f WHERE f.customer_id = bf.customer_id AND f.nps IS NOT NULL
                AND f.ts >= b.as_of AND f.ts < b.as_of + to_days(CAST($1 AS INTEGER))) AS nps
      FROM before bf CROSS JOIN bounds b LEFT JOIN churned ch USING (customer_id)
      WHERE ch.churn_ts IS NULL OR ch.churn_ts >= b.as_of)
    SELECT bf.remembered, bf.experienced, bf.memory, a.churned, a.repurchased::DOUBLE, a.nps::DOUBLE
    FROM before bf JOIN after a USING (customer_id))sql", kCalibratedExperienceCtes),
    {static_cast<std::int64_t>(options.horizon_days), options.negativity_lambda, options.memory_half_life_days}));
  if (!customers.empty() && customers[0].size() >= 10) {
    const std::size_t n = customers[0].size();
    auto negated = [](std::vector<double> values) {
      for (double& value : values) value = -value;
      return values;
    };
    add(fmt::format("churn within {} days", options.horizon_days), "AUC", n, Auc(negated(customers[0]), customers[3]),
        Auc(negated(customers[1]), customers[3]), Auc(negated(customers[2]), customers[3]));
    add(fmt::format("repurchase within {} days", options.horizon_days), "AUC", n, Auc(customers[0], customers[4]),
        Auc(customers[1], customers[4]), Auc(customers[2], customers[4]));
    std::size_t answered = 0;
    for (double value : customers[5]) answered += std::isnan(value) ? 0 : 1;
    add(fmt::format("next NPS answer within {} days", options.horizon_days), "Pearson r", answered,
        Pearson(customers[0], customers[5]), Pearson(customers[1], customers[5]), Pearson(customers[2], customers[5]));
  }
  finding.summary = comparisons == 0
                        ? "Not enough scored interactions with outcomes to compare; run cxm analyze."
                        : fmt::format("Remembered (peak-end) experience predicts {} of {} outcomes better than the "
                                      "average of the experience; 'memory' adds decay and the weight of bad moments.",
                                      remembered_wins, comparisons);
  return finding;
}

// ---- Quotes ----

Result<Finding> Quotes(store::Connection& connection) {
  CXM_ASSIGN_OR_RETURN(const TextRows rows, QueryRows(connection, R"sql(
    WITH turns AS (
      SELECT t.valence, m.text, i.touchpoint, i.interaction_id, m.seq, e.ending, i.outcome, t.language,
             m.seq = max(m.seq) OVER (PARTITION BY i.interaction_id) AS is_last
      FROM text_emotions t
      JOIN messages m ON m.interaction_id = t.interaction_id AND m.seq = t.seq
      JOIN interactions i ON i.interaction_id = t.interaction_id
      LEFT JOIN interaction_experience e ON e.interaction_id = i.interaction_id
      WHERE t.source = 'message' AND m.speaker = 'customer'),
    worst AS (
      SELECT 'worst moments in support' AS finding, text, language, valence FROM turns
      ORDER BY valence, interaction_id, seq LIMIT 4),
    recovered AS (
      SELECT 'how recovered customers end' AS finding, text, language, valence FROM turns
      WHERE is_last AND outcome = 'resolved' AND ending = 'positive'
      ORDER BY valence DESC, interaction_id LIMIT 4),
    reviews AS (
      SELECT CASE WHEN t.valence < 0 THEN 'negative reviews' ELSE 'positive reviews' END AS finding,
             f.text, t.language, t.valence,
             row_number() OVER (PARTITION BY t.valence < 0 ORDER BY abs(t.valence) DESC, f.feedback_id) AS rank
      FROM text_emotions t JOIN feedback f USING (feedback_id)
      WHERE t.source = 'feedback' AND f.kind IN ('review', 'social'))
    SELECT * FROM worst UNION ALL SELECT * FROM recovered
    UNION ALL SELECT finding, text, language, valence FROM reviews WHERE rank <= 3)sql"));
  // Whether the quoted texts were redacted is what the loads recorded, not an assumption: a
  // store loaded with --keep-pii says so in the title.
  CXM_ASSIGN_OR_RETURN(const TextRows redaction, QueryRows(connection, R"sql(
    SELECT count(*) FILTER (WHERE pii_redacted = false), count(*) FILTER (WHERE pii_redacted IS NULL)
    FROM ingest_log WHERE target_table IN ('messages', 'feedback'))sql"));
  const bool has_unredacted = !redaction.empty() && Number(redaction[0][0]) > 0;
  const bool has_unrecorded = !redaction.empty() && Number(redaction[0][1]) > 0;
  Finding finding{.key = "quotes",
                  .title = has_unredacted   ? "What customers said (not redacted)"
                           : has_unrecorded ? "What customers said (redaction not recorded)"
                                            : "What customers said (redacted)",
                  .columns = {"finding", "quote", "language", "valence"}, .is_numeric = {false, false, false, true}};
  for (const auto& row : rows) {
    std::string quote = Text(row[1]);
    if (quote.size() > 280) {
      std::size_t cut = 277;
      while (cut > 0 && (static_cast<unsigned char>(quote[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
      quote = quote.substr(0, cut) + "...";
    }
    finding.rows.push_back({Text(row[0]), quote, Text(row[2]), Fixed(Number(row[3]), 2)});
  }
  finding.summary =
      has_unredacted
          ? "Texts as stored. Some were loaded with --keep-pii: they may hold e-mail addresses, phone numbers, "
            "card numbers and national ids."
      : has_unrecorded
          ? "Texts as stored. Some were loaded by a cxm that did not record whether it redacted them."
          : "Texts as stored: e-mail addresses, phone numbers, cards, IBANs and national ids were redacted on ingest.";
  return finding;
}

}  // namespace cxm::analytics
