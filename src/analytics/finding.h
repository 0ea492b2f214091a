// Finding: one analysis result as cxm prints it (a title, a plain-sentence summary and a table),
// serialisable to JSON for `--format json`, the HTML report and the HTTP API. Also the small
// query helper the analyses share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "store/duckdb.h"

namespace cxm::analytics {

struct Finding {
  std::string key;      // machine name: "moments", "recovery_groups"
  std::string title;    // "Moments of truth"
  std::string summary;  // one or two plain sentences with the numbers
  std::vector<std::string> columns;
  std::vector<bool> is_numeric;  // per column: written as a JSON number (empty cell = null)
  std::vector<std::vector<std::string>> rows;
};

// {"key":..,"title":..,"summary":..,"columns":[..],"rows":[{column: value}..]}
std::string FindingJson(const Finding& finding);
// {"<key>": <finding>, ...}
std::string FindingsJson(const std::vector<Finding>& findings);

// Number formatting shared by the analyses; NaN becomes an empty cell (JSON null).
std::string Fixed(double value, int decimals);

using SqlParameter = std::variant<double, std::int64_t, std::string>;
using TextRows = std::vector<std::vector<std::optional<std::string>>>;

// Runs a parameterised query ($1, $2, ...) and returns every cell as text.
Result<TextRows> QueryRows(store::Connection& connection, const std::string& sql,
                           const std::vector<SqlParameter>& parameters = {});
// Runs a parameterised query whose columns are all DOUBLE and returns them as column vectors
// (NULL = NaN); a column of another type is an internal error (cast in the SQL).
Result<std::vector<std::vector<double>>> ReadColumns(store::Connection& connection, const std::string& sql,
                                                    const std::vector<SqlParameter>& parameters = {});
double Number(const std::optional<std::string>& cell);  // NULL -> NaN
std::string Text(const std::optional<std::string>& cell);

}  // namespace cxm::analytics
