// The cxm store: one DuckDB database file holding the canonical tables (SPEC §3), the derived
// tables and the bookkeeping (schema_version, ingest_log, rejects).
//
// Opening migrates an older schema forward inside one transaction; a database written by a
// newer cxm (higher schema version) is refused with Status::Code::kVersion rather than risked.
//
// Every store is opened sandboxed (docs/security.md): once the schema is in place, DuckDB's
// external access is switched off and its configuration locked, so no statement run on it, ours
// or a user's (cxm query, mapping expressions, --where filters), can read or write a file other
// than the store, reach the network, install or load an extension, attach a database or change a
// setting back. The only files it may read are those named in Options::readable_files (the
// exports an ingest loads), decided before anything user-supplied runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/duckdb.h"

namespace cxm::store {

// The schema version this binary writes; bump it with every new migration in store.cpp.
inline constexpr std::int64_t kSchemaVersion = 4;

class Store {
 public:
  enum class Mode {
    kReadWrite,  // creates the file and the schema if absent, migrates if older
    kReadOnly,   // the file must exist and hold a cxm schema of this version or older
  };
  struct Options {
    Mode mode = Mode::kReadWrite;
    std::uint32_t threads = 0;  // 0 = all cores
    // Files statements may read, as ReadablePath() gives them (DuckDB compares paths as text).
    // Note that DuckDB lets a statement write an allowed path too; cxm's own statements never
    // do, and user-supplied SQL reaches the store only inside a SELECT or a filter.
    std::vector<std::string> readable_files;
    // Folders whose files statements may read and write; for tests' throw-away folders only.
    std::vector<std::string> readable_folders;
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

// The absolute, lexically normal form of `path`: what the sandbox allows and what a reader must
// then be given, since DuckDB matches allowed paths by their text.
std::string ReadablePath(const std::string& path);

// Reads the schema version of an open database; 0 when it has no cxm schema yet.
Result<std::int64_t> ReadSchemaVersion(Connection& connection);

// Applies every migration above the current version, in one transaction.
Status Migrate(Connection& connection);

}  // namespace cxm::store
