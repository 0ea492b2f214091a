#include "analytics/context.h"

#include <cstdlib>

#include <fmt/format.h>

#include "analytics/analyses/common.h"

namespace cxm::analytics {

Result<RunSettings> ReadSettings(store::Engine& engine) {
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, engine.Run({.name = "settings.read", .sql = R"sql(
    SELECT negativity_lambda, end_window_turns, memory_half_life_days, horizon_days,
           strftime(reference_date, '%Y-%m-%d') AS reference_date, currency,
           (SELECT count(*) FROM interaction_experience e
            WHERE e.negativity_lambda <> s.negativity_lambda OR e.end_window_turns <> s.end_window_turns) AS stale
    FROM analysis_settings s)sql"}));
  if (frame.RowCount() == 0) {
    return Status::InvalidArgument("the store has no analysis yet: run `cxm analyze` first");
  }
  if (frame.Number(6, 0) > 0) {
    return Status::InvalidArgument(
        "the store's derived tables were computed with other settings than the last complete analysis "
        "(a cxm analyze did not finish): run `cxm analyze` again");
  }
  return RunSettings{.negativity_lambda = frame.Number(0, 0),
                     .end_window_turns = static_cast<int>(frame.Number(1, 0)),
                     .memory_half_life_days = frame.Number(2, 0),
                     .horizon_days = static_cast<int>(frame.Number(3, 0)),
                     .reference_date = frame.Text(4, 0),
                     .currency = frame.Text(5, 0)};
}

std::vector<Setting> DescribeSettings(const RunSettings& settings) {
  return {{"negativity_lambda", settings.negativity_lambda},
          {"end_window_turns", std::int64_t{settings.end_window_turns}},
          {"memory_half_life_days", settings.memory_half_life_days},
          {"horizon_days", std::int64_t{settings.horizon_days}},
          {"reference_date", settings.reference_date.empty() ? Cell() : Cell(settings.reference_date)},
          {"currency", settings.currency}};
}

std::string Arguments::Text(const std::string& name) const {
  return Has(name) ? values_.at(name).front() : "";
}

std::optional<double> Arguments::Number(const std::string& name) const {
  if (!Has(name)) return std::nullopt;
  const std::string text = Text(name);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') return std::nullopt;
  return value;
}

std::vector<std::string> Arguments::List(const std::string& name) const {
  return values_.contains(name) ? values_.at(name) : std::vector<std::string>{};
}

std::string SettingsRelationSql() {
  return "(SELECT st.*, to_days(CAST(st.horizon_days AS INTEGER)) AS horizon FROM analysis_settings st) s";
}

std::string RatesRelationSql() { return "(SELECT currency, nullif(rate, 0) AS rate FROM currency_rates) fx"; }

std::string ConversionFactorSql(const std::string& currency_column, const std::string& reporting) {
  return fmt::format("CASE WHEN coalesce({0}, '') = coalesce({1}, '') THEN 1.0 "
                     "ELSE fx.rate / (SELECT nullif(q.rate, 0) FROM currency_rates q WHERE q.currency = {1}) END",
                     currency_column, reporting);
}

std::string ReferenceDateSql() {
  return "coalesce(CAST(s.reference_date AS TIMESTAMP), (SELECT max(ts) FROM interactions) - s.horizon)";
}

std::string MemoryTermSql(const std::string& remembered, const std::string& as_of, const std::string& ts,
                          const std::string& settings) {
  return fmt::format("(CASE WHEN {0} < 0 THEN {3}.negativity_lambda * {0} ELSE {0} END) * {4}", remembered, as_of,
                     ts, settings, DecaySql(as_of, ts, settings));
}

std::string DecaySql(const std::string& as_of, const std::string& ts, const std::string& settings) {
  return fmt::format("pow(2, -(epoch({}) - epoch({})) / 86400.0 / {}.memory_half_life_days)", as_of, ts, settings);
}

Result<std::vector<std::string>> TouchpointsOfRole(store::Engine& engine, const std::string& role) {
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, engine.Run({.name = "touchpoint_roles.of_role",
      .sql = "SELECT touchpoint FROM touchpoint_roles WHERE role = $1 ORDER BY 1", .parameters = {role}}));
  std::vector<std::string> names;
  for (std::size_t row = 0; row < frame.RowCount(); ++row) names.push_back(frame.Text(0, row));
  return names;
}

std::string InSql(const std::string& expression, const std::vector<std::string>& names,
                  std::vector<store::Parameter>& parameters) {
  if (names.empty()) return "FALSE";
  std::string placeholders;
  for (const std::string& name : names) {
    parameters.emplace_back(name);
    placeholders += (placeholders.empty() ? "$" : ", $") + std::to_string(parameters.size());
  }
  return expression + " IN (" + placeholders + ")";
}

}  // namespace cxm::analytics
