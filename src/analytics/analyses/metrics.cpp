// Metrics: NPS, CSAT, CES and CSI by any dimensions, with 95% CIs and tests between groups or
// periods (SPEC §4.4). The trend of the report is the same by month.
#include <algorithm>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/attributes.h"
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

// A dimension a request names, resolved: built in, or an attribute of the store joined in.
struct GroupBy {
  std::string name;
  std::string expression;  // over the aliases f, i, c and the attribute's own alias
  char join = 0;           // 'i' / 'c': the base needs interactions / customers
  std::string attribute_join;
  bool is_period = false;
};

// Resolves `names` (built-in dimensions first, then attributes) for rows of `level`, binding
// what the joins need into `parameters`.
Result<std::vector<GroupBy>> ResolveDimensions(const std::vector<std::string>& names,
                                               const std::vector<AttributeInfo>& attributes, Level level,
                                               std::vector<store::Parameter>& parameters) {
  std::vector<GroupBy> resolved;
  for (const std::string& name : names) {
    if (std::any_of(resolved.begin(), resolved.end(), [&](const GroupBy& known) { return known.name == name; })) {
      continue;
    }
    const auto* found = std::find_if(std::begin(kDimensions), std::end(kDimensions),
                                     [&](const Dimension& dimension) { return dimension.name == name; });
    if (found != std::end(kDimensions)) {
      const bool reachable = level == Level::kFeedback || (level == Level::kInteraction && found->join != 0) ||
                             (level == Level::kCustomer && found->join == 'c');
      if (!reachable) {
        return Status::InvalidArgument(fmt::format("--by {}: not a dimension of {}", name, LevelNoun(level)));
      }
      resolved.push_back({.name = name, .expression = std::string(found->expression), .join = found->join,
                          .is_period = IsPeriod(name)});
      continue;
    }
    if (name == "failure") {
      // A feedback answer about no interaction has no failure to speak of: unknown, not "none".
      if (level == Level::kCustomer) return Status::InvalidArgument("--by failure: failures are per interaction");
      resolved.push_back({.name = name,
                          .expression = "CASE WHEN i.interaction_id IS NOT NULL THEN coalesce(i.failure, 'no failure') END",
                          .join = 'i'});
      continue;
    }
    const AttributeInfo* attribute = FindAttribute(attributes, name);
    if (attribute == nullptr) {
      std::vector<std::string> known = MetricDimensions();
      known.push_back("failure");
      for (const std::string& attribute_name : AttributeNames(attributes)) known.push_back(attribute_name);
      return Status::InvalidArgument(fmt::format("--by {}: not a dimension or attribute; use one of {}", name,
                                                 Join(known, ", ")));
    }
    const std::string alias = fmt::format("a{}", resolved.size());
    CXM_ASSIGN_OR_RETURN(std::string join, AttributeJoinSql(*attribute, level, alias, parameters));
    resolved.push_back({.name = name, .expression = alias + ".value", .attribute_join = std::move(join)});
  }
  return resolved;
}

// The dimensions of `names`, in that order.
std::vector<GroupBy> Named(const std::vector<GroupBy>& dimensions, const std::vector<std::string>& names) {
  std::vector<GroupBy> selected;
  for (const std::string& name : names) {
    for (const GroupBy& dimension : dimensions) {
      if (dimension.name == name) {
        selected.push_back(dimension);
        break;
      }
    }
  }
  return selected;
}

std::string DimensionColumns(const std::vector<GroupBy>& dimensions) {
  std::vector<std::string> columns;
  for (const GroupBy& dimension : dimensions) {
    columns.push_back(fmt::format("{} AS {}", dimension.expression, QuoteIdentifier(dimension.name)));
  }
  return Join(columns, ", ");
}

std::string QuotedNames(const std::vector<GroupBy>& dimensions, std::size_t count) {
  std::vector<std::string> names;
  for (std::size_t idx = 0; idx < count; ++idx) names.push_back(QuoteIdentifier(dimensions[idx].name));
  return Join(names, ", ");
}

// Groups in order, numbers as numbers (a charge of 2 before 10), text as text.
std::string OrderSql(const std::vector<GroupBy>& dimensions) {
  std::vector<std::string> keys;
  for (const GroupBy& dimension : dimensions) {
    const std::string name = QuoteIdentifier(dimension.name);
    keys.push_back(fmt::format("TRY_CAST({0} AS DOUBLE) NULLS LAST, {0}", name));
  }
  return Join(keys, ", ");
}

// `--outcome NAME`: the share (a 0/1 attribute, or churn) or mean of an outcome over the rows
// of its own level, by dimensions, each group against all others: churn rate by plan, the
// share recommending by department, delay minutes by seat class.
Result<Finding> OutcomeMetrics(store::Engine& engine, const std::vector<std::string>& by_names, const Filter& filter,
                               const std::string& outcome, const std::vector<AttributeInfo>& attributes) {
  std::vector<store::Parameter> parameters;
  CXM_ASSIGN_OR_RETURN(const Outcome resolved, ResolveOutcome(engine, attributes, outcome, parameters));
  const Level level = resolved.level;
  const std::string& outcome_join = resolved.join;
  const std::string& outcome_sql = resolved.sql;
  const std::string outcome_words = outcome == "churn" ? "churned (as recorded in churn, whenever it happened)" : outcome;
  // The base holds every dimension named in --by or --where, each joined once.
  std::vector<std::string> named = by_names;
  for (const Condition& condition : filter.conditions) named.push_back(condition.dimension);
  CXM_ASSIGN_OR_RETURN(const std::vector<GroupBy> dimensions, ResolveDimensions(named, attributes, level, parameters));
  const std::vector<GroupBy> by = Named(dimensions, by_names);
  // Attributes join by the rows' own ids; only built-in dimensions of a level above need its table.
  bool needs_interactions = false;
  bool needs_customers = false;
  std::string joins;
  for (const GroupBy& dimension : dimensions) {
    needs_interactions |= dimension.join == 'i' && level == Level::kFeedback;
    needs_customers |= dimension.join == 'c' && level != Level::kCustomer;
    joins += dimension.attribute_join;
  }
  std::string from = LevelFromSql(level);
  if (level == Level::kFeedback && needs_interactions) from += " LEFT JOIN interactions i ON i.interaction_id = f.interaction_id";
  if (needs_customers) {
    from += fmt::format(" LEFT JOIN customers c ON c.customer_id = {}.customer_id", level == Level::kFeedback ? "f" : "i");
  }
  const std::string condition = FilterSql(filter, [](const std::string& name) { return QuoteIdentifier(name); }, parameters);
  const std::string group_list = QuotedNames(by, by.size());
  const std::string dimension_columns = DimensionColumns(dimensions);
  const std::string sql = fmt::format(
      "WITH base AS (SELECT {}{}{} AS y FROM {}{}) SELECT {}count(*)::DOUBLE, count(y)::DOUBLE, "
      "coalesce(sum(y), 0)::DOUBLE, coalesce(sum(y * y), 0)::DOUBLE, "
      "count(*) FILTER (WHERE y NOT IN (0, 1))::DOUBLE FROM base{}{}{}",
      dimension_columns, dimension_columns.empty() ? "" : ", ", outcome_sql, from, outcome_join + joins,
      by.empty() ? "" : group_list + ", ", condition.empty() ? "" : " WHERE " + condition,
      by.empty() ? "" : " GROUP BY " + group_list, by.empty() ? "" : " ORDER BY " + OrderSql(by));
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(engine, "metrics.outcome", sql, std::move(parameters)));

  struct Group {
    std::vector<std::string> keys;
    double rows = 0, n = 0, sum = 0, squares = 0, non_binary = 0;
  };
  std::vector<Group> groups;
  Group total;
  const std::size_t key_count = by.size();
  for (std::size_t row = 0; row < frame.RowCount(); ++row) {
    Group group;
    for (std::size_t idx = 0; idx < key_count; ++idx) {
      group.keys.push_back(frame.IsNull(idx, row) ? "(missing)" : frame.Text(idx, row));
    }
    group.rows = frame.Number(key_count, row);
    group.n = frame.Number(key_count + 1, row);
    group.sum = frame.Number(key_count + 2, row);
    group.squares = frame.Number(key_count + 3, row);
    group.non_binary = frame.Number(key_count + 4, row);
    total.rows += group.rows;
    total.n += group.n;
    total.sum += group.sum;
    total.squares += group.squares;
    total.non_binary += group.non_binary;
    groups.push_back(std::move(group));
  }
  if (total.n == 0) {
    return Status::InvalidArgument(fmt::format("--outcome {}: no {} has a value", outcome, LevelNoun(level)));
  }
  const bool is_share = total.non_binary == 0;
  const auto estimate = [&](const Group& group) {
    return is_share ? ProportionEstimate(group.sum, group.n) : MeanEstimate(group.sum, group.squares, group.n);
  };
  const auto variance = [](const Group& group) {
    return group.n > 1 ? (group.squares - group.sum * group.sum / group.n) / (group.n - 1) : NAN;
  };
  Finding finding{.key = "metrics", .title = "Metrics of " + outcome};
  for (const GroupBy& dimension : by) finding.columns.push_back(TextColumn(dimension.name));
  finding.columns.push_back(IntegerColumn(std::string(level == Level::kCustomer ? "customers"
                                                      : level == Level::kInteraction ? "interactions"
                                                                                     : "answers")));
  finding.columns.push_back(IntegerColumn("missing"));
  if (is_share) {
    finding.columns.insert(finding.columns.end(), {PercentColumn(outcome + "_pct"), PercentColumn("low"),
                                                   PercentColumn("high"), TextColumn("compared_with"),
                                                   PointsColumn("difference_pts"), NumberColumn("p", 4), TextColumn("note")});
  } else {
    finding.columns.insert(finding.columns.end(), {NumberColumn(outcome + "_mean", 3), NumberColumn("low", 3),
                                                   NumberColumn("high", 3), TextColumn("compared_with"),
                                                   NumberColumn("difference", 3), NumberColumn("p", 4), TextColumn("note")});
  }
  int significant = 0;
  int small = 0;
  for (const Group& group : groups) {
    std::vector<Cell> cells(group.keys.begin(), group.keys.end());
    const Estimate value = estimate(group);
    cells.insert(cells.end(), {Int(group.n), Int(group.rows - group.n)});
    if (is_share) {
      cells.insert(cells.end(), {Pct(group.n > 0 ? value.value : NAN), Pct(value.low), Pct(value.high)});
    } else {
      cells.insert(cells.end(), {Num(group.n > 0 ? value.value : NAN), Num(value.low), Num(value.high)});
    }
    const bool is_small = group.n < kSmallGroup;
    small += is_small ? 1 : 0;
    std::string note = is_small ? "small group" : "";
    if (!group.keys.empty()) {
      Group others = total;
      others.n -= group.n;
      others.sum -= group.sum;
      others.squares -= group.squares;
      const Difference difference =
          is_share ? CompareProportions(others.sum, others.n, group.sum, group.n)
                   : CompareMeans(others.sum / others.n, variance(others), others.n, group.sum / group.n,
                                  variance(group), group.n);
      cells.insert(cells.end(), {std::string("all others"), Num(is_share ? 100 * difference.difference : difference.difference),
                                 Num(difference.p_value)});
      if (note.empty() && difference.p_value < 0.05) {
        note = "significant difference";
        ++significant;
      }
    } else {
      cells.insert(cells.end(), {std::string(), Cell(), Cell()});
    }
    cells.emplace_back(note);
    finding.rows.push_back(std::move(cells));
  }
  const Estimate overall = estimate(total);
  std::string headline = is_share ? fmt::format("{}: {:.2f}% (95% CI {:.2f} to {:.2f}) of {:.0f} {}", outcome_words,
                                                100 * overall.value, 100 * overall.low, 100 * overall.high, total.n,
                                                LevelNoun(level))
                                  : fmt::format("{}: mean {:.3f} (95% CI {:.3f} to {:.3f}) over {:.0f} {}",
                                                outcome_words, overall.value, overall.low, overall.high, total.n,
                                                LevelNoun(level));
  if (!by.empty() && !groups.empty()) {
    // Highest and lowest among the groups large enough to read (all of them when none is).
    const bool any_readable = std::any_of(groups.begin(), groups.end(), [](const Group& g) { return g.n >= kSmallGroup; });
    const auto value_of = [&](const Group& group) {
      return group.n > 0 && (group.n >= kSmallGroup || !any_readable) ? group.sum / group.n : NAN;
    };
    const Group* lowest = nullptr;
    const Group* highest = nullptr;
    for (const Group& group : groups) {
      if (std::isnan(value_of(group))) continue;
      if (lowest == nullptr || value_of(group) < value_of(*lowest)) lowest = &group;
      if (highest == nullptr || value_of(group) > value_of(*highest)) highest = &group;
    }
    const auto describe = [&](const Group& group) {
      return fmt::format("{} {}", Join(group.keys, " / "),
                         is_share ? fmt::format("{:.2f}%", 100 * group.sum / group.n) : fmt::format("{:.3f}", group.sum / group.n));
    };
    if (highest != nullptr) {
      headline += fmt::format("; highest {}, lowest {}", describe(*highest), describe(*lowest));
    }
    headline += fmt::format("; {} of {} groups differ significantly (p < 0.05) from all others", significant,
                            groups.size());
  }
  finding.summary = headline + ".";
  if (total.rows > total.n) {
    finding.diagnostics.push_back({"missing_values", fmt::format("{:.0f} of {:.0f} {} have no {} value (left out, "
                                                                 "counted in 'missing').",
                                                                 total.rows - total.n, total.rows, LevelNoun(level),
                                                                 outcome)});
  }
  if (small > 0) {
    finding.diagnostics.push_back({"small_group", fmt::format("{} of {} groups have fewer than {} {} with a value: "
                                                             "read them with their intervals.",
                                                             small, groups.size(), kSmallGroup, LevelNoun(level))});
  }
  return finding;
}

// Removes the columns of the scores nobody answered (nps_*, csat_* and csi, ces_*).
void DropUnansweredColumns(bool has_nps, bool has_csat, bool has_ces, Finding* finding) {
  const auto is_dropped = [&](const std::string& name) {
    return (!has_nps && name.starts_with("nps")) || (!has_csat && (name.starts_with("csat") || name == "csi")) ||
           (!has_ces && name.starts_with("ces"));
  };
  std::vector<std::size_t> kept;
  for (std::size_t idx = 0; idx < finding->columns.size(); ++idx) {
    if (!is_dropped(finding->columns[idx].name)) kept.push_back(idx);
  }
  std::vector<ColumnSpec> columns;
  for (std::size_t idx : kept) columns.push_back(finding->columns[idx]);
  finding->columns = std::move(columns);
  for (std::vector<Cell>& row : finding->rows) {
    std::vector<Cell> cells;
    for (std::size_t idx : kept) cells.push_back(row[idx]);
    row = std::move(cells);
  }
}

Result<Finding> Metrics(store::Engine& engine, const std::vector<std::string>& by_names, const Filter& filter,
                        const std::vector<AttributeInfo>& attributes) {
  CXM_ASSIGN_OR_RETURN(const bool has_feedback, HasRowsIn(engine, "feedback"));
  if (!has_feedback) {
    return Status::InvalidArgument("metrics of NPS, CSAT and CES need feedback rows, and this store has none; for an "
                                   "outcome of customers or interactions pass --outcome (churn, or a numeric attribute)");
  }
  std::vector<std::string> named = by_names;
  for (const Condition& condition : filter.conditions) named.push_back(condition.dimension);
  std::vector<store::Parameter> parameters;
  CXM_ASSIGN_OR_RETURN(const std::vector<GroupBy> dimensions,
                       ResolveDimensions(named, attributes, Level::kFeedback, parameters));
  const std::vector<GroupBy> by = Named(dimensions, by_names);
  // The base holds every dimension the request names (in --by or --where); joins only as needed.
  bool needs_interactions = false;
  bool needs_customers = false;
  std::string attribute_joins;
  std::vector<std::string> base_columns;
  for (const GroupBy& dimension : dimensions) {
    needs_interactions |= dimension.join == 'i';
    needs_customers |= dimension.join == 'c';
    attribute_joins += dimension.attribute_join;
    base_columns.push_back(fmt::format("{} AS {}", dimension.expression, QuoteIdentifier(dimension.name)));
  }
  base_columns.insert(base_columns.end(), {"f.nps", "f.csat", "f.ces"});
  std::vector<std::string> group_names;
  for (const GroupBy& dimension : by) group_names.push_back(dimension.name);
  const std::string group_list = QuotedNames(by, by.size());
  const std::string condition = FilterSql(filter, [](const std::string& name) { return QuoteIdentifier(name); }, parameters);
  std::string sql = fmt::format(
      "WITH base AS (SELECT {} FROM feedback f{}{}{}) "
      "SELECT {}count(nps)::DOUBLE, count(*) FILTER (WHERE nps >= 9)::DOUBLE, count(*) FILTER (WHERE nps <= 6)::DOUBLE, "
      "count(csat)::DOUBLE, count(*) FILTER (WHERE csat >= 4)::DOUBLE, coalesce(sum(csat), 0)::DOUBLE, coalesce(sum(csat * csat), 0)::DOUBLE, "
      "count(ces)::DOUBLE, coalesce(sum(ces), 0)::DOUBLE, coalesce(sum(ces * ces), 0)::DOUBLE FROM base{}{}{}",
      Join(base_columns, ", "),
      needs_interactions ? " LEFT JOIN interactions i ON i.interaction_id = f.interaction_id" : "",
      needs_customers ? " LEFT JOIN customers c ON c.customer_id = f.customer_id" : "", attribute_joins,
      group_names.empty() ? "" : group_list + ", ", condition.empty() ? "" : " WHERE " + condition,
      group_names.empty() ? "" : " GROUP BY " + group_list,
      group_names.empty() ? "" : " ORDER BY " + OrderSql(by));
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(engine, "metrics.groups", sql, std::move(parameters)));

  const std::size_t key_count = group_names.size();
  std::vector<GroupSums> groups;
  GroupSums total;
  GroupSums undated;  // answers without a date, when grouped by a period: not a period of their own
  for (std::size_t row = 0; row < frame.RowCount(); ++row) {
    GroupSums sums;
    bool is_undated = false;
    for (std::size_t idx = 0; idx < key_count; ++idx) {
      is_undated |= by[idx].is_period && frame.IsNull(idx, row);
      sums.keys.push_back(frame.IsNull(idx, row) ? "(none)" : frame.Text(idx, row));
    }
    double* fields[] = {&sums.nps_n, &sums.promoters, &sums.detractors, &sums.csat_n, &sums.csat_top2,
                        &sums.csat_sum, &sums.csat_squares, &sums.ces_n, &sums.ces_sum, &sums.ces_squares};
    for (std::size_t idx = 0; idx < 10; ++idx) *fields[idx] = frame.Number(key_count + idx, row);
    if (is_undated) {
      undated += sums;
      continue;
    }
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
  const bool compares_periods = !by.empty() && by.back().is_period;
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
  // The scores the data hold; a score nobody answered is neither shown nor named (a store of
  // reviews with stars is about CSAT, not about a missing NPS).
  std::vector<std::string> answered;
  if (total.nps_n > 0) answered.push_back("NPS");
  if (total.csat_n > 0) answered.push_back("CSAT");
  if (total.ces_n > 0) answered.push_back("CES");
  const double undated_answers = std::max({undated.nps_n, undated.csat_n, undated.ces_n});
  if (undated_answers > 0) {
    finding.diagnostics.push_back({"missing_values", fmt::format(
        "{:.0f} answers have no date: they belong to no period and are left out here.", undated_answers)});
  }
  if (answered.empty() && undated_answers > 0) {
    finding.summary = "None of the answers has a date: there are no periods to compare.";
    return finding;
  }
  if (answered.empty()) {
    std::vector<std::string> numeric;
    for (const AttributeInfo& attribute : attributes) {
      if (attribute.is_numeric()) numeric.push_back(attribute.name);
    }
    return Status::InvalidArgument(fmt::format(
        "the feedback{} holds no survey scores; for the rate or mean of another column pass --outcome{}",
        filter.empty() ? "" : " selected", numeric.empty() ? " (churn, or a numeric attribute the mapping declares)"
                                                           : " " + Join(numeric, " | ")));
  }
  finding.summary = groups.size() < 2 && !compares_periods
      ? Join(parts, "; ") + "."
      : fmt::format("{}. {} of {} groups differ significantly (p < 0.05) from {}.", Join(parts, "; "), significant,
                    groups.size(), compares_periods ? "the period before" : "all other groups");
  if (small > 0) {
    const std::string scores = total.nps_n > 0 && total.csat_n > 0 ? "NPS and CSAT" : answered.empty() ? "" : answered[0];
    finding.diagnostics.push_back({"small_group", fmt::format("{} of {} groups have fewer than {} {} "
                                                             "answers: their estimates are wide and not tested.",
                                                             small, groups.size(), kSmallGroup, scores)});
  }
  if (!answered.empty() && answered.size() < 3) {
    finding.diagnostics.push_back({"missing_values", fmt::format("The data hold {} answers only; the table shows "
                                                                 "what was answered.", Join(answered, " and "))});
    DropUnansweredColumns(total.nps_n > 0, total.csat_n > 0, total.ces_n > 0, &finding);
  }
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
  CXM_ASSIGN_OR_RETURN(const std::vector<AttributeInfo> attributes, ReadAttributes(context.engine));
  std::vector<std::string> dimensions = MetricDimensions();
  dimensions.push_back("failure");
  for (const std::string& name : AttributeNames(attributes)) dimensions.push_back(name);
  CXM_ASSIGN_OR_RETURN(const Filter filter, ParseFilter(context.arguments.Text("where"), dimensions));
  const std::string outcome = context.arguments.Text("outcome");
  Finding finding;
  if (outcome.empty()) {
    CXM_ASSIGN_OR_RETURN(finding, Metrics(context.engine, context.arguments.List("by"), filter, attributes));
  } else {
    CXM_ASSIGN_OR_RETURN(finding, OutcomeMetrics(context.engine, context.arguments.List("by"), filter, outcome, attributes));
  }
  return std::vector<Finding>{std::move(finding)};
}

Result<std::vector<Finding>> RunTrend(AnalysisContext& context) {
  CXM_ASSIGN_OR_RETURN(Finding finding, Metrics(context.engine, {"month"}, Filter{}, {}));
  finding.key = "trend";
  finding.title = "Trends by month";
  return std::vector<Finding>{std::move(finding)};
}

}  // namespace cxm::analytics
