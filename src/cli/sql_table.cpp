#include "cli/sql_table.h"

#include "common/strings.h"

namespace cxm::cli {
namespace {

bool IsJsonLiteralType(duckdb_type type) {
  switch (type) {
    case DUCKDB_TYPE_BOOLEAN:
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT:
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE:
    case DUCKDB_TYPE_DECIMAL: return true;
    default: return false;
  }
}

}  // namespace

Result<TextTable> QueryToTable(store::Connection& connection, const std::string& sql) {
  std::string statement_sql(Trim(sql));
  while (!statement_sql.empty() && statement_sql.back() == ';') {
    statement_sql.pop_back();
    statement_sql = std::string(Trim(statement_sql));
  }
  if (statement_sql.empty()) return Status::InvalidArgument("empty SQL statement");
  Result<store::Statement> prepared = connection.Prepare(statement_sql);
  if (!prepared.has_value()) return Status::InvalidArgument(prepared.error().message());

  TextTable table;
  for (std::uint64_t column_idx = 0; column_idx < prepared->ColumnCount(); ++column_idx) {
    table.columns.push_back(prepared->ColumnName(column_idx));
    table.is_json_literal.push_back(IsJsonLiteralType(prepared->ColumnType(column_idx)));
  }

  if (prepared->Type() == DUCKDB_STATEMENT_TYPE_SELECT && !table.columns.empty()) {
    // Every column as text, streamed chunk by chunk, whatever its type.
    Result<store::Statement> as_text = connection.Prepare(
        "SELECT COLUMNS(*)::VARCHAR FROM (" + statement_sql + "\n)");
    if (as_text.has_value() && as_text->ColumnCount() == table.columns.size()) {
      Result<store::QueryResult> result = as_text->Execute();
      if (!result.has_value()) return Status::InvalidArgument(result.error().message());
      while (std::optional<store::DataChunk> chunk = result->NextChunk()) {
        for (std::uint64_t row_idx = 0; row_idx < chunk->RowCount(); ++row_idx) {
          std::vector<std::optional<std::string>> row;
          for (std::uint64_t column_idx = 0; column_idx < table.columns.size(); ++column_idx) {
            store::ColumnView column = chunk->Column(column_idx);
            if (column.IsNull(row_idx)) {
              row.emplace_back(std::nullopt);
            } else {
              row.emplace_back(std::string(column.Text(row_idx)));
            }
          }
          table.rows.push_back(std::move(row));
        }
      }
      return table;
    }
  }
  Result<store::QueryResult> result = prepared->Execute();
  if (!result.has_value()) return Status::InvalidArgument(result.error().message());
  if (table.columns.empty()) {
    for (std::uint64_t column_idx = 0; column_idx < result->ColumnCount(); ++column_idx) {
      table.columns.push_back(result->ColumnName(column_idx));
      table.is_json_literal.push_back(IsJsonLiteralType(result->ColumnType(column_idx)));
    }
  }
  table.rows = result->AllRowsAsText();
  return table;
}

}  // namespace cxm::cli
