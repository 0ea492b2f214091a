#include "cli/sql_table.h"

#include <fmt/format.h>

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

const char* StatementKind(duckdb_statement_type type) {
  switch (type) {
    case DUCKDB_STATEMENT_TYPE_INSERT: return "an INSERT";
    case DUCKDB_STATEMENT_TYPE_UPDATE: return "an UPDATE";
    case DUCKDB_STATEMENT_TYPE_DELETE: return "a DELETE";
    case DUCKDB_STATEMENT_TYPE_CREATE:
    case DUCKDB_STATEMENT_TYPE_CREATE_FUNC: return "a CREATE";
    case DUCKDB_STATEMENT_TYPE_ALTER: return "an ALTER";
    case DUCKDB_STATEMENT_TYPE_DROP: return "a DROP";
    case DUCKDB_STATEMENT_TYPE_COPY: return "a COPY";
    case DUCKDB_STATEMENT_TYPE_EXPORT: return "an EXPORT DATABASE";
    case DUCKDB_STATEMENT_TYPE_ATTACH: return "an ATTACH";
    case DUCKDB_STATEMENT_TYPE_DETACH: return "a DETACH";
    case DUCKDB_STATEMENT_TYPE_LOAD: return "a LOAD or INSTALL";
    case DUCKDB_STATEMENT_TYPE_EXTENSION: return "an extension";
    case DUCKDB_STATEMENT_TYPE_SET:
    case DUCKDB_STATEMENT_TYPE_VARIABLE_SET: return "a SET";
    case DUCKDB_STATEMENT_TYPE_TRANSACTION: return "a transaction";
    case DUCKDB_STATEMENT_TYPE_PRAGMA: return "a PRAGMA";
    case DUCKDB_STATEMENT_TYPE_VACUUM: return "a VACUUM";
    case DUCKDB_STATEMENT_TYPE_ANALYZE: return "an ANALYZE";
    case DUCKDB_STATEMENT_TYPE_PREPARE:
    case DUCKDB_STATEMENT_TYPE_EXECUTE: return "a PREPARE or EXECUTE";
    default: return "this kind of";
  }
}

// DuckDB's refusal of a file, the network or an extension, said in cxm's terms.
Status QueryError(const Status& error) {
  if (error.message().find("multiple statements") != std::string::npos) {
    return Status::InvalidArgument("cxm query runs one statement at a time");
  }
  if (error.message().find("Permission Error") != std::string::npos) {
    return Status::InvalidArgument(
        "cxm query reads only the store: files, the network and extensions are out of its reach ("
        "DuckDB: " + error.message().substr(0, error.message().find('\n')) + ")");
  }
  return Status::InvalidArgument(error.message());
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
  if (!prepared.has_value()) return QueryError(prepared.error());
  // Only queries run: SHOW, DESCRIBE and SUMMARIZE are SELECTs to DuckDB, EXPLAIN and CALL
  // read too. The store is opened read-only and sandboxed as well (store.h); this says no
  // before either has to, in words that name the statement.
  const duckdb_statement_type type = prepared->Type();
  if (type != DUCKDB_STATEMENT_TYPE_SELECT && type != DUCKDB_STATEMENT_TYPE_EXPLAIN &&
      type != DUCKDB_STATEMENT_TYPE_CALL) {
    return Status::InvalidArgument(fmt::format(
        "cxm query runs one read-only query (SELECT, WITH, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN); "
        "{} statement is not run. To export a result, use --format csv or json and redirect it",
        StatementKind(type)));
  }

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
      if (!result.has_value()) return QueryError(result.error());
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
  if (!result.has_value()) return QueryError(result.error());
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
