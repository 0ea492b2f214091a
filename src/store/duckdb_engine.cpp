#include "store/duckdb_engine.h"

#include <cstdlib>

#include <fmt/format.h>

namespace cxm::store {

namespace {

ValueKind KindOf(duckdb_type type) {
  switch (type) {
    case DUCKDB_TYPE_BOOLEAN:
      return ValueKind::kBoolean;
    case DUCKDB_TYPE_TINYINT: case DUCKDB_TYPE_SMALLINT: case DUCKDB_TYPE_INTEGER: case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT: case DUCKDB_TYPE_USMALLINT: case DUCKDB_TYPE_UINTEGER: case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT: case DUCKDB_TYPE_UHUGEINT:
      return ValueKind::kInteger;
    case DUCKDB_TYPE_FLOAT: case DUCKDB_TYPE_DOUBLE: case DUCKDB_TYPE_DECIMAL:
      return ValueKind::kNumber;
    default:
      return ValueKind::kText;
  }
}

}  // namespace

Result<Frame> DuckDbEngine::Run(const NamedQuery& query) {
  auto prepared = connection_.Prepare(query.sql);
  if (!prepared.has_value()) return prepared.error().Prefixed("query " + query.name);
  Statement& statement = *prepared;
  for (std::size_t idx = 0; idx < query.parameters.size(); ++idx) {
    CXM_TRY(std::visit([&](const auto& value) { return statement.Bind(idx + 1, value); }, query.parameters[idx]));
  }
  CXM_ASSIGN_OR_RETURN(QueryResult result, statement.Execute());
  std::vector<Column> columns(result.ColumnCount());
  for (std::size_t column = 0; column < columns.size(); ++column) {
    columns[column].name = result.ColumnName(column);
    columns[column].kind = KindOf(result.ColumnType(column));
  }
  // Chunk by chunk where every column has a type the chunk reader knows (the analyses cast to
  // DOUBLE, counts are BIGINT, names VARCHAR): no copy of the whole result beside the frame.
  // Otherwise (a HUGEINT sum, a DECIMAL, a TIMESTAMP) cell by cell through DuckDB's conversions.
  std::vector<duckdb_type> types(columns.size());
  bool is_chunked = true;
  for (std::size_t column = 0; column < columns.size(); ++column) {
    types[column] = result.ColumnType(column);
    is_chunked &= types[column] == DUCKDB_TYPE_DOUBLE || types[column] == DUCKDB_TYPE_BIGINT ||
                  types[column] == DUCKDB_TYPE_BOOLEAN || types[column] == DUCKDB_TYPE_VARCHAR;
  }
  if (is_chunked) {
    while (std::optional<DataChunk> chunk = result.NextChunk()) {
      const std::uint64_t rows = chunk->RowCount();
      for (std::size_t column = 0; column < columns.size(); ++column) {
        const ColumnView view = chunk->Column(column);
        Column& values = columns[column];
        for (std::uint64_t row = 0; row < rows; ++row) {
          const bool is_null = view.IsNull(row);
          switch (types[column]) {
            case DUCKDB_TYPE_VARCHAR:
              values.texts.push_back(is_null ? std::nullopt : std::optional<std::string>(view.Text(row)));
              break;
            case DUCKDB_TYPE_DOUBLE:
              values.numbers.push_back(is_null ? std::nan("") : view.Double(row));
              break;
            case DUCKDB_TYPE_BIGINT:
              values.numbers.push_back(is_null ? std::nan("") : static_cast<double>(view.Int64(row)));
              break;
            default:
              values.numbers.push_back(is_null ? std::nan("") : (view.Bool(row) ? 1.0 : 0.0));
              break;
          }
        }
      }
    }
    return Frame(std::move(columns));
  }
  const std::uint64_t rows = result.MaterialisedRowCount();
  for (std::size_t column = 0; column < columns.size(); ++column) {
    Column& values = columns[column];
    for (std::uint64_t row = 0; row < rows; ++row) {
      const bool is_null = result.IsNullAt(column, row);
      if (values.is_text()) {
        values.texts.push_back(is_null ? std::nullopt : std::optional<std::string>(result.TextAt(column, row)));
      } else {
        values.numbers.push_back(is_null ? std::nan("") : result.DoubleAt(column, row));
      }
    }
  }
  return Frame(std::move(columns));
}

}  // namespace cxm::store
