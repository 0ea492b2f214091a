// The cxm store: one DuckDB database file holding the canonical tables (SPEC §3), the derived
// tables and the bookkeeping (schema_version, ingest_log, rejects).
//
// Opening migrates an older schema forward inside one transaction; a database written by a
// newer cxm (higher schema version) is refused with Status::Code::kVersion rather than risked.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "store/duckdb.h"

namespace cxm::store {

// The schema version this binary writes; bump it with every new migration in store.cpp.
inline constexpr std::int64_t kSchemaVersion = 1;

class Store {
 public:
  enum class Mode {
    kReadWrite,  // creates the file and the schema if absent, migrates if older
    kReadOnly,   // the file must exist and hold a cxm schema of this version or older
  };
  struct Options {
    Mode mode = Mode::kReadWrite;
    std::uint32_t threads = 0;  // 0 = all cores
  };

  // NotFound when read-only and the file is missing; kVersion when the file is newer than us.
  static Result<Store> Open(const std::string& path, const Options& options);

  Connection& connection() { return connection_; }
  Database& database() { return database_; }
  const std::string& path() const { return path_; }
  std::int64_t schema_version() const { return schema_version_; }

 private:
  Store(std::string path, Database database, Connection connection, std::int64_t schema_version)
      : path_(std::move(path)),
        database_(std::move(database)),
        connection_(std::move(connection)),
        schema_version_(schema_version) {}

  std::string path_;
  Database database_;  // declared before the connection: destroyed after it
  Connection connection_;
  std::int64_t schema_version_;
};

// Reads the schema version of an open database; 0 when it has no cxm schema yet.
Result<std::int64_t> ReadSchemaVersion(Connection& connection);

// Applies every migration above the current version, in one transaction.
Status Migrate(Connection& connection);

}  // namespace cxm::store
