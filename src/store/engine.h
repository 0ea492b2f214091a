// The engine seam: the one interface through which analytics reach a store. An analysis asks
// for a named query (what it computes, its SQL in DuckDB's dialect, bound parameters) and gets
// typed columns back; nothing above this header knows which engine answered. The DuckDB
// implementation is store/duckdb_engine.h; a second engine (ClickHouse) implements Run for the
// same names, with its own text where its dialect differs (docs/architecture.md).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace cxm::store {

// A value bound to $1, $2, ... (never pasted into the text).
using Parameter = std::variant<std::int64_t, double, std::string, bool>;

struct NamedQuery {
  std::string name;  // "recovery.groups": stable, what an engine looks its own text up by
  std::string sql;   // DuckDB's dialect, parameters as $1, $2, ...
  std::vector<Parameter> parameters;
};

enum class ValueKind { kInteger, kNumber, kBoolean, kText };

// One column of a result: numbers for integer, number and boolean columns (NaN = NULL), texts
// for the others (timestamps and dates as ISO text).
struct Column {
  std::string name;
  ValueKind kind = ValueKind::kNumber;
  std::vector<double> numbers;
  std::vector<std::optional<std::string>> texts;
  bool is_text() const { return kind == ValueKind::kText; }
};

// A query's whole result, column by column.
class Frame {
 public:
  Frame() = default;
  explicit Frame(std::vector<Column> columns) : columns_(std::move(columns)) {}

  std::size_t RowCount() const;
  std::size_t ColumnCount() const { return columns_.size(); }
  const Column& column(std::size_t idx) const { return columns_[idx]; }
  std::vector<Column>& columns() { return columns_; }

  // NaN for NULL; a text column's cell parsed as a number.
  double Number(std::size_t column, std::size_t row) const;
  // "" for NULL; a number column's cell as an integer or the shortest decimal.
  std::string Text(std::size_t column, std::size_t row) const;
  bool IsNull(std::size_t column, std::size_t row) const;

 private:
  std::vector<Column> columns_;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string_view Dialect() const = 0;
  // Runs a query or statement; an error names the query.
  virtual Result<Frame> Run(const NamedQuery& query) = 0;
};

}  // namespace cxm::store
