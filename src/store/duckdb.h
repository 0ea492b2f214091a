// A small RAII layer over DuckDB's C API (duckdb.h). Only the C API is used: the C++ classes in
// DuckDB's source tree are not a stable ABI of the shipped libduckdb.so.
//
// Each C handle has one move-only owner whose destructor releases it. Declare a Database before
// the Connections made from it, so that connections are closed first.
//
// Thread-safety: a Database may be shared by threads, each with its own Connection; a
// Connection, Statement, QueryResult or Appender is used by one thread at a time.
#pragma once

#include <duckdb.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cxm::store {

// One vector of a fetched chunk, read as the type its accessor names. REQUIRES: the column's
// type matches (VARCHAR for Text, BIGINT for Int64, UBIGINT for UInt64, DOUBLE for Double,
// BOOLEAN for Bool).
class ColumnView {
 public:
  ColumnView(duckdb_vector vector, std::uint64_t row_count);
  bool IsNull(std::uint64_t row_idx) const;
  std::string_view Text(std::uint64_t row_idx) const;
  std::int64_t Int64(std::uint64_t row_idx) const;
  std::uint64_t UInt64(std::uint64_t row_idx) const;
  double Double(std::uint64_t row_idx) const;
  bool Bool(std::uint64_t row_idx) const;

 private:
  duckdb_vector vector_;
  std::uint64_t* validity_;
  void* data_;
};

// A fetched chunk of at most 2048 rows; owns the duckdb_data_chunk.
class DataChunk {
 public:
  explicit DataChunk(duckdb_data_chunk chunk) : chunk_(chunk) {}
  DataChunk(DataChunk&& other) noexcept : chunk_(std::exchange(other.chunk_, nullptr)) {}
  DataChunk& operator=(DataChunk&& other) noexcept;
  DataChunk(const DataChunk&) = delete;
  DataChunk& operator=(const DataChunk&) = delete;
  ~DataChunk();

  std::uint64_t RowCount() const;
  ColumnView Column(std::uint64_t column_idx) const;

 private:
  duckdb_data_chunk chunk_;
};

// The result of a query, read chunk by chunk (streams; the whole result is never copied).
class QueryResult {
 public:
  explicit QueryResult(duckdb_result result) : result_(result), is_owned_(true) {}
  QueryResult(QueryResult&& other) noexcept;
  QueryResult& operator=(QueryResult&& other) noexcept;
  QueryResult(const QueryResult&) = delete;
  QueryResult& operator=(const QueryResult&) = delete;
  ~QueryResult();

  std::uint64_t ColumnCount();
  std::string ColumnName(std::uint64_t column_idx);
  duckdb_type ColumnType(std::uint64_t column_idx);
  std::uint64_t RowsChanged();

  // The next chunk, or nullopt at the end.
  std::optional<DataChunk> NextChunk();

  // Every cell as text (NULL → nullopt), materialising the whole result: for statements whose
  // column types are not known in advance (SHOW, DESCRIBE, PRAGMA). Do not mix with NextChunk.
  std::vector<std::vector<std::optional<std::string>>> AllRowsAsText();
  // Cell access on the materialised result (likewise not mixed with NextChunk): the row count,
  // and one cell as a double (numeric and boolean columns) or as text.
  std::uint64_t MaterialisedRowCount();
  bool IsNullAt(std::uint64_t column_idx, std::uint64_t row_idx);
  double DoubleAt(std::uint64_t column_idx, std::uint64_t row_idx);
  std::string TextAt(std::uint64_t column_idx, std::uint64_t row_idx);

  // Convenience for small results: the first column of the first row, NULL → nullopt.
  // REQUIRES: the column is BIGINT (Int64) / VARCHAR (Text).
  std::optional<std::int64_t> ScalarInt64();
  std::optional<std::string> ScalarText();

 private:
  duckdb_result result_;
  bool is_owned_;
};

class Statement {
 public:
  // Owns the prepared statement even when preparation failed (DuckDB wants it destroyed).
  static Result<Statement> Prepare(duckdb_connection connection, const std::string& sql);

  Statement(Statement&& other) noexcept
      : statement_(std::exchange(other.statement_, nullptr)), sql_(std::move(other.sql_)) {}
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are numbered from 1 ($1, $2, ...).
  Status Bind(std::uint64_t param_idx, std::string_view value);
  Status Bind(std::uint64_t param_idx, const char* value) { return Bind(param_idx, std::string_view(value)); }
  Status Bind(std::uint64_t param_idx, std::int64_t value);
  Status Bind(std::uint64_t param_idx, double value);
  Status Bind(std::uint64_t param_idx, bool value);
  Status BindNull(std::uint64_t param_idx);
  Status ClearBindings();

  std::uint64_t ParameterCount() const;
  std::uint64_t ColumnCount() const;
  std::string ColumnName(std::uint64_t column_idx) const;
  duckdb_type ColumnType(std::uint64_t column_idx) const;
  duckdb_statement_type Type() const;

  Result<QueryResult> Execute();

 private:
  Statement(duckdb_prepared_statement statement, std::string sql)
      : statement_(statement), sql_(std::move(sql)) {}
  duckdb_prepared_statement statement_;
  std::string sql_;  // for error context and CXM_TRACE_SQL
};

// Row-wise bulk insert into one table; values in column order, EndRow after each row.
class Appender {
 public:
  static Result<Appender> Create(duckdb_connection connection, const std::string& table);
  Appender(Appender&& other) noexcept : appender_(std::exchange(other.appender_, nullptr)) {}
  Appender& operator=(Appender&& other) noexcept;
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;
  ~Appender();

  Status Append(std::string_view value);
  Status Append(std::int64_t value);
  Status Append(double value);
  Status Append(bool value);
  Status AppendNull();
  Status EndRow();
  Status Close();  // flushes; errors from constraint checks surface here
  // Writes the rows appended so far; on a connection without an open transaction they are
  // committed then (a process killed later keeps them).
  Status Flush();

 private:
  explicit Appender(duckdb_appender appender) : appender_(appender) {}
  Status Check(duckdb_state state, const char* what);
  duckdb_appender appender_;
};

// The C++ body of a VARCHAR -> VARCHAR SQL function. Returns the transformed text. Must not
// throw past its caller (exceptions become a query error) and must be thread-safe: DuckDB calls
// it from several threads at once.
using TextFunction = std::function<std::string(std::string_view)>;

class Connection {
 public:
  Connection(Connection&& other) noexcept : connection_(std::exchange(other.connection_, nullptr)) {}
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements and discards their results.
  Status Execute(const std::string& sql);
  Result<QueryResult> Query(const std::string& sql);
  Result<Statement> Prepare(const std::string& sql);
  Result<Appender> CreateAppender(const std::string& table);

  // Registers name(VARCHAR) -> VARCHAR; NULL maps to NULL. The function lives as long as the
  // database.
  Status RegisterTextFunction(const std::string& name, TextFunction function);

  void Interrupt();
  duckdb_connection raw() const { return connection_; }

 private:
  friend class Database;
  explicit Connection(duckdb_connection connection) : connection_(connection) {}
  duckdb_connection connection_;
};

class Database {
 public:
  struct Options {
    bool read_only = false;
    std::string memory_limit;  // e.g. "4GB"; empty = DuckDB's default
    std::uint32_t threads = 0;  // 0 = DuckDB's default (all cores)
  };
  // Opens (creating if absent, unless read-only) the database file; ":memory:" for in-memory.
  static Result<Database> Open(const std::string& path, const Options& options);
  static Result<Database> Open(const std::string& path) { return Open(path, Options{}); }

  Database(Database&& other) noexcept : database_(std::exchange(other.database_, nullptr)) {}
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  Result<Connection> Connect();

 private:
  explicit Database(duckdb_database database) : database_(database) {}
  duckdb_database database_;
};

// All-or-nothing: BEGIN on creation, ROLLBACK in the destructor unless Commit() ran.
class Transaction {
 public:
  static Result<Transaction> Begin(Connection& connection);
  Transaction(Transaction&& other) noexcept : connection_(std::exchange(other.connection_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Connection* connection) : connection_(connection) {}
  Connection* connection_;
};

}  // namespace cxm::store
