#include "analytics/analyses/common.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace cxm::analytics {

const char* const kCalibratedExperienceCtes = R"sql(
  calibration AS (
    SELECT e.evidence, regr_slope((f.csat - 3) / 2.0, e.remembered) AS slope,
           regr_intercept((f.csat - 3) / 2.0, e.remembered) AS intercept,
           regr_slope((f.csat - 3) / 2.0, e.experienced) AS experienced_slope,
           regr_intercept((f.csat - 3) / 2.0, e.experienced) AS experienced_intercept
    FROM interaction_experience e JOIN feedback f ON f.interaction_id = e.interaction_id AND f.csat IS NOT NULL
    WHERE e.evidence <> 'survey' GROUP BY 1 HAVING count(*) >= 30),
  calibrated_experience AS (
    SELECT e.* REPLACE (
             CASE WHEN e.evidence = 'survey' OR k.slope IS NULL THEN e.remembered
                  ELSE greatest(-1.0, least(1.0, k.intercept + k.slope * e.remembered)) END AS remembered,
             CASE WHEN e.evidence = 'survey' OR k.experienced_slope IS NULL THEN e.experienced
                  ELSE greatest(-1.0, least(1.0, k.experienced_intercept + k.experienced_slope * e.experienced))
             END AS experienced)
    FROM interaction_experience e LEFT JOIN calibration k USING (evidence)),
  -- What an interaction without evidence (a delivery nobody commented on) stands in with: the
  -- mean calibrated remembered score of its touchpoint, with or without a failure.
  experience_cell AS (
    SELECT touchpoint, failure IS NOT NULL AS has_failure, avg(remembered) AS remembered
    FROM calibrated_experience GROUP BY ALL))sql";

Result<std::optional<Diagnostic>> UnconvertedAmounts(store::Engine& engine, const RunSettings& settings) {
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(engine, "money.unconverted", fmt::format(
      "SELECT coalesce(t.currency, '(none)'), count(*)::DOUBLE FROM transactions t LEFT JOIN {} ON fx.currency = t.currency "
      "WHERE {} IS NULL GROUP BY 1 ORDER BY 2 DESC, 1", RatesRelationSql(), ConversionFactorSql("t.currency", "$1")),
      {settings.currency}));
  if (frame.RowCount() == 0) return std::optional<Diagnostic>();
  std::vector<std::string> parts;
  for (std::size_t row = 0; row < frame.RowCount(); ++row) {
    parts.push_back(fmt::format("{:.0f} in {}", frame.Number(1, row), frame.Text(0, row)));
  }
  return std::optional<Diagnostic>(Diagnostic{"currency", fmt::format(
      "Transactions without a rate to {} in currency_rates are left out of every revenue figure: {}. Load the "
      "company's rates (cxm ingest --table currency_rates rates.csv: currency,rate) to count them.",
      settings.currency.empty() ? "the reporting currency" : settings.currency, Join(parts, ", "))});
}

std::vector<std::vector<double>> NumberColumns(const store::Frame& frame) {
  std::vector<std::vector<double>> columns;
  for (std::size_t column = 0; column < frame.ColumnCount(); ++column) {
    std::vector<double> values(frame.RowCount());
    for (std::size_t row = 0; row < values.size(); ++row) values[row] = frame.Number(column, row);
    columns.push_back(std::move(values));
  }
  return columns;
}

Result<bool> HasRowsIn(store::Engine& engine, const std::string& table) {
  CXM_ASSIGN_OR_RETURN(const store::Frame exists, Run(engine, "registry.table_exists",
      "SELECT count(*) FROM information_schema.tables WHERE table_name = $1", {table}));
  if (exists.Number(0, 0) == 0) return false;
  CXM_ASSIGN_OR_RETURN(const store::Frame rows, Run(engine, "registry.table_has_rows",
                                                    fmt::format("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT 1)",
                                                                QuoteIdentifier(table))));
  return rows.Number(0, 0) > 0;
}

Result<std::vector<std::string>> Touchpoints(store::Engine& engine) {
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(engine, "touchpoints",
      "SELECT touchpoint FROM interactions WHERE touchpoint IS NOT NULL GROUP BY 1 ORDER BY 1"));
  std::vector<std::string> names;
  for (std::size_t row = 0; row < frame.RowCount(); ++row) names.push_back(frame.Text(0, row));
  return names;
}

}  // namespace cxm::analytics
