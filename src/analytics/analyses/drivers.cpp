// Key drivers (SPEC §4.5): relative weights and Shapley importance of each attribute for an
// outcome, against its performance; by default each touchpoint's remembered score for NPS.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/attributes.h"
#include "analytics/registry.h"
#include "analytics/statistics.h"
#include "common/strings.h"

namespace cxm::analytics {
namespace {

struct DriverData {
  std::vector<std::string> names;
  Columns attributes;
  std::vector<double> outcome;
  bool is_remembered_scale = false;  // attributes in -1..1
  // What the declared attributes say (all 0 / false when unknown): +1 more is better, -1 worse.
  std::vector<int> polarity;
  std::vector<bool> is_rating;
  int outcome_polarity = 0;
  std::string outcome_name;  // in sentences: "churned", "customers' latest NPS"
  std::string rows_noun = "respondents";
  double repeated_rows = 0;  // loaded rows that repeat another of their file exactly
};

// One predictor alone this close to the outcome is the outcome in disguise (recorded with or
// after it) far more often than a discovery: excluded from the ranking and named.
// For a 0/1 outcome: AUC, or phi (r of two 0/1 columns). For a score, r: an attribute that alone
// explains over 90% of the outcome's variance (a halo of 0.9 is common between an overall
// rating and its parts, so the bar is higher there).
constexpr double kLeakageAuc = 0.95;
constexpr double kLeakageCorrelation = 0.9;
constexpr double kLeakageScoreCorrelation = 0.95;

struct DriversRequest {
  std::string from;                     // a table or view of the store; empty: attributes, or
                                        // customers' remembered score per touchpoint against NPS
  std::string outcome;                  // a numeric column of `from`, or an attribute / churn
  bool include_suspects = false;        // keep likely leakage in the ranking (marked)
  std::vector<std::string> attributes;  // numeric columns; empty: all other numeric columns
  std::optional<double> not_applicable_code;  // an attribute value meaning "not applicable": missing
};

Result<DriverData> DefaultDriverData(store::Engine& engine) {
  CXM_ASSIGN_OR_RETURN(const std::vector<std::string> touchpoints, Touchpoints(engine));
  std::vector<std::string> selected;
  std::vector<store::Parameter> parameters;
  for (const std::string& touchpoint : touchpoints) {
    parameters.emplace_back(touchpoint);
    selected.push_back(fmt::format("avg(e.remembered) FILTER (WHERE e.touchpoint = ${})", parameters.size()));
  }
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(engine, "drivers.remembered_by_touchpoint", fmt::format(
      "WITH {} SELECT s.last_nps::DOUBLE, {} FROM customer_state s JOIN calibrated_experience e USING (customer_id) "
      "WHERE s.last_nps IS NOT NULL GROUP BY s.customer_id, s.last_nps", kCalibratedExperienceCtes, Join(selected, ", ")),
      parameters));
  std::vector<std::vector<double>> data = NumberColumns(frame);
  if (data.empty() || data[0].empty()) {
    CXM_ASSIGN_OR_RETURN(const store::Frame nps, Run(engine, "drivers.nps_answers",
                                                     "SELECT count(nps) FROM feedback"));
    if (nps.Number(0, 0) == 0) {
      return Status::InvalidArgument("drivers need an outcome: this store has no NPS answers; pass --outcome (churn, "
                                     "or a numeric attribute the mapping declared: see cxm status), or --from TABLE "
                                     "--outcome COLUMN");
    }
    return Status::InvalidArgument("no customer has both an NPS answer and a remembered experience (run `cxm analyze`)");
  }
  DriverData driver_data{.names = touchpoints, .outcome = std::move(data[0]), .is_remembered_scale = true,
                         .polarity = std::vector<int>(touchpoints.size(), 1),
                         .is_rating = std::vector<bool>(touchpoints.size(), false), .outcome_polarity = 1,
                         .outcome_name = "customers' latest NPS", .rows_noun = "customers"};
  driver_data.attributes.assign(std::make_move_iterator(data.begin() + 1), std::make_move_iterator(data.end()));
  return driver_data;
}

// The outcome (first column) and the drivers of `data`. `not_applicable_code` (--na-code) is an
// answer code of the drivers: their values equal to it become missing; the outcome keeps all.
void TakeColumns(std::vector<std::vector<double>> data, std::optional<double> not_applicable_code, DriverData* out) {
  if (not_applicable_code) {
    for (std::size_t column = 1; column < data.size(); ++column) {
      for (double& value : data[column]) {
        if (value == *not_applicable_code) value = NAN;
      }
    }
  }
  out->outcome = std::move(data[0]);
  out->attributes.assign(std::make_move_iterator(data.begin() + 1), std::make_move_iterator(data.end()));
}

Result<DriverData> TableDriverData(store::Engine& engine, const DriversRequest& request) {
  CXM_ASSIGN_OR_RETURN(const store::Frame columns, Run(engine, "drivers.columns",
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position",
      {request.from}));
  if (columns.RowCount() == 0) {
    return Status::InvalidArgument(fmt::format("--from {}: no such table or view in the store", request.from));
  }
  std::set<std::string> numeric;
  std::vector<std::string> names;
  for (std::size_t row = 0; row < columns.RowCount(); ++row) {
    const std::string type = columns.Text(1, row);
    names.push_back(columns.Text(0, row));
    if (type == "DOUBLE" || type == "FLOAT" || type == "BIGINT" || type == "INTEGER" || type == "SMALLINT" ||
        type == "TINYINT" || type == "HUGEINT" || type.rfind("DECIMAL", 0) == 0 || type == "UBIGINT" || type == "UINTEGER") {
      numeric.insert(names.back());
    }
  }
  if (!numeric.contains(request.outcome)) {
    return Status::InvalidArgument(fmt::format("--outcome {}: not a numeric column of {}", request.outcome, request.from));
  }
  DriverData driver_data;
  if (request.attributes.empty()) {
    for (const std::string& name : names) {
      if (numeric.contains(name) && name != request.outcome) driver_data.names.push_back(name);
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
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(engine, "drivers.table",
      fmt::format("SELECT {} FROM {}", Join(selected, ", "), QuoteIdentifier(request.from))));
  TakeColumns(NumberColumns(frame), request.not_applicable_code, &driver_data);
  // A survey table's columns are read as ratings (higher is better), as key-driver tables are.
  driver_data.polarity.assign(driver_data.names.size(), 1);
  driver_data.is_rating.assign(driver_data.names.size(), false);
  driver_data.outcome_name = request.outcome;
  return driver_data;
}

// The outcome and drivers from the attributes a mapping declared, on rows of the outcome's own
// level (customers for churn): a churn snapshot with usage columns, a survey's ratings.
Result<DriverData> AttributeDriverData(store::Engine& engine, const DriversRequest& request) {
  CXM_ASSIGN_OR_RETURN(const std::vector<AttributeInfo> attributes, ReadAttributes(engine));
  std::vector<store::Parameter> parameters;
  CXM_ASSIGN_OR_RETURN(const Outcome outcome, ResolveOutcome(engine, attributes, request.outcome, parameters));
  const Level level = outcome.level;
  DriverData driver_data{.outcome_polarity = outcome.polarity, .outcome_name = request.outcome};
  const std::string& outcome_sql = outcome.sql;
  std::string joins = outcome.join;
  driver_data.rows_noun = std::string(LevelNoun(level));
  std::vector<const AttributeInfo*> drivers;
  if (request.attributes.empty()) {
    for (const AttributeInfo& attribute : attributes) {
      const bool reachable = attribute.level() == level || attribute.level() == Level::kCustomer ||
                             (attribute.level() == Level::kInteraction && level == Level::kFeedback);
      if (attribute.is_numeric() && attribute.name != request.outcome && reachable &&
          FindAttribute(attributes, attribute.name) == &attribute) {
        drivers.push_back(&attribute);
      }
    }
  } else {
    for (const std::string& name : request.attributes) {
      const AttributeInfo* attribute = FindAttribute(attributes, name);
      if (attribute == nullptr || !attribute->is_numeric()) {
        return Status::InvalidArgument(fmt::format("--attributes {}: not a numeric attribute of the store", name));
      }
      drivers.push_back(attribute);
    }
  }
  if (drivers.empty()) {
    return Status::InvalidArgument(fmt::format("no numeric attributes of {} to explain {} with", LevelNoun(level),
                                               request.outcome));
  }
  if (drivers.size() > 16) {
    return Status::InvalidArgument(fmt::format("{} attributes; name at most 16 with --attributes (Shapley is exact "
                                               "over all subsets)", drivers.size()));
  }
  std::vector<std::string> selected = {outcome_sql};
  for (const AttributeInfo* attribute : drivers) {
    const std::string alias = fmt::format("a{}", selected.size());
    CXM_ASSIGN_OR_RETURN(const std::string join, AttributeJoinSql(*attribute, level, alias, parameters));
    joins += join;
    selected.push_back(alias + ".number");
    driver_data.names.push_back(attribute->name);
    driver_data.polarity.push_back(attribute->polarity());
    driver_data.is_rating.push_back(attribute->kind == "rating");
  }
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(engine, "drivers.attributes",
      fmt::format("SELECT {} FROM {}{}", Join(selected, ", "), LevelFromSql(level), joins), std::move(parameters)));
  // "Not applicable" is missing in `number` already (the mapping's per-column code).
  TakeColumns(NumberColumns(frame), request.not_applicable_code, &driver_data);
  // Rows that repeat another exactly (ingest counted them): a random train/test split would
  // see them on both sides.
  CXM_ASSIGN_OR_RETURN(const store::Frame repeated, Run(engine, "drivers.repeated_rows",
      "SELECT coalesce(sum(repeated_rows), 0)::DOUBLE FROM ingest_log WHERE target_table = $1",
      {std::string(LevelTable(level))}));
  driver_data.repeated_rows = repeated.Number(0, 0);
  return driver_data;
}

// Single-predictor AUC of `column` for a 0/1 outcome over the rows where both are known.
double PairwiseAuc(const std::vector<double>& column, const std::vector<double>& outcome) {
  std::vector<double> score;
  std::vector<double> label;
  for (std::size_t row = 0; row < column.size(); ++row) {
    if (std::isnan(column[row]) || std::isnan(outcome[row])) continue;
    score.push_back(column[row]);
    label.push_back(outcome[row]);
  }
  return Auc(score, label);
}

Result<Finding> Drivers(store::Engine& engine, const DriversRequest& request) {
  DriverData data;
  if (!request.from.empty()) {
    CXM_ASSIGN_OR_RETURN(data, TableDriverData(engine, request));
  } else if (!request.outcome.empty()) {
    CXM_ASSIGN_OR_RETURN(data, AttributeDriverData(engine, request));
  } else {
    CXM_ASSIGN_OR_RETURN(data, DefaultDriverData(engine));
  }
  const double rows_total = static_cast<double>(data.outcome.size());
  const double outcome_known = static_cast<double>(
      std::count_if(data.outcome.begin(), data.outcome.end(), [](double v) { return !std::isnan(v); }));
  const bool is_binary = outcome_known > 0 && std::all_of(data.outcome.begin(), data.outcome.end(), [](double v) {
    return std::isnan(v) || v == 0 || v == 1;
  });
  Finding finding{.key = "drivers",
                  .title = request.from.empty() && request.outcome.empty() ? "Key drivers of NPS"
                                                                           : "Key drivers of " + data.outcome_name};

  // Per attribute, before any model: answers, missing, its single association with the outcome
  // and whether it is a suspect (the outcome in disguise, or a perfect separator).
  struct Screen {
    double answers = 0, correlation = NAN, auc = NAN;
    bool is_suspect = false, is_separator = false, runs_against = false;
  };
  std::vector<Screen> screens(data.names.size());
  std::vector<std::string> suspects;
  std::vector<std::string> missing_notes;
  for (std::size_t idx = 0; idx < data.names.size(); ++idx) {
    const std::vector<double>& column = data.attributes[idx];
    Screen& screen = screens[idx];
    for (std::size_t row = 0; row < column.size(); ++row) {
      if (!std::isnan(column[row]) && !std::isnan(data.outcome[row])) screen.answers += 1;
    }
    screen.correlation = Pearson(column, data.outcome);
    if (is_binary) screen.auc = PairwiseAuc(column, data.outcome);
    // AUC in the direction that predicts the outcome's high value: 1 - AUC when lower predicts it.
    const double separation = std::isnan(screen.auc) ? NAN : std::max(screen.auc, 1 - screen.auc);
    screen.is_separator = separation == 1.0;
    // A few answers correlate strongly by chance: a suspect needs a group large enough to read.
    const double correlation_bar = is_binary ? kLeakageCorrelation : kLeakageScoreCorrelation;
    screen.is_suspect = screen.answers >= kSmallGroup &&
                        (separation >= kLeakageAuc || std::abs(screen.correlation) >= correlation_bar);
    screen.is_separator &= screen.is_suspect;
    if (screen.is_suspect) {
      suspects.push_back(screen.is_separator ? fmt::format("{} separates the outcome perfectly (AUC 1.000)", data.names[idx])
                         : std::isnan(separation)
                             ? fmt::format("{} (r {:+.3f})", data.names[idx], screen.correlation)
                             : fmt::format("{} (AUC {:.3f}, r {:+.3f})", data.names[idx], separation, screen.correlation));
    }
    const double missing = rows_total - static_cast<double>(std::count_if(
        column.begin(), column.end(), [](double v) { return !std::isnan(v); }));
    if (missing > 0) {
      missing_notes.push_back(fmt::format("{} {:.0f} ({:.1f}%)", data.names[idx], missing, 100 * missing / rows_total));
    }
    // Against the usual direction: e.g. more satisfied customers churning more.
    const int expected = data.polarity[idx] * data.outcome_polarity;
    if (expected != 0 && !std::isnan(screen.correlation) && screen.answers > 3) {
      const double t = screen.correlation * std::sqrt((screen.answers - 2) / std::max(1e-12, 1 - screen.correlation * screen.correlation));
      const double p = 2 * (1 - StudentTCdf(std::abs(t), screen.answers - 2));
      screen.runs_against = p < 0.05 && screen.correlation * expected < 0;
    }
  }

  // Attributes nobody answered cannot be weighed; suspects stay out of the ranking unless asked.
  std::vector<std::size_t> usable;
  std::vector<std::string> dropped;
  for (std::size_t idx = 0; idx < data.attributes.size(); ++idx) {
    if (std::isnan(screens[idx].correlation)) {
      dropped.push_back(data.names[idx]);
    } else if (!screens[idx].is_suspect || request.include_suspects) {
      usable.push_back(idx);
    }
  }
  // With pairwise deletion two rarely-answered attributes may share too few respondents (or give
  // a correlation matrix that is not positive definite): drop the thinnest until it works.
  auto answers_of = [&](std::size_t idx) { return screens[idx].answers; };
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
    if (!suspects.empty()) {
      return Status::InvalidArgument(fmt::format("no attribute left to rank once the likely leakage is set aside: {}",
                                                 Join(suspects, "; ")));
    }
    return Status::InvalidArgument("key drivers need at least three answers per pair of attributes and attributes "
                                   "that are not perfectly collinear");
  }
  const double r_squared = std::accumulate(weights->begin(), weights->end(), 0.0);
  finding.columns = {TextColumn("attribute"), IntegerColumn("answers"), NumberColumn("mean", 3),
                     PercentColumn("top2_pct"), NumberColumn("performance", 1), NumberColumn("correlation", 3),
                     NumberColumn("auc", 3), TextColumn("goes_with_more"), PercentColumn("relative_weight_pct"), PercentColumn("shapley_pct"),
                     TextColumn("quadrant"), TextColumn("note")};
  struct Row {
    std::size_t idx = 0;
    double mean = 0, top2 = NAN, performance = 0, weight = NAN, shapley = NAN;
    bool is_ranked = false;
  };
  std::vector<Row> rows;
  const auto describe = [&](std::size_t idx) {
    const std::vector<double>& column = data.attributes[idx];
    double sum = 0, n = 0, low = INFINITY, high = -INFINITY;
    for (double value : column) {
      if (std::isnan(value)) continue;
      sum += value;
      n += 1;
      low = std::min(low, value);
      high = std::max(high, value);
    }
    Row row{.idx = idx, .mean = sum / n};
    // Performance on 0..100: remembered scores map -1..1; other columns their observed range,
    // turned round where more is worse. An attribute with no better side (minutes of use) has
    // no performance, and no quadrant.
    row.performance = data.is_remembered_scale ? (row.mean + 1) / 2 * 100
                      : high > low             ? (row.mean - low) / (high - low) * 100
                                               : 50;
    if (data.polarity[idx] < 0) row.performance = 100 - row.performance;
    if (data.polarity[idx] == 0) row.performance = NAN;
    if (data.is_rating[idx]) {
      row.top2 = static_cast<double>(std::count_if(column.begin(), column.end(),
                                                   [&](double v) { return !std::isnan(v) && v >= high - 1; })) / n;
    }
    return row;
  };
  for (std::size_t k = 0; k < usable.size(); ++k) {
    Row row = describe(usable[k]);
    row.weight = r_squared > 0 ? (*weights)[k] / r_squared : NAN;
    row.shapley = r_squared > 0 ? (*shapley)[k] / r_squared : NAN;
    row.is_ranked = !screens[usable[k]].is_suspect;
    rows.push_back(row);
  }
  double mean_weight = 0, mean_performance = 0, ranked = 0;
  double scaled = 0;
  for (const Row& row : rows) {
    if (!row.is_ranked) continue;
    mean_weight += row.weight;
    ranked += 1;
    if (std::isnan(row.performance)) continue;
    mean_performance += row.performance;
    scaled += 1;
  }
  mean_weight /= std::max(1.0, ranked);
  mean_performance /= std::max(1.0, scaled);
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.weight > b.weight; });
  // Suspects left out are listed after the ranking, with their screens and no weight.
  for (std::size_t idx = 0; idx < data.names.size(); ++idx) {
    if (screens[idx].is_suspect && !request.include_suspects && !std::isnan(screens[idx].correlation)) {
      rows.push_back(describe(idx));
    }
  }
  std::vector<std::string> fix_first;
  std::vector<std::string> against;
  for (const Row& row : rows) {
    const Screen& screen = screens[row.idx];
    const std::string& name = data.names[row.idx];
    std::string quadrant;
    std::vector<std::string> notes;
    if (screen.is_suspect) {
      quadrant = "not ranked";
      notes.push_back(screen.is_separator ? "separates the outcome perfectly: likely leakage" : "likely leakage");
    } else if (std::isnan(row.performance)) {
      quadrant = row.weight >= mean_weight ? "important" : "minor";  // no better side to perform on
    } else {
      const bool is_important = row.weight >= mean_weight;
      const bool performs = row.performance >= mean_performance;
      quadrant = is_important ? (performs ? "keep up" : "fix first") : (performs ? "possible overkill" : "low priority");
      if (is_important && !performs) fix_first.push_back(name);
    }
    if (screen.runs_against) {
      notes.push_back("against the usual direction");
      const bool better_goes_with_more = data.polarity[row.idx] * screen.correlation > 0;
      against.push_back(fmt::format("better {} goes with {} {} (r {:+.3f})", name, better_goes_with_more ? "more" : "less",
                                    data.outcome_name, screen.correlation));
    }
    if (screen.answers < kSmallGroup) notes.push_back("few answers");
    // AUC in the direction that predicts the outcome, as analysts quote it, with that direction.
    const double auc = std::isnan(screen.auc) ? NAN : std::max(screen.auc, 1 - screen.auc);
    const std::string direction = std::isnan(screen.correlation) || screen.correlation == 0 ? ""
                                  : screen.correlation > 0                                 ? "higher"
                                                                                           : "lower";
    finding.rows.push_back({name, Int(screen.answers), Num(row.mean), Pct(row.top2), Num(row.performance),
                            Num(screen.correlation), Num(auc), direction, Pct(row.weight), Pct(row.shapley), quadrant,
                            Join(notes, "; ")});
  }
  const Row& top = rows.front();
  finding.summary = fmt::format(
      "The attributes explain R² = {:.3f} of {} over {:.0f} {}; {} matters most ({:.0f}% of the explained variance).{}{}{}",
      r_squared, data.outcome_name, outcome_known, data.rows_noun, data.names[top.idx], 100 * top.weight,
      fix_first.empty() ? "" : " Fix first (important, below-average performance): " + Join(fix_first, ", ") + ".",
      suspects.empty() ? ""
                       : fmt::format(" Not ranked, likely leakage (one attribute alone predicts the outcome almost "
                                     "perfectly: recorded with or after it?): {}.", Join(suspects, "; ")),
      dropped.empty() ? "" : " Left out (no answers to compare): " + Join(dropped, ", ") + ".");
  if (!suspects.empty()) {
    finding.diagnostics.push_back({"leakage", fmt::format(
        "Likely leakage, excluded from the ranking{}: {}. One attribute alone with {} against the outcome is "
        "usually the outcome in disguise or recorded after it; a perfect separator gives no finite model estimate.",
        request.include_suspects ? " (kept, as asked, and marked)" : "", Join(suspects, "; "),
        is_binary ? fmt::format("AUC ≥ {:.2f} or |phi| ≥ {:.1f}", kLeakageAuc, kLeakageCorrelation)
                  : fmt::format("|r| ≥ {:.2f}", kLeakageScoreCorrelation))});
  }
  for (const Screen& screen : screens) {
    if (screen.is_separator) {
      finding.diagnostics.push_back({"separation", "An attribute separates the outcome perfectly: a model fitted "
                                                   "with it has no finite coefficient; it is reported as a "
                                                   "separator, never as an estimate."});
      break;
    }
  }
  if (!against.empty()) {
    finding.diagnostics.push_back({"direction", fmt::format(
        "Against the usual direction (the mapping says which side of each is better): {}. Check the scale's coding "
        "(which end is best?) before acting on it.", Join(against, "; "))});
  }
  if (!missing_notes.empty()) {
    finding.diagnostics.push_back({"missing_values", fmt::format(
        "Missing values: {}. Each correlation uses the {} that answered both (pairwise deletion); none is filled in.",
        Join(missing_notes, ", "), data.rows_noun)});
  }
  if (outcome_known < rows_total) {
    finding.diagnostics.push_back({"missing_values", fmt::format("{:.0f} of {:.0f} {} have no {}: left out.",
                                                                 rows_total - outcome_known, rows_total, data.rows_noun,
                                                                 data.outcome_name)});
  }
  if (!dropped.empty()) {
    finding.diagnostics.push_back({"left_out", "Left out (no answers to compare, or too few shared with the "
                                               "others): " + Join(dropped, ", ") + "."});
  }
  for (const Row& row : rows) {
    if (screens[row.idx].answers < kSmallGroup) {
      finding.diagnostics.push_back({"small_group", fmt::format("{} has {:.0f} answers: its weight is uncertain.",
                                                                data.names[row.idx], screens[row.idx].answers)});
    }
  }
  if (data.repeated_rows > 0) {
    finding.diagnostics.push_back({"duplicates", fmt::format(
        "{:.0f} of the {:.0f} {} were loaded from rows that repeat another row of their file exactly: the same "
        "record twice, or two equal answers. They are counted as they are; a model validated on a random split "
        "would meet them on both sides.", data.repeated_rows, rows_total, data.rows_noun)});
  }
  if (is_binary) {
    finding.diagnostics.push_back({"design", fmt::format(
        "A 0/1 outcome ({:.1f}% of {:.0f} {}): weights are of a linear probability model; AUC is each attribute "
        "alone, in the direction that goes with the outcome (goes_with_more: higher or lower values; 0.5 is "
        "chance). A cross-sectional association between {}, not a measured effect.", 100 * std::accumulate(data.outcome.begin(), data.outcome.end(), 0.0, [](double a, double v) {
          return std::isnan(v) ? a : a + v; }) / outcome_known, outcome_known, data.rows_noun, data.rows_noun)});
  }
  return finding;
}

}  // namespace

Result<std::vector<Finding>> RunDrivers(AnalysisContext& context) {
  const Arguments& arguments = context.arguments;
  DriversRequest request{.from = arguments.Text("from"), .outcome = arguments.Text("outcome"),
                         .include_suspects = arguments.Has("keep_suspects"),
                         .attributes = arguments.List("attributes")};
  if (!request.from.empty() && request.outcome.empty()) {
    return Status::InvalidArgument("--from needs --outcome (the column to explain)");
  }
  request.not_applicable_code = arguments.Number("na_code");  // checked a number by RunAnalysis
  CXM_ASSIGN_OR_RETURN(Finding finding, Drivers(context.engine, request));
  return std::vector<Finding>{std::move(finding)};
}

}  // namespace cxm::analytics
