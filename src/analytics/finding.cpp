#include "analytics/finding.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "common/strings.h"

namespace cxm::analytics {
namespace {

Result<store::QueryResult> ExecuteBound(store::Connection& connection, const std::string& sql,
                                       const std::vector<SqlParameter>& parameters) {
  CXM_ASSIGN_OR_RETURN(store::Statement statement, connection.Prepare(sql));
  for (std::size_t idx = 0; idx < parameters.size(); ++idx) {
    CXM_TRY(std::visit([&](const auto& value) { return statement.Bind(idx + 1, value); }, parameters[idx]));
  }
  return statement.Execute();
}

}  // namespace

std::string FindingJson(const Finding& finding) {
  std::string json = fmt::format("{{\"key\":{},\"title\":{},\"summary\":{},\"columns\":[", JsonQuote(finding.key),
                                 JsonQuote(finding.title), JsonQuote(finding.summary));
  for (std::size_t column = 0; column < finding.columns.size(); ++column) {
    if (column > 0) json += ',';
    json += JsonQuote(finding.columns[column]);
  }
  json += "],\"rows\":[";
  for (std::size_t row = 0; row < finding.rows.size(); ++row) {
    json += row ? ",{" : "{";
    for (std::size_t column = 0; column < finding.columns.size() && column < finding.rows[row].size(); ++column) {
      const std::string& cell = finding.rows[row][column];
      const bool is_number = column < finding.is_numeric.size() && finding.is_numeric[column];
      if (column > 0) json += ',';
      json += JsonQuote(finding.columns[column]);
      json += ':';
      if (is_number) {
        char* end = nullptr;
        const double value = std::strtod(cell.c_str(), &end);
        json += cell.empty() || end == cell.c_str() || *end != '\0' || !std::isfinite(value) ? "null" : cell;
      } else {
        json += JsonQuote(cell);
      }
    }
    json += "}";
  }
  return json + "]}";
}

std::string FindingsJson(const std::vector<Finding>& findings) {
  std::string json = "{";
  for (std::size_t idx = 0; idx < findings.size(); ++idx) {
    if (idx > 0) json += ',';
    json += JsonQuote(findings[idx].key);
    json += ':';
    json += FindingJson(findings[idx]);
  }
  return json + "}";
}

std::string Fixed(double value, int decimals) {
  return std::isfinite(value) ? fmt::format("{:.{}f}", value, decimals) : "";
}

Result<TextRows> QueryRows(store::Connection& connection, const std::string& sql,
                           const std::vector<SqlParameter>& parameters) {
  CXM_ASSIGN_OR_RETURN(store::QueryResult result, ExecuteBound(connection, sql, parameters));
  return result.AllRowsAsText();
}

Result<std::vector<std::vector<double>>> ReadColumns(store::Connection& connection, const std::string& sql,
                                                    const std::vector<SqlParameter>& parameters) {
  CXM_ASSIGN_OR_RETURN(store::QueryResult result, ExecuteBound(connection, sql, parameters));
  const std::uint64_t columns = result.ColumnCount();
  for (std::uint64_t column = 0; column < columns; ++column) {
    if (result.ColumnType(column) != DUCKDB_TYPE_DOUBLE) {
      return Status::Internal(fmt::format("column {} of an analysis query is not DOUBLE", result.ColumnName(column)));
    }
  }
  std::vector<std::vector<double>> values(columns);
  while (std::optional<store::DataChunk> chunk = result.NextChunk()) {
    for (std::uint64_t column = 0; column < columns; ++column) {
      const store::ColumnView view = chunk->Column(column);
      for (std::uint64_t row = 0; row < chunk->RowCount(); ++row) {
        values[column].push_back(view.IsNull(row) ? std::nan("") : view.Double(row));
      }
    }
  }
  return values;
}

double Number(const std::optional<std::string>& cell) {
  return cell ? std::strtod(cell->c_str(), nullptr) : std::nan("");
}
std::string Text(const std::optional<std::string>& cell) { return cell.value_or(""); }

}  // namespace cxm::analytics
