#include "store/duckdb.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <utility>

namespace cxm::store {
namespace {

std::string TextOrUnknown(const char* text) { return text ? std::string(text) : "unknown error"; }

// CXM_TRACE_SQL=1 prints each statement run through this layer with its wall time to stderr:
// how to see where a slow command spends its time.
bool IsTracing() {
  static const bool is_tracing = [] {
    const char* value = std::getenv("CXM_TRACE_SQL");
    return value != nullptr && *value != '\0' && *value != '0';
  }();
  return is_tracing;
}

// DuckDB reports the system's refusals (a full disk, a file it may not write, a read-only file
// system) as errors of the statement; they are the user's to fix, not cxm's bugs.
Status StatementError(std::string message) {
  for (const char* system : {"No space left on device", "Permission denied", "Read-only file system",
                             "Disk quota exceeded"}) {
    if (message.find(system) != std::string::npos) {
      return Status::Io(message.substr(0, message.find('\n')));
    }
  }
  return Status::Sql(std::move(message));
}

class TraceScope {
 public:
  explicit TraceScope(const char* sql) : sql_(IsTracing() ? sql : nullptr) {
    if (sql_) start_ = std::chrono::steady_clock::now();
  }
  ~TraceScope() {
    if (!sql_) return;
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
    std::string text(sql_);
    for (char& c : text) {
      if (c == '\n') c = ' ';
    }
    if (text.size() > 160) text = text.substr(0, 157) + "...";
    std::fprintf(stderr, "[sql %9.1f ms] %s\n", ms, text.c_str());
  }
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

 private:
  const char* sql_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

// ---- ColumnView / DataChunk ----

ColumnView::ColumnView(duckdb_vector vector, std::uint64_t /*row_count*/)
    : vector_(vector),
      validity_(duckdb_vector_get_validity(vector)),
      data_(duckdb_vector_get_data(vector)) {}

bool ColumnView::IsNull(std::uint64_t row_idx) const {
  return validity_ != nullptr && !duckdb_validity_row_is_valid(validity_, row_idx);
}

std::string_view ColumnView::Text(std::uint64_t row_idx) const {
  auto* strings = static_cast<duckdb_string_t*>(data_);
  duckdb_string_t* value = &strings[row_idx];
  return {duckdb_string_t_data(value), duckdb_string_t_length(*value)};
}

std::int64_t ColumnView::Int64(std::uint64_t row_idx) const {
  return static_cast<std::int64_t*>(data_)[row_idx];
}
std::uint64_t ColumnView::UInt64(std::uint64_t row_idx) const {
  return static_cast<std::uint64_t*>(data_)[row_idx];
}
double ColumnView::Double(std::uint64_t row_idx) const {
  return static_cast<double*>(data_)[row_idx];
}
bool ColumnView::Bool(std::uint64_t row_idx) const { return static_cast<bool*>(data_)[row_idx]; }

DataChunk& DataChunk::operator=(DataChunk&& other) noexcept {
  if (this != &other) {
    if (chunk_) duckdb_destroy_data_chunk(&chunk_);
    chunk_ = std::exchange(other.chunk_, nullptr);
  }
  return *this;
}
DataChunk::~DataChunk() {
  if (chunk_) duckdb_destroy_data_chunk(&chunk_);
}
std::uint64_t DataChunk::RowCount() const { return duckdb_data_chunk_get_size(chunk_); }
ColumnView DataChunk::Column(std::uint64_t column_idx) const {
  return ColumnView(duckdb_data_chunk_get_vector(chunk_, column_idx), RowCount());
}

// ---- QueryResult ----

QueryResult::QueryResult(QueryResult&& other) noexcept
    : result_(other.result_), is_owned_(std::exchange(other.is_owned_, false)) {}

QueryResult& QueryResult::operator=(QueryResult&& other) noexcept {
  if (this != &other) {
    if (is_owned_) duckdb_destroy_result(&result_);
    result_ = other.result_;
    is_owned_ = std::exchange(other.is_owned_, false);
  }
  return *this;
}

QueryResult::~QueryResult() {
  if (is_owned_) duckdb_destroy_result(&result_);
}

std::uint64_t QueryResult::ColumnCount() { return duckdb_column_count(&result_); }
std::string QueryResult::ColumnName(std::uint64_t column_idx) {
  return TextOrUnknown(duckdb_column_name(&result_, column_idx));
}
duckdb_type QueryResult::ColumnType(std::uint64_t column_idx) {
  return duckdb_column_type(&result_, column_idx);
}
std::uint64_t QueryResult::RowsChanged() { return duckdb_rows_changed(&result_); }

std::optional<DataChunk> QueryResult::NextChunk() {
  duckdb_data_chunk chunk = duckdb_fetch_chunk(result_);
  if (chunk == nullptr) return std::nullopt;
  return DataChunk(chunk);
}

std::vector<std::vector<std::optional<std::string>>> QueryResult::AllRowsAsText() {
  std::vector<std::vector<std::optional<std::string>>> rows;
  const std::uint64_t row_count = duckdb_row_count(&result_);
  const std::uint64_t column_count = duckdb_column_count(&result_);
  for (std::uint64_t row_idx = 0; row_idx < row_count; ++row_idx) {
    std::vector<std::optional<std::string>> row;
    for (std::uint64_t column_idx = 0; column_idx < column_count; ++column_idx) {
      if (duckdb_value_is_null(&result_, column_idx, row_idx)) {
        row.emplace_back(std::nullopt);
        continue;
      }
      char* text = duckdb_value_varchar(&result_, column_idx, row_idx);
      row.emplace_back(text ? std::string(text) : std::string());
      duckdb_free(text);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::uint64_t QueryResult::MaterialisedRowCount() { return duckdb_row_count(&result_); }

bool QueryResult::IsNullAt(std::uint64_t column_idx, std::uint64_t row_idx) {
  return duckdb_value_is_null(&result_, column_idx, row_idx);
}

double QueryResult::DoubleAt(std::uint64_t column_idx, std::uint64_t row_idx) {
  return duckdb_value_double(&result_, column_idx, row_idx);
}

std::string QueryResult::TextAt(std::uint64_t column_idx, std::uint64_t row_idx) {
  char* text = duckdb_value_varchar(&result_, column_idx, row_idx);
  std::string value = text ? std::string(text) : std::string();
  duckdb_free(text);
  return value;
}

std::optional<std::int64_t> QueryResult::ScalarInt64() {
  std::optional<DataChunk> chunk = NextChunk();
  if (!chunk || chunk->RowCount() == 0) return std::nullopt;
  ColumnView column = chunk->Column(0);
  if (column.IsNull(0)) return std::nullopt;
  return column.Int64(0);
}

std::optional<std::string> QueryResult::ScalarText() {
  std::optional<DataChunk> chunk = NextChunk();
  if (!chunk || chunk->RowCount() == 0) return std::nullopt;
  ColumnView column = chunk->Column(0);
  if (column.IsNull(0)) return std::nullopt;
  return std::string(column.Text(0));
}

// ---- Statement ----

Result<Statement> Statement::Prepare(duckdb_connection connection, const std::string& sql) {
  duckdb_prepared_statement raw = nullptr;
  const duckdb_state state = duckdb_prepare(connection, sql.c_str(), &raw);
  Statement owned(raw, sql);  // destroy_prepare runs even if prepare failed
  if (state == DuckDBError) return StatementError(TextOrUnknown(duckdb_prepare_error(raw)));
  return owned;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (statement_) duckdb_destroy_prepare(&statement_);
    statement_ = std::exchange(other.statement_, nullptr);
    sql_ = std::move(other.sql_);
  }
  return *this;
}

Statement::~Statement() {
  if (statement_) duckdb_destroy_prepare(&statement_);
}

namespace {
Status BindResult(duckdb_state state, std::uint64_t param_idx) {
  if (state == DuckDBError) {
    return Status::Internal("cannot bind parameter $" + std::to_string(param_idx));
  }
  return Status::Ok();
}
}  // namespace

Status Statement::Bind(std::uint64_t param_idx, std::string_view value) {
  return BindResult(duckdb_bind_varchar_length(statement_, param_idx, value.data(), value.size()),
                    param_idx);
}
Status Statement::Bind(std::uint64_t param_idx, std::int64_t value) {
  return BindResult(duckdb_bind_int64(statement_, param_idx, value), param_idx);
}
Status Statement::Bind(std::uint64_t param_idx, double value) {
  return BindResult(duckdb_bind_double(statement_, param_idx, value), param_idx);
}
Status Statement::Bind(std::uint64_t param_idx, bool value) {
  return BindResult(duckdb_bind_boolean(statement_, param_idx, value), param_idx);
}
Status Statement::BindNull(std::uint64_t param_idx) {
  return BindResult(duckdb_bind_null(statement_, param_idx), param_idx);
}
Status Statement::ClearBindings() {
  if (duckdb_clear_bindings(statement_) == DuckDBError) {
    return Status::Internal("cannot clear bindings");
  }
  return Status::Ok();
}

std::uint64_t Statement::ParameterCount() const { return duckdb_nparams(statement_); }
std::uint64_t Statement::ColumnCount() const {
  return duckdb_prepared_statement_column_count(statement_);
}
std::string Statement::ColumnName(std::uint64_t column_idx) const {
  // Unlike result column names, this copy is the caller's to free.
  const char* name = duckdb_prepared_statement_column_name(statement_, column_idx);
  std::string owned = TextOrUnknown(name);
  duckdb_free(const_cast<char*>(name));
  return owned;
}
duckdb_type Statement::ColumnType(std::uint64_t column_idx) const {
  return duckdb_prepared_statement_column_type(statement_, column_idx);
}
duckdb_statement_type Statement::Type() const { return duckdb_prepared_statement_type(statement_); }

Result<QueryResult> Statement::Execute() {
  TraceScope trace(sql_.c_str());
  duckdb_result raw;
  const duckdb_state state = duckdb_execute_prepared(statement_, &raw);
  QueryResult owned(raw);
  if (state == DuckDBError) return StatementError(TextOrUnknown(duckdb_result_error(&raw)));
  return owned;
}

// ---- Appender ----

Result<Appender> Appender::Create(duckdb_connection connection, const std::string& table) {
  duckdb_appender raw = nullptr;
  const duckdb_state state = duckdb_appender_create(connection, nullptr, table.c_str(), &raw);
  Appender owned(raw);
  if (state == DuckDBError) {
    return Status::Sql("cannot append to " + table + ": " +
                       TextOrUnknown(duckdb_appender_error(raw)));
  }
  return owned;
}

Appender& Appender::operator=(Appender&& other) noexcept {
  if (this != &other) {
    if (appender_) duckdb_appender_destroy(&appender_);
    appender_ = std::exchange(other.appender_, nullptr);
  }
  return *this;
}

Appender::~Appender() {
  if (appender_) duckdb_appender_destroy(&appender_);
}

Status Appender::Check(duckdb_state state, const char* what) {
  if (state == DuckDBError) {
    return StatementError(std::string(what) + ": " + TextOrUnknown(duckdb_appender_error(appender_)));
  }
  return Status::Ok();
}

Status Appender::Append(std::string_view value) {
  return Check(duckdb_append_varchar_length(appender_, value.data(), value.size()), "append");
}
Status Appender::Append(std::int64_t value) {
  return Check(duckdb_append_int64(appender_, value), "append");
}
Status Appender::Append(double value) {
  return Check(duckdb_append_double(appender_, value), "append");
}
Status Appender::Append(bool value) { return Check(duckdb_append_bool(appender_, value), "append"); }
Status Appender::AppendNull() { return Check(duckdb_append_null(appender_), "append"); }
Status Appender::EndRow() { return Check(duckdb_appender_end_row(appender_), "end row"); }
Status Appender::Close() { return Check(duckdb_appender_close(appender_), "close appender"); }

Status Appender::Flush() { return Check(duckdb_appender_flush(appender_), "flush appender"); }

// ---- Connection ----

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (connection_) duckdb_disconnect(&connection_);
    connection_ = std::exchange(other.connection_, nullptr);
  }
  return *this;
}

Connection::~Connection() {
  if (connection_) duckdb_disconnect(&connection_);
}

Status Connection::Execute(const std::string& sql) {
  TraceScope trace(sql.c_str());
  duckdb_result raw;
  const duckdb_state state = duckdb_query(connection_, sql.c_str(), &raw);
  QueryResult owned(raw);
  if (state == DuckDBError) return StatementError(TextOrUnknown(duckdb_result_error(&raw)));
  return Status::Ok();
}

Result<QueryResult> Connection::Query(const std::string& sql) {
  TraceScope trace(sql.c_str());
  duckdb_result raw;
  const duckdb_state state = duckdb_query(connection_, sql.c_str(), &raw);
  QueryResult owned(raw);
  if (state == DuckDBError) return StatementError(TextOrUnknown(duckdb_result_error(&raw)));
  return owned;
}

Result<Statement> Connection::Prepare(const std::string& sql) {
  return Statement::Prepare(connection_, sql);
}

Result<Appender> Connection::CreateAppender(const std::string& table) {
  return Appender::Create(connection_, table);
}

void Connection::Interrupt() { duckdb_interrupt(connection_); }

namespace {

// Called by DuckDB on its worker threads; nothing may throw out of it.
void CallTextFunction(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  const auto* function = static_cast<const TextFunction*>(duckdb_scalar_function_get_extra_info(info));
  const std::uint64_t row_count = duckdb_data_chunk_get_size(input);
  duckdb_vector in = duckdb_data_chunk_get_vector(input, 0);
  auto* strings = static_cast<duckdb_string_t*>(duckdb_vector_get_data(in));
  std::uint64_t* in_validity = duckdb_vector_get_validity(in);
  try {
    for (std::uint64_t row_idx = 0; row_idx < row_count; ++row_idx) {
      if (in_validity != nullptr && !duckdb_validity_row_is_valid(in_validity, row_idx)) {
        duckdb_vector_ensure_validity_writable(output);
        duckdb_validity_set_row_invalid(duckdb_vector_get_validity(output), row_idx);
        continue;
      }
      duckdb_string_t* value = &strings[row_idx];
      const std::string_view text(duckdb_string_t_data(value), duckdb_string_t_length(*value));
      const std::string transformed = (*function)(text);
      duckdb_vector_assign_string_element_len(output, row_idx, transformed.data(),
                                              transformed.size());
    }
  } catch (const std::exception& error) {
    duckdb_scalar_function_set_error(info, error.what());
  } catch (...) {
    duckdb_scalar_function_set_error(info, "unknown exception in a cxm SQL function");
  }
}

void DeleteTextFunction(void* function) { delete static_cast<TextFunction*>(function); }

}  // namespace

Status Connection::RegisterTextFunction(const std::string& name, TextFunction function) {
  duckdb_scalar_function scalar = duckdb_create_scalar_function();
  duckdb_scalar_function_set_name(scalar, name.c_str());
  duckdb_logical_type varchar = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
  duckdb_scalar_function_add_parameter(scalar, varchar);
  duckdb_scalar_function_set_return_type(scalar, varchar);
  duckdb_destroy_logical_type(&varchar);
  // DuckDB owns the copy from here and deletes it with the function.
  duckdb_scalar_function_set_extra_info(scalar, new TextFunction(std::move(function)),
                                        DeleteTextFunction);
  duckdb_scalar_function_set_function(scalar, CallTextFunction);
  const duckdb_state state = duckdb_register_scalar_function(connection_, scalar);
  duckdb_destroy_scalar_function(&scalar);
  if (state == DuckDBError) {
    return Status::Sql("cannot register SQL function " + name + " (already registered?)");
  }
  return Status::Ok();
}

// ---- Database ----

Result<Database> Database::Open(const std::string& path, const Options& options) {
  duckdb_config config = nullptr;
  if (duckdb_create_config(&config) == DuckDBError) return Status::Internal("duckdb_create_config");
  struct ConfigGuard {
    duckdb_config* config;
    ~ConfigGuard() { duckdb_destroy_config(config); }
  } config_guard{&config};
  if (options.read_only) duckdb_set_config(config, "access_mode", "READ_ONLY");
  if (!options.memory_limit.empty()) {
    duckdb_set_config(config, "memory_limit", options.memory_limit.c_str());
  }
  if (options.threads > 0) {
    duckdb_set_config(config, "threads", std::to_string(options.threads).c_str());
  }
  // Extensions that are not built in would be downloaded; cxm never reaches the network.
  duckdb_set_config(config, "autoinstall_known_extensions", "false");

  duckdb_database raw = nullptr;
  char* open_error = nullptr;
  const duckdb_state state = duckdb_open_ext(path.c_str(), &raw, config, &open_error);
  Database owned(raw);
  if (state == DuckDBError) {
    std::string message = TextOrUnknown(open_error);
    duckdb_free(open_error);
    // Another process holds the file: say who, in cxm's words (DuckDB's message suggests its
    // own CLI's -readonly flag, which means nothing to a cxm user).
    if (message.find("Could not set lock") != std::string::npos) {
      std::string pid = "unknown";
      if (const std::size_t at = message.find("(PID "); at != std::string::npos) {
        pid = message.substr(at + 5, message.find(')', at) - at - 5);
      }
      return Status::Io(fmt::format("the store {} is in use by another cxm process (pid {}); wait for it "
                                    "or use --db",
                                    path, pid));
    }
    return Status::Io(path + ": cannot open the store: " + message.substr(0, message.find('\n')));
  }
  return owned;
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    if (database_) duckdb_close(&database_);
    database_ = std::exchange(other.database_, nullptr);
  }
  return *this;
}

Database::~Database() {
  if (database_) duckdb_close(&database_);
}

Result<Connection> Database::Connect() {
  duckdb_connection raw = nullptr;
  if (duckdb_connect(database_, &raw) == DuckDBError) {
    return Status::Internal("cannot connect to the open database");
  }
  return Connection(raw);
}

// ---- Transaction ----

Result<Transaction> Transaction::Begin(Connection& connection) {
  CXM_TRY(connection.Execute("BEGIN TRANSACTION"));
  return Transaction(&connection);
}

Transaction::~Transaction() {
  if (connection_) (void)connection_->Execute("ROLLBACK");
}

Status Transaction::Commit() {
  CXM_CHECK(connection_ != nullptr) << "Commit on a finished transaction";
  Connection* connection = std::exchange(connection_, nullptr);
  return connection->Execute("COMMIT");
}

}  // namespace cxm::store
