#include "store/store.h"

#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "common/strings.h"
#include "store/schema.h"

namespace cxm::store {
namespace {

// Version 1: the canonical tables plus the ingest bookkeeping.
std::string MigrationV1() {
  std::string sql;
  for (const TableSpec& table : CanonicalTables()) sql += CreateTableSql(table) + ";\n";
  sql += R"sql(
CREATE TABLE rejects (
  source VARCHAR NOT NULL,        -- the file (or API batch) the row came from
  line BIGINT,                    -- 1-based line in the source; the header is line 1
  target_table VARCHAR NOT NULL,
  column_name VARCHAR,            -- NULL when the whole row is at fault
  value VARCHAR,                  -- the offending value (or raw line), kept in full
  reason VARCHAR NOT NULL,
  loaded_at TIMESTAMP NOT NULL
);
CREATE TABLE ingest_log (
  source VARCHAR NOT NULL,
  target_table VARCHAR NOT NULL,
  loaded BIGINT NOT NULL,
  rejected BIGINT NOT NULL,
  loaded_at TIMESTAMP NOT NULL,
  PRIMARY KEY (source, target_table)
);
)sql";
  return sql;
}

// Version 2: whether each load redacted personal data from free text (NULL: loaded before cxm
// recorded it), and the erasure log (`cxm erase`), which names no customer.
std::string MigrationV2() {
  return R"sql(
ALTER TABLE ingest_log ADD COLUMN pii_redacted BOOLEAN;
CREATE TABLE erasures (
  erasure_id BIGINT PRIMARY KEY,  -- 1, 2, ... in the order erasures ran
  erased_at TIMESTAMP NOT NULL,
  rows_removed BIGINT NOT NULL,
  tables VARCHAR NOT NULL         -- 'customers=1, feedback=3, ...': counts only, no values
);
)sql";
}

// Version 3: the derived tables under the schema (customer_state rebuilt by the next analyze),
// the settings of the last analyze, and the touchpoints' roles with the names cxm's own
// exports use as defaults.
std::string MigrationV3() {
  return TextEmotionsDdl() + ";\n" + InteractionExperienceDdl() + ";\n" +
         "DROP TABLE IF EXISTS customer_state_next; DROP TABLE IF EXISTS customer_state;\n" +
         CustomerStateDdl("customer_state") + ";\n" + AnalysisSettingsDdl("analysis_settings") + ";\n" +
         TouchpointRolesDdl() + ";\n" +
         "INSERT INTO touchpoint_roles (touchpoint, role) VALUES ('purchase', 'purchase'), ('support', 'support'), "
         "('delivery', 'delivery'), ('billing', 'billing'), ('returns', 'returns');\n";
}

// Version 4: attributes, the export's own columns beyond the canonical ones (contract, plan,
// seat class, a delay in minutes, a rating), as a mapping declares them: one row per entity
// (customer, interaction, feedback) and attribute, with its owning customer and interaction so
// that an erasure finds it; and what each attribute is (kind, direction, "not applicable" code).
// Ingest also counts rows that repeat an earlier row of the same file exactly. A review export
// without dates loads: feedback's ts may be missing (period analyses leave such rows out).
std::string MigrationV4() {
  return AttributesDdl() + ";\n" + AttributeSpecsDdl() + ";\n" +
         "ALTER TABLE ingest_log ADD COLUMN repeated_rows BIGINT;\n"
         "ALTER TABLE feedback ALTER COLUMN ts DROP NOT NULL;\n" +
         // Rates are the company's (currency_rates); customer revenue is in the reporting
         // currency, rebuilt by the next analyze.
         std::string("CREATE TABLE IF NOT EXISTS ") + CreateTableSql(*FindCanonicalTable("currency_rates")).substr(13) +
         ";\nDROP TABLE IF EXISTS customer_state_next; DROP TABLE IF EXISTS customer_state;\n" +
         CustomerStateDdl("customer_state") + ";\n";
}

struct Migration {
  std::int64_t version;
  std::string (*sql)();
};

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {{1, MigrationV1}, {2, MigrationV2}, {3, MigrationV3}, {4, MigrationV4}};
  return kMigrations;
}

// A list literal of quoted paths: SET takes no parameters, and QuoteLiteral doubles quotes.
std::string PathList(const std::vector<std::string>& paths, bool is_folder) {
  std::vector<std::string> quoted;
  for (const std::string& path : paths) {
    std::string readable = ReadablePath(path);
    if (is_folder && !readable.ends_with('/')) readable += '/';
    quoted.push_back(QuoteLiteral(readable));
  }
  return "[" + Join(quoted, ", ") + "]";
}

// Switches DuckDB's external access off and locks the configuration; nothing can undo it for
// the life of the database. allowed_paths must be set before external access goes off.
Status Sandbox(Connection& connection, const Store::Options& options) {
  std::string sql;
  if (!options.readable_files.empty()) {
    sql += "SET allowed_paths = " + PathList(options.readable_files, false) + ";\n";
  }
  if (!options.readable_folders.empty()) {
    sql += "SET allowed_directories = " + PathList(options.readable_folders, true) + ";\n";
  }
  sql += "SET enable_external_access = false;\n"
         "SET autoinstall_known_extensions = false;\n"
         "SET autoload_known_extensions = false;\n"
         "SET allow_community_extensions = false;\n"
         "SET lock_configuration = true;\n";
  return connection.Execute(sql);
}

}  // namespace

std::string ReadablePath(const std::string& path) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(path, error);
  if (error) return path;
  return absolute.lexically_normal().string();
}

Result<std::int64_t> ReadSchemaVersion(Connection& connection) {
  CXM_ASSIGN_OR_RETURN(QueryResult has_table,
                       connection.Query("SELECT count(*)::BIGINT FROM information_schema.tables "
                                        "WHERE table_name = 'schema_version'"));
  if (has_table.ScalarInt64().value_or(0) == 0) return std::int64_t{0};
  CXM_ASSIGN_OR_RETURN(QueryResult version,
                       connection.Query("SELECT max(version)::BIGINT FROM schema_version"));
  return version.ScalarInt64().value_or(0);
}

Status Migrate(Connection& connection) {
  CXM_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection));
  CXM_ASSIGN_OR_RETURN(std::int64_t current, ReadSchemaVersion(connection));
  if (current == 0) {
    CXM_TRY(connection.Execute(
        "CREATE TABLE schema_version (version BIGINT PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"));
  }
  for (const Migration& migration : Migrations()) {
    if (migration.version <= current) continue;
    Status applied = connection.Execute(migration.sql());
    if (!applied.ok()) return applied.Prefixed(fmt::format("migration to schema v{}", migration.version));
    CXM_ASSIGN_OR_RETURN(Statement record,
                         connection.Prepare("INSERT INTO schema_version VALUES ($1, timezone('UTC', now()))"));
    CXM_TRY(record.Bind(1, migration.version));
    CXM_TRY(record.Execute().error());
  }
  return transaction.Commit();
}

Result<Store> Store::Open(const std::string& path, const Options& options) {
  const bool is_memory = path == ":memory:";
  if (options.mode == Mode::kReadOnly && !is_memory && !std::filesystem::exists(path)) {
    return Status::NotFound(path + ": no cxm database here; create one with `cxm init --db " +
                            path + "` or point --db / CXM_DB at an existing one");
  }
  Database::Options database_options;
  database_options.read_only = options.mode == Mode::kReadOnly;
  database_options.threads = options.threads;
  CXM_ASSIGN_OR_RETURN(Database database, Database::Open(path, database_options));
  CXM_ASSIGN_OR_RETURN(Connection connection, database.Connect());
  // Timestamps are stored and shown in UTC whatever the machine's zone.
  CXM_TRY(connection.Execute("SET TimeZone = 'UTC'"));

  CXM_ASSIGN_OR_RETURN(std::int64_t version, ReadSchemaVersion(connection));
  if (version > kSchemaVersion) {
    return Status::Version(fmt::format(
        "{}: the database has schema v{}, written by a newer cxm; this cxm knows up to v{}. "
        "Upgrade cxm to open it.",
        path, version, kSchemaVersion));
  }
  if (version < kSchemaVersion) {
    if (options.mode == Mode::kReadOnly) {
      if (version == 0) {
        return Status::NotFound(path + ": not a cxm database (no schema_version table); run `cxm init`");
      }
      return Status::Version(fmt::format(
          "{}: schema v{} is older than v{}; open it once read-write (e.g. `cxm init`) to migrate",
          path, version, kSchemaVersion));
    }
    Status migrated = Migrate(connection);
    if (!migrated.ok()) return migrated.Prefixed(path);
    version = kSchemaVersion;
  }
  if (Status sandboxed = Sandbox(connection, options); !sandboxed.ok()) {
    return Status::Internal(path + ": cannot sandbox the store: " + sandboxed.message());
  }
  return Store(path, std::move(database), std::move(connection), version);
}

}  // namespace cxm::store
