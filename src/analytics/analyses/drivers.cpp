// Key drivers (SPEC §4.5): relative weights and Shapley importance of each attribute for an
// outcome, against its performance; by default each touchpoint's remembered score for NPS.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
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
};

struct DriversRequest {
  std::string from;                     // a table or view of the store; empty: customers'
                                        // remembered score per touchpoint against their NPS
  std::string outcome;                  // a numeric column of `from`
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
      return Status::InvalidArgument("drivers need an outcome: this store has no NPS answers; pass --from TABLE "
                                     "--outcome COLUMN (a table with one row per respondent)");
    }
    return Status::InvalidArgument("no customer has both an NPS answer and a remembered experience (run `cxm analyze`)");
  }
  DriverData driver_data{.names = touchpoints, .outcome = std::move(data[0]), .is_remembered_scale = true};
  driver_data.attributes.assign(std::make_move_iterator(data.begin() + 1), std::make_move_iterator(data.end()));
  return driver_data;
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
  std::vector<std::vector<double>> data = NumberColumns(frame);
  // "Not applicable" is an answer code of the attributes; the outcome keeps its values.
  if (request.not_applicable_code) {
    for (std::size_t column = 1; column < data.size(); ++column) {
      for (double& value : data[column]) {
        if (value == *request.not_applicable_code) value = NAN;
      }
    }
  }
  driver_data.outcome = std::move(data[0]);
  driver_data.attributes.assign(std::make_move_iterator(data.begin() + 1), std::make_move_iterator(data.end()));
  return driver_data;
}

Result<Finding> Drivers(store::Engine& engine, const DriversRequest& request) {
  DriverData data;
  if (request.from.empty()) {
    CXM_ASSIGN_OR_RETURN(data, DefaultDriverData(engine));
  } else {
    CXM_ASSIGN_OR_RETURN(data, TableDriverData(engine, request));
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
  finding.columns = {TextColumn("attribute"), IntegerColumn("answers"), NumberColumn("performance", 1),
                     NumberColumn("correlation", 3), PercentColumn("relative_weight_pct"), PercentColumn("shapley_pct"),
                     TextColumn("quadrant")};
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
    finding.rows.push_back({row.name, Int(row.answers), Num(row.performance), Num(row.correlation), Pct(row.weight),
                            Pct(row.shapley), std::string(quadrant)});
  }
  finding.summary = fmt::format(
      "The attributes explain R² = {:.3f} of {}; {} matters most ({:.0f}% of the explained variance).{}{}",
      r_squared, request.from.empty() ? "customers' latest NPS" : request.outcome, rows.front().name, 100 * rows.front().weight,
      fix_first.empty() ? "" : " Fix first (important, below-average performance): " + Join(fix_first, ", ") + ".",
      dropped.empty() ? "" : " Left out (no answers to compare): " + Join(dropped, ", ") + ".");
  if (!dropped.empty()) {
    finding.diagnostics.push_back({"left_out", "Left out (no answers to compare, or too few shared with the "
                                               "others): " + Join(dropped, ", ") + "."});
  }
  for (const Row& row : rows) {
    if (row.answers < kSmallGroup) {
      finding.diagnostics.push_back({"small_group", fmt::format("{} has {:.0f} answers: its weight is uncertain.",
                                                                row.name, row.answers)});
    }
  }
  return finding;
}

}  // namespace

Result<std::vector<Finding>> RunDrivers(AnalysisContext& context) {
  const Arguments& arguments = context.arguments;
  DriversRequest request{.from = arguments.Text("from"), .outcome = arguments.Text("outcome"),
                         .attributes = arguments.List("attributes")};
  if (!request.from.empty() && request.outcome.empty()) {
    return Status::InvalidArgument("--from needs --outcome (the column to explain)");
  }
  request.not_applicable_code = arguments.Number("na_code");  // checked a number by RunAnalysis
  CXM_ASSIGN_OR_RETURN(Finding finding, Drivers(context.engine, request));
  return std::vector<Finding>{std::move(finding)};
}

}  // namespace cxm::analytics
