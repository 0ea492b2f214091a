#include "analytics/finding.h"

#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cxm::analytics {
namespace {

using Json = nlohmann::ordered_json;

const char* TypeName(CellType type) {
  switch (type) {
    case CellType::kText: return "text";
    case CellType::kInteger: return "integer";
    case CellType::kNumber: return "number";
  }
  return "text";
}

Json CellJson(const Cell& cell) {
  if (const auto* integer = std::get_if<std::int64_t>(&cell)) return *integer;
  if (const auto* number = std::get_if<double>(&cell)) return *number;
  if (const auto* text = std::get_if<std::string>(&cell)) return *text;
  return nullptr;
}

Json ToJson(const Finding& finding) {
  Json json = {{"key", finding.key}, {"title", finding.title}, {"summary", finding.summary}};
  Json names = Json::array();
  Json types = Json::array();
  for (const ColumnSpec& column : finding.columns) {
    names.push_back(column.name);
    types.push_back({{"name", column.name}, {"type", TypeName(column.type)}, {"unit", column.unit},
                     {"decimals", column.decimals}});
  }
  json["columns"] = std::move(names);
  json["column_types"] = std::move(types);
  Json rows = Json::array();
  for (const std::vector<Cell>& row : finding.rows) {
    Json object = Json::object();
    for (std::size_t column = 0; column < finding.columns.size() && column < row.size(); ++column) {
      object[finding.columns[column].name] = CellJson(row[column]);
    }
    rows.push_back(std::move(object));
  }
  json["rows"] = std::move(rows);
  Json diagnostics = Json::array();
  for (const Diagnostic& diagnostic : finding.diagnostics) {
    diagnostics.push_back({{"kind", diagnostic.kind}, {"message", diagnostic.message}});
  }
  json["diagnostics"] = std::move(diagnostics);
  Json settings = Json::object();
  for (const Setting& setting : finding.settings) settings[setting.name] = CellJson(setting.value);
  json["settings"] = std::move(settings);
  return json;
}

std::string Dump(const Json& json) {
  // Invalid UTF-8 in a quote is replaced rather than thrown on.
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

ColumnSpec TextColumn(std::string name) { return {.name = std::move(name)}; }
ColumnSpec IntegerColumn(std::string name) { return {.name = std::move(name), .type = CellType::kInteger}; }
ColumnSpec NumberColumn(std::string name, int decimals, std::string unit) {
  return {.name = std::move(name), .type = CellType::kNumber, .unit = std::move(unit), .decimals = decimals};
}
ColumnSpec PercentColumn(std::string name, int decimals) { return NumberColumn(std::move(name), decimals, "%"); }
ColumnSpec PointsColumn(std::string name, int decimals) { return NumberColumn(std::move(name), decimals, "points"); }
ColumnSpec MoneyColumn(std::string name, std::string currency) {
  return NumberColumn(std::move(name), 0, std::move(currency));
}

ColumnSpec MoneyColumnOf(const std::string& stem, const std::string& currency) {
  // Amounts that name no currency stay without one: "revenue", never "revenue_sek" by default.
  std::string name = currency.empty() ? stem : stem + "_";
  for (const char c : currency) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return MoneyColumn(std::move(name), currency);
}

std::vector<std::string> Finding::ColumnNames() const {
  std::vector<std::string> names;
  for (const ColumnSpec& column : columns) names.push_back(column.name);
  return names;
}

std::string RenderCell(const Cell& cell, const ColumnSpec& column) {
  if (const auto* integer = std::get_if<std::int64_t>(&cell)) return std::to_string(*integer);
  if (const auto* number = std::get_if<double>(&cell)) {
    if (column.type == CellType::kInteger) return fmt::format("{:.0f}", *number);
    return fmt::format("{:.{}f}", *number, column.decimals);
  }
  if (const auto* text = std::get_if<std::string>(&cell)) return *text;
  return "";
}

std::string FindingJson(const Finding& finding) { return Dump(ToJson(finding)); }

std::string FindingsJson(const std::vector<Finding>& findings) {
  Json json = Json::object();
  for (const Finding& finding : findings) json[finding.key] = ToJson(finding);
  return Dump(json);
}

}  // namespace cxm::analytics
