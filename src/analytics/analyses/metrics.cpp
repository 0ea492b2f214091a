// Metrics: NPS, CSAT, CES and CSI by any dimensions, with 95% CIs and tests between groups or
// periods (SPEC §4.4). The trend of the report is the same by month.
#include <algorithm>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/filter.h"
#include "analytics/registry.h"
#include "analytics/statistics.h"
#include "common/strings.h"

namespace cxm::analytics {
namespace {

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

Result<Finding> Metrics(store::Engine& engine, const std::vector<std::string>& by_names, const Filter& filter) {
  std::vector<const Dimension*> by;
  for (const std::string& name : by_names) {
    const auto* found = std::find_if(std::begin(kDimensions), std::end(kDimensions),
                                     [&](const Dimension& dimension) { return dimension.name == name; });
    if (found == std::end(kDimensions)) {
      return Status::InvalidArgument(fmt::format("--by {}: not a dimension; use one of {}", name,
                                                 Join(MetricDimensions(), ", ")));
    }
    by.push_back(found);
  }
  // The base holds every dimension the request names (in --by or --where); joins only as needed.
  bool needs_interactions = false;
  bool needs_customers = false;
  std::vector<std::string> base_columns;
  for (const Dimension& dimension : kDimensions) {
    const bool is_named = std::find(by.begin(), by.end(), &dimension) != by.end() || filter.Names(dimension.name);
    if (!is_named) continue;
    needs_interactions |= dimension.join == 'i';
    needs_customers |= dimension.join == 'c';
    base_columns.push_back(fmt::format("{} AS {}", dimension.expression, dimension.name));
  }
  base_columns.insert(base_columns.end(), {"f.nps", "f.csat", "f.ces"});
  std::vector<std::string> group_names;
  for (const Dimension* dimension : by) group_names.emplace_back(dimension->name);
  const std::string group_list = group_names.empty() ? "" : Join(group_names, ", ");
  std::vector<store::Parameter> parameters;
  const std::string condition = FilterSql(filter, [](const std::string& name) { return name; }, parameters);
  std::string sql = fmt::format(
      "WITH base AS (SELECT {} FROM feedback f{}{}) "
      "SELECT {}count(nps)::DOUBLE, count(*) FILTER (WHERE nps >= 9)::DOUBLE, count(*) FILTER (WHERE nps <= 6)::DOUBLE, "
      "count(csat)::DOUBLE, count(*) FILTER (WHERE csat >= 4)::DOUBLE, coalesce(sum(csat), 0)::DOUBLE, coalesce(sum(csat * csat), 0)::DOUBLE, "
      "count(ces)::DOUBLE, coalesce(sum(ces), 0)::DOUBLE, coalesce(sum(ces * ces), 0)::DOUBLE FROM base{}{}{}",
      Join(base_columns, ", "),
      needs_interactions ? " LEFT JOIN interactions i ON i.interaction_id = f.interaction_id" : "",
      needs_customers ? " LEFT JOIN customers c ON c.customer_id = f.customer_id" : "",
      group_names.empty() ? "" : group_list + ", ", condition.empty() ? "" : " WHERE " + condition,
      group_names.empty() ? "" : " GROUP BY " + group_list,
      group_names.empty() ? "" : " ORDER BY " + group_list);
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(engine, "metrics.groups", sql, std::move(parameters)));

  const std::size_t key_count = group_names.size();
  std::vector<GroupSums> groups;
  GroupSums total;
  for (std::size_t row = 0; row < frame.RowCount(); ++row) {
    GroupSums sums;
    for (std::size_t idx = 0; idx < key_count; ++idx) {
      sums.keys.push_back(frame.IsNull(idx, row) ? "(none)" : frame.Text(idx, row));
    }
    double* fields[] = {&sums.nps_n, &sums.promoters, &sums.detractors, &sums.csat_n, &sums.csat_top2,
                        &sums.csat_sum, &sums.csat_squares, &sums.ces_n, &sums.ces_sum, &sums.ces_squares};
    for (std::size_t idx = 0; idx < 10; ++idx) *fields[idx] = frame.Number(key_count + idx, row);
    total += sums;
    groups.push_back(std::move(sums));
  }

  Finding finding{.key = "metrics", .title = "Metrics"};
  for (const std::string& name : group_names) finding.columns.push_back(TextColumn(name));
  finding.columns.insert(finding.columns.end(), {
      IntegerColumn("nps_answers"), NumberColumn("nps", 1), NumberColumn("nps_low", 1), NumberColumn("nps_high", 1),
      IntegerColumn("csat_answers"), PercentColumn("csat_top2_pct"), PercentColumn("csat_top2_low"),
      PercentColumn("csat_top2_high"), NumberColumn("csat_mean", 2), NumberColumn("csi", 1),
      IntegerColumn("ces_answers"), NumberColumn("ces_mean", 2), NumberColumn("ces_low", 2), NumberColumn("ces_high", 2),
      TextColumn("compared_with"), PointsColumn("nps_change"), NumberColumn("nps_change_p", 4),
      PointsColumn("csat_top2_change_pts"), NumberColumn("csat_top2_change_p", 4), TextColumn("note")});
  const bool compares_periods = !by.empty() && IsPeriod(by.back()->name);
  int significant = 0;
  int small = 0;
  for (std::size_t idx = 0; idx < groups.size(); ++idx) {
    const GroupSums& group = groups[idx];
    std::vector<Cell> cells(group.keys.begin(), group.keys.end());
    const Estimate nps = NpsEstimate(group.promoters, group.detractors, group.nps_n);
    const Estimate top2 = ProportionEstimate(group.csat_top2, group.csat_n);
    const Estimate csat = MeanEstimate(group.csat_sum, group.csat_squares, group.csat_n);
    const Estimate ces = MeanEstimate(group.ces_sum, group.ces_squares, group.ces_n);
    cells.insert(cells.end(), {Int(group.nps_n), Num(nps.value), Num(nps.low), Num(nps.high), Int(group.csat_n),
                               Pct(top2.value), Pct(top2.low), Pct(top2.high), Num(csat.value),
                               Num((csat.value - 1) / 4 * 100), Int(group.ces_n), Num(ces.value), Num(ces.low),
                               Num(ces.high)});
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
    const bool is_small = group.nps_n < kSmallGroup && group.csat_n < kSmallGroup;
    small += is_small ? 1 : 0;
    std::string note = is_small ? "small group" : "";
    if (reference) {
      const Difference nps_change = CompareNps(reference->promoters, reference->detractors, reference->nps_n,
                                               group.promoters, group.detractors, group.nps_n);
      const Difference top2_change = CompareProportions(reference->csat_top2, reference->csat_n, group.csat_top2, group.csat_n);
      cells.insert(cells.end(), {reference_name, Num(nps_change.difference), Num(nps_change.p_value),
                                 Num(100 * top2_change.difference), Num(top2_change.p_value)});
      if (note.empty() && (nps_change.p_value < 0.05 || top2_change.p_value < 0.05)) {
        note = "significant difference";
        ++significant;
      }
    } else {
      cells.insert(cells.end(), {std::string(), Cell(), Cell(), Cell(), Cell()});
    }
    cells.emplace_back(note);
    finding.rows.push_back(std::move(cells));
  }
  const Estimate overall = NpsEstimate(total.promoters, total.detractors, total.nps_n);
  const Estimate overall_top2 = ProportionEstimate(total.csat_top2, total.csat_n);
  // Only what was answered is summarised: a store without NPS gets no NPS figure.
  std::vector<std::string> parts;
  if (total.nps_n > 0) {
    parts.push_back(fmt::format("NPS {:+.1f} (95% CI {:+.1f} to {:+.1f}, {:.0f} answers)", overall.value, overall.low,
                                overall.high, total.nps_n));
  }
  if (total.csat_n > 0) {
    parts.push_back(fmt::format("CSAT top-2 {:.1f}% ({:.1f} to {:.1f}, {:.0f} answers)", 100 * overall_top2.value,
                                100 * overall_top2.low, 100 * overall_top2.high, total.csat_n));
  }
  if (total.ces_n > 0 && parts.empty()) {
    const Estimate ces = MeanEstimate(total.ces_sum, total.ces_squares, total.ces_n);
    parts.push_back(fmt::format("CES {:.2f} ({:.2f} to {:.2f}, {:.0f} answers)", ces.value, ces.low, ces.high, total.ces_n));
  }
  finding.summary = parts.empty()
      ? "No NPS, CSAT or CES answers in the data."
      : fmt::format("{}. {} of {} groups differ significantly (p < 0.05) from {}.", Join(parts, "; "), significant,
                    groups.size(), compares_periods ? "the period before" : "all other groups");
  if (small > 0) {
    finding.diagnostics.push_back({"small_group", fmt::format("{} of {} groups have fewer than {} NPS and CSAT "
                                                             "answers: their estimates are wide and not tested.",
                                                             small, groups.size(), kSmallGroup)});
  }
  if (total.nps_n == 0) finding.diagnostics.push_back({"missing_values", "No NPS answers in the data."});
  if (total.csat_n == 0) finding.diagnostics.push_back({"missing_values", "No CSAT answers in the data."});
  return finding;
}

}  // namespace

const std::vector<std::string>& MetricDimensions() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const Dimension& dimension : kDimensions) names.emplace_back(dimension.name);
    return names;
  }();
  return kNames;
}

Result<std::vector<Finding>> RunMetrics(AnalysisContext& context) {
  CXM_ASSIGN_OR_RETURN(const Filter filter, ParseFilter(context.arguments.Text("where"), MetricDimensions()));
  CXM_ASSIGN_OR_RETURN(Finding finding, Metrics(context.engine, context.arguments.List("by"), filter));
  return std::vector<Finding>{std::move(finding)};
}

Result<std::vector<Finding>> RunTrend(AnalysisContext& context) {
  CXM_ASSIGN_OR_RETURN(Finding finding, Metrics(context.engine, {"month"}, Filter{}));
  finding.key = "trend";
  finding.title = "Trends by month";
  return std::vector<Finding>{std::move(finding)};
}

}  // namespace cxm::analytics
