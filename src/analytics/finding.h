// Finding: one analysis result as cxm hands it on (a title, a plain-sentence summary, a typed
// table and the diagnostics about the data behind it), for the table and CSV printers, JSON
// (`--format json`, the HTML report, the HTTP API).
//
// Cells are typed: null, integer, number or text. A column says its type, its unit (%, points,
// a currency code) and how many decimals a table shows; rounding happens only when a table is
// rendered (RenderCell). JSON carries numbers as numbers, unrounded.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace cxm::analytics {

enum class CellType { kText, kInteger, kNumber };

struct ColumnSpec {
  std::string name;
  CellType type = CellType::kText;
  std::string unit;  // "", "%", "points", or a currency code ("SEK")
  int decimals = 0;  // shown in a table
};

// Column constructors, so that a finding's columns read as what they hold.
ColumnSpec TextColumn(std::string name);
ColumnSpec IntegerColumn(std::string name);
ColumnSpec NumberColumn(std::string name, int decimals, std::string unit = "");
ColumnSpec PercentColumn(std::string name, int decimals = 1);  // values in percent (45.3 = 45.3%)
ColumnSpec PointsColumn(std::string name, int decimals = 1);   // differences in points
ColumnSpec MoneyColumn(std::string name, std::string currency);
// A money column named after its currency: MoneyColumnOf("revenue", "EUR") is revenue_eur.
ColumnSpec MoneyColumnOf(const std::string& stem, const std::string& currency);

using Cell = std::variant<std::monostate, std::int64_t, double, std::string>;

// A number, or null where it is not finite (an estimate without data).
inline Cell Num(double value) { return std::isfinite(value) ? Cell(value) : Cell(); }
// A count or rank, or null where it is not finite.
inline Cell Int(double value) {
  return std::isfinite(value) ? Cell(static_cast<std::int64_t>(std::llround(value))) : Cell();
}
inline Cell Pct(double share) { return Num(100 * share); }  // a share 0..1 as percent

// A setting the finding was computed with (λ, half-life, horizon, currency ...): a number where
// it is one, null where it is not set (a reference date left to the store's end).
struct Setting {
  std::string name;
  Cell value;
};

// What the data behind a finding lacks or risks: small groups, missing values, items left out.
struct Diagnostic {
  std::string kind;     // "small_group", "missing_values", "left_out", "not_enough_data", ...
  std::string message;  // a sentence
};


struct Finding {
  std::string key;      // machine name: "moments", "recovery_groups"
  std::string title;    // "Moments of truth"
  std::string summary;  // one or two plain sentences with the numbers
  std::vector<ColumnSpec> columns;
  std::vector<std::vector<Cell>> rows;
  std::vector<Diagnostic> diagnostics;
  std::vector<Setting> settings;

  std::vector<std::string> ColumnNames() const;
};

// A cell as a table shows it: rounded to its column's decimals, null as "".
std::string RenderCell(const Cell& cell, const ColumnSpec& column);

// {"key","title","summary","columns":[names],"column_types":[{name,type,unit,decimals}],
//  "rows":[{column: value}],"diagnostics":[{kind,message}],"settings":{name: value}}
std::string FindingJson(const Finding& finding);
// {"<key>": <finding>, ...}
std::string FindingsJson(const std::vector<Finding>& findings);

}  // namespace cxm::analytics
