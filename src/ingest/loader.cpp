#include "ingest/loader.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <memory>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "common/strings.h"
#include "ingest/loader_tables.h"
#include "ingest/pii_redactor.h"
#include "ingest/value_readers.h"
#include "store/schema.h"

namespace cxm::ingest {
namespace {

using store::ColumnSpec;
using store::ColumnType;
using store::TableSpec;


// Customer data is from no earlier and no later than this: a year outside is a typo (99999-01-01,
// 0024-03-05) that would otherwise pass as a timestamp and stretch every period.
constexpr int kFirstYear = 1900;
constexpr int kLastYear = 2100;

std::string TypedSql(const ColumnSpec& column, const std::string& raw, bool redact_pii) {
  switch (column.type) {
    case ColumnType::kTimestamp: return "cxm_ts(" + raw + ")";
    case ColumnType::kInteger: return "cxm_int(" + raw + ")";
    case ColumnType::kDouble: return "cxm_double(" + raw + ")";
    case ColumnType::kBoolean: return "cxm_bool(" + raw + ")";
    case ColumnType::kText:
      if (!column.allowed.empty()) return "lower(trim(CAST(" + raw + " AS VARCHAR)))";
      if (column.is_free_text && redact_pii) return "cxm_redact(CAST(" + raw + " AS VARCHAR))";
      return "CAST(" + raw + " AS VARCHAR)";
  }
  return raw;
}

std::string TypeReason(ColumnType type) {
  switch (type) {
    case ColumnType::kTimestamp:
      return "is not a timestamp (ISO 8601 such as 2024-03-05T14:22:00+01:00, DD.MM.YYYY, "
             "DD/MM/YYYY or YYYY/MM/DD with optional HH:MM[:SS], or Unix seconds)";
    case ColumnType::kInteger:
      return "is not a whole number in plain digits (such as 7; not 7.5, 0x0A or 1e1)";
    case ColumnType::kDouble: return "is not a number";
    case ColumnType::kBoolean: return "is not true/false (also yes/no, 1/0)";
    case ColumnType::kText: return "is not text";
  }
  return "has the wrong type";
}

std::string FormatBound(double value) { return fmt::format("{}", value); }

// One validation rule on one column. Its SQL is written over a raw value and its typed value,
// so the same rule runs vectorised over every row (as a flag) and, for the few failing rows,
// again to say which column failed and why.
struct Check {
  enum class Kind { kRequired, kType, kRange, kYears, kEnum };
  const ColumnSpec* column;
  Kind kind;
  std::string reason;

  std::string Condition(const std::string& raw, const std::string& typed) const {
    switch (kind) {
      case Kind::kRequired: return raw + " IS NULL OR trim(CAST(" + raw + " AS VARCHAR)) = ''";
      case Kind::kType: return raw + " IS NOT NULL AND " + typed + " IS NULL";
      case Kind::kRange: {
        std::vector<std::string> bounds;
        if (column->min_value) bounds.push_back(typed + " < " + FormatBound(*column->min_value));
        if (column->max_value) bounds.push_back(typed + " > " + FormatBound(*column->max_value));
        return Join(bounds, " OR ");
      }
      case Kind::kYears:
        return fmt::format("year({0}) < {1} OR year({0}) > {2}", typed, kFirstYear, kLastYear);
      case Kind::kEnum: {
        std::vector<std::string> quoted;
        for (const std::string& allowed : column->allowed) quoted.push_back(QuoteLiteral(allowed));
        return typed + " NOT IN (" + Join(quoted, ", ") + ")";
      }
    }
    return "false";
  }
};

// The per-row checks of a table (types, ranges, enums, required values). Parent checks depend
// on the store and run later, inside the load's transaction.
std::vector<Check> RowChecks(const TableSpec& table) {
  std::vector<Check> checks;
  for (const ColumnSpec& column : table.columns) {
    if (column.is_required) checks.push_back({&column, Check::Kind::kRequired, "is required but empty"});
    if (column.type != ColumnType::kText) {
      checks.push_back({&column, Check::Kind::kType, TypeReason(column.type)});
    }
    if (column.type == ColumnType::kTimestamp) {
      checks.push_back({&column, Check::Kind::kYears,
                        fmt::format("is outside the years {}..{}", kFirstYear, kLastYear)});
    }
    if (column.min_value || column.max_value) {
      checks.push_back({&column, Check::Kind::kRange,
                        column.max_value
                            ? fmt::format("is outside {}..{}", FormatBound(column.min_value.value_or(0)),
                                          FormatBound(*column.max_value))
                            : fmt::format("is below {}", FormatBound(*column.min_value))});
    }
    if (!column.allowed.empty()) {
      checks.push_back({&column, Check::Kind::kEnum, "is not one of " + Join(column.allowed, ", ")});
    }
  }
  return checks;
}

// The file's column for a canonical one (header names match case-insensitively), quoted, or
// NULL when the file has none.
std::string SourceColumnSql(const std::vector<std::string>& header, const ColumnSpec& column) {
  for (const std::string& name : header) {
    if (ToLower(Trim(name)) == column.name) return QuoteIdentifier(name);
  }
  return "NULL";
}


// The staged source with cxm_row, the record's number in the file from 1, for expressions.
std::string SourceWithRowNumber(const StagedFile& staged) {
  const std::string number = staged.row_expression == "__line" ? "__line" : staged.row_expression + " + 1";
  return fmt::format("(SELECT *, {} AS __row, {} AS cxm_row FROM {})", staged.row_expression, number, kSourceTable);
}

// Records that repeat an earlier record of the file in every column.
Result<std::int64_t> CountRepeatedRows(store::Connection& connection, const StagedFile& staged) {
  std::vector<std::string> columns;
  for (const std::string& column : staged.columns) columns.push_back(QuoteIdentifier(column));
  if (columns.empty()) return 0;
  CXM_ASSIGN_OR_RETURN(store::QueryResult counted, connection.Query(fmt::format(
      "SELECT (count(*) - (SELECT count(*) FROM (SELECT DISTINCT {0} FROM {1})))::BIGINT FROM {1}",
      Join(columns, ", "), kSourceTable)));
  return counted.ScalarInt64().value_or(0);
}

// A reject keeps enough of the offending value to find and fix it, never a whole megabyte.
constexpr std::size_t kMaxRejectValueBytes = 1000;

// The value as the rejects table keeps it: personal data redacted (whatever --keep-pii says:
// the table is for finding a fault, not for reading customers' text), cut at a character
// boundary past kMaxRejectValueBytes with the full size said.
std::string RejectValue(const PiiRedactor& redactor, std::string_view value) {
  std::string kept = redactor.Redact(value.substr(0, kMaxRejectValueBytes + 64));
  if (value.size() <= kMaxRejectValueBytes && kept.size() <= kMaxRejectValueBytes + 64) return kept;
  std::size_t cut = std::min(kept.size(), kMaxRejectValueBytes);
  while (cut > 0 && (static_cast<unsigned char>(kept[cut]) & 0xC0) == 0x80) --cut;
  kept.resize(cut);
  return kept + fmt::format(" ... ({} bytes in all)", value.size());
}

// One row of the rejects table; an empty column means the whole row was at fault (NULL).
Status AppendReject(store::Appender& rejects, const PiiRedactor& redactor, std::string_view source,
                    std::int64_t line, std::string_view table, std::string_view column,
                    std::string_view value, std::string_view reason, std::string_view loaded_at) {
  CXM_TRY(rejects.Append(source));
  CXM_TRY(rejects.Append(line));
  CXM_TRY(rejects.Append(table));
  CXM_TRY(column.empty() ? rejects.AppendNull() : rejects.Append(column));
  CXM_TRY(rejects.Append(RejectValue(redactor, value)));
  CXM_TRY(rejects.Append(reason));
  CXM_TRY(rejects.Append(loaded_at));
  return rejects.EndRow();
}

std::string CurrentUtcTimestamp() {
  const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", now);
}

}  // namespace

// `row` is the staged row position; lines are resolved once all rejects of a plan are known.
struct Loader::PendingReject {
  std::int64_t row = 0;
  std::string column;
  std::string value;
  std::string reason;
  std::int64_t kept_row = -1;  // a repeated key: the row that was kept
};

namespace {

// Whether `table` holds any row (stops at the first).
Result<bool> HasRows(store::Connection& connection, const std::string& table) {
  CXM_ASSIGN_OR_RETURN(store::QueryResult result,
                       connection.Query("SELECT count(*)::BIGINT FROM (SELECT 1 FROM " +
                                        QuoteIdentifier(table) + " LIMIT 1)"));
  return result.ScalarInt64().value_or(0) > 0;
}

// The query's rows are (row, value) or, for repeated keys, (row, key, kept row).
enum class RejectRows { kRowValue, kRowKeyKept };

Status FetchRejects(store::Connection& connection, const std::string& sql, RejectRows shape,
                    const std::string& column, const std::string& reason,
                    std::vector<Loader::PendingReject>* out) {
  CXM_ASSIGN_OR_RETURN(store::QueryResult result, connection.Query(sql));
  while (std::optional<store::DataChunk> chunk = result.NextChunk()) {
    store::ColumnView rows = chunk->Column(0);
    store::ColumnView values = chunk->Column(1);
    for (std::uint64_t row_idx = 0; row_idx < chunk->RowCount(); ++row_idx) {
      Loader::PendingReject reject{.row = rows.Int64(row_idx),
                                   .value = values.IsNull(row_idx) ? "" : std::string(values.Text(row_idx)),
                                   .reason = reason};
      reject.column = column;
      if (shape == RejectRows::kRowKeyKept) reject.kept_row = chunk->Column(2).Int64(row_idx);
      out->push_back(std::move(reject));
    }
  }
  return Status::Ok();
}

Status RegisterHelpers(store::Connection& connection) {
  CXM_ASSIGN_OR_RETURN(store::QueryResult registered,
                       connection.Query("SELECT count(*)::BIGINT FROM duckdb_functions() "
                                        "WHERE function_name = 'cxm_redact'"));
  if (registered.ScalarInt64().value_or(0) == 0) {
    // One redactor for the database's lifetime; DuckDB calls it from its worker threads.
    auto redactor = std::make_shared<const PiiRedactor>();
    CXM_TRY(connection.RegisterTextFunction(
        "cxm_redact", [redactor](std::string_view text) { return redactor->Redact(text); }));
  }
  return connection.Execute(HelperMacrosSql());
}

}  // namespace

Result<Loader> Loader::Create(store::Store* store, LoadOptions options) {
  CXM_TRY(RegisterHelpers(store->connection()));
  return Loader(store, std::move(options), std::make_unique<const PiiRedactor>());
}

Result<std::vector<TableLoad>> Loader::LoadFile(const std::string& path) {
  CXM_ASSIGN_OR_RETURN(FileFormat format, DetectFormat(path, ""));
  DerivationPlan plan{.is_identity = true};
  std::vector<DerivationPlan> plans = {plan};
  return LoadStaged(path, format, "", std::move(plans));
}

Result<std::vector<TableLoad>> Loader::LoadWithMapping(const Mapping& mapping,
                                                       const std::vector<std::string>& files) {
  CXM_ASSIGN_OR_RETURN(const std::vector<MappedFile> work, ResolveSources(mapping, files));
  // The mapping's touchpoint roles (a name it gives a role replaces that name's row).
  if (!mapping.touchpoint_roles.empty()) {
    store::Connection& connection = store_->connection();
    CXM_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(connection));
    CXM_ASSIGN_OR_RETURN(store::Statement upsert, connection.Prepare(
        "INSERT OR REPLACE INTO touchpoint_roles (touchpoint, role) VALUES ($1, $2)"));
    for (const TouchpointRole& role : mapping.touchpoint_roles) {
      CXM_TRY(upsert.Bind(1, role.touchpoint));
      CXM_TRY(upsert.Bind(2, role.role));
      CXM_TRY(upsert.Execute().error());
    }
    CXM_TRY(transaction.Commit());
  }
  std::vector<TableLoad> loads;
  for (const auto& [file, source] : work) {
    std::vector<DerivationPlan> plans;
    for (const Derivation& derivation : mapping.tables) {
      if (derivation.source != source->name) continue;
      DerivationPlan plan{.target = store::FindCanonicalTable(derivation.target),
                          .filter = derivation.filter,
                          .is_distinct = derivation.is_distinct,
                          .mapping = &mapping,
                          .derivation = &derivation};
      for (const ColumnMapping& mapped : derivation.columns) {
        CanonicalColumn column{.name = mapped.column, .position = mapped.position};
        if (mapped.is_constant) {
          plan.constants.push_back(mapped.expression);
          column.expression = fmt::format("${}", plan.constants.size());
        } else {
          column.expression = mapped.expression;
        }
        plan.columns.push_back(std::move(column));
      }
      plans.push_back(std::move(plan));
    }
    std::stable_sort(plans.begin(), plans.end(), [](const DerivationPlan& a, const DerivationPlan& b) {
      return a.target->load_order < b.target->load_order;
    });
    CXM_ASSIGN_OR_RETURN(FileFormat format, DetectFormat(file, source->format));
    CXM_ASSIGN_OR_RETURN(std::vector<TableLoad> file_loads,
                         LoadStaged(file, format, source->timezone, std::move(plans)));
    loads.insert(loads.end(), file_loads.begin(), file_loads.end());
  }
  CXM_TRY(StoreAttributeSpecs(mapping));
  return loads;
}

Result<std::vector<TableLoad>> Loader::LoadStaged(const std::string& path, FileFormat format,
                                                  const std::string& timezone,
                                                  std::vector<DerivationPlan> plans) {
  store::Connection& connection = store_->connection();
  // Temp objects of this load are dropped whatever happens.
  struct DropTemps {
    store::Connection* connection;
    std::size_t plan_count;
    ~DropTemps() {
      std::string sql = fmt::format("DROP TABLE IF EXISTS {}; DROP TABLE IF EXISTS {};", kSourceTable,
                                    kSkipRows);
      for (std::size_t plan_idx = 0; plan_idx < plan_count; ++plan_idx) {
        sql += fmt::format("DROP VIEW IF EXISTS {}; DROP TABLE IF EXISTS {}; DROP VIEW IF EXISTS {}; "
                           "DROP TABLE IF EXISTS {};",
                           CandidatesName(plan_idx), CandidateRowsName(plan_idx), TypedName(plan_idx),
                           TypedRowsName(plan_idx));
      }
      (void)connection->Execute(sql);
    }
  } drop_temps{&connection, plans.size()};

  // Timestamps without an offset are read in the source's zone: cxm_ts is redefined for this
  // file (the zone name is checked against DuckDB's list first, so only a known name reaches
  // the SQL) and back to UTC afterwards, whatever happens.
  if (!timezone.empty()) {
    CXM_ASSIGN_OR_RETURN(store::Statement known,
                         connection.Prepare("SELECT count(*)::BIGINT FROM pg_timezone_names() "
                                            "WHERE name = $1"));
    CXM_TRY(known.Bind(1, timezone));
    CXM_ASSIGN_OR_RETURN(store::QueryResult is_known, known.Execute());
    if (is_known.ScalarInt64().value_or(0) == 0) {
      return Status::InvalidArgument(fmt::format("{}: unknown timezone '{}' (use an IANA name such "
                                                 "as Europe/Stockholm)",
                                                 path, timezone));
    }
    CXM_TRY(connection.Execute(TimestampMacroSql(timezone)));
  }
  struct ResetZone {
    store::Connection* connection;
    bool is_set;
    ~ResetZone() {
      if (is_set) (void)connection->Execute(TimestampMacroSql(""));
    }
  } reset_zone{&connection, !timezone.empty()};

  // Phase 1, outside the transaction: read the file and compute typed rows. Nothing here
  // touches the store's tables, so a crash leaves no trace; and committed temp tables scan in
  // parallel, much faster than a transaction's local storage. A CSV/TSV file loaded without a
  // mapping is read and converted in one pass; its text is staged only to explain rejects.
  const bool is_single_pass = plans.size() == 1 && plans[0].is_identity &&
                              (format == FileFormat::kCsv || format == FileFormat::kTsv);
  CXM_ASSIGN_OR_RETURN(const RecordScan scan, ScanRecords(path, format));
  StagedFile staged{.path = path, .format = format, .table = kSourceTable, .scan = scan};
  if (is_single_pass) {
    Result<std::vector<std::string>> header =
        ReadDelimitedHeader(connection, path, format, scan);
    if (!header.has_value()) return FileReadError(path, format, header.error());
    staged.columns = std::move(header).value();
  } else {
    CXM_ASSIGN_OR_RETURN(staged, StageFile(connection, path, format, kSourceTable, scan));
    CXM_ASSIGN_OR_RETURN(staged.repeated_rows, CountRepeatedRows(connection, staged));
  }
  if (plans.size() == 1 && plans[0].is_identity) {
    CXM_ASSIGN_OR_RETURN(plans[0].target, MatchTable(staged.columns, options_.table, path));
  }
  std::vector<std::vector<PendingReject>> pending(plans.size());
  for (std::size_t plan_idx = 0; plan_idx < plans.size(); ++plan_idx) {
    if (!is_single_pass) CXM_TRY(BuildCandidates(staged, plans[plan_idx], plan_idx));
    CXM_TRY(BuildTyped(&staged, plans[plan_idx], plan_idx, is_single_pass, &pending[plan_idx]));
  }

  // Phase 2, one transaction: all of this file's writes, or none.
  CXM_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(connection));
  // This load replaces the rejects and log of any earlier load of the same file.
  for (const char* table : {"rejects", "ingest_log"}) {
    CXM_ASSIGN_OR_RETURN(store::Statement forget,
                         connection.Prepare(fmt::format("DELETE FROM {} WHERE source = $1", table)));
    CXM_TRY(forget.Bind(1, std::string_view(path)));
    CXM_TRY(forget.Execute().error());
  }
  std::vector<TableLoad> loads;
  for (std::size_t plan_idx = 0; plan_idx < plans.size(); ++plan_idx) {
    CXM_ASSIGN_OR_RETURN(TableLoad load,
                         StoreTyped(&staged, plans[plan_idx], plan_idx, std::move(pending[plan_idx])));
    loads.push_back(std::move(load));
  }

  // Lines the parser could not read count against the file's first table.
  if (!staged.parse_rejects.empty() && !loads.empty()) {
    CXM_ASSIGN_OR_RETURN(store::Appender rejects, connection.CreateAppender("rejects"));
    const std::string loaded_at = CurrentUtcTimestamp();
    for (const RowReject& reject : staged.parse_rejects) {
      CXM_TRY(AppendReject(rejects, *redactor_, path, reject.line, loads[0].table, reject.column, reject.value,
                           reject.reason, loaded_at));
    }
    CXM_TRY(rejects.Close());
    loads[0].rejected += static_cast<std::int64_t>(staged.parse_rejects.size());
  }

  for (const TableLoad& load : loads) {
    // Several derivations may fill one table from one file: their counts add up.
    CXM_ASSIGN_OR_RETURN(store::Statement log,
                         connection.Prepare("INSERT INTO ingest_log (source, target_table, loaded, "
                                            "rejected, loaded_at, pii_redacted, repeated_rows) VALUES ($1, "
                                            "$2, $3, $4, timezone('UTC', now()), $5, $6) ON CONFLICT DO UPDATE "
                                            "SET loaded = loaded + excluded.loaded, "
                                            "rejected = rejected + excluded.rejected, "
                                            "pii_redacted = excluded.pii_redacted, "
                                            "repeated_rows = excluded.repeated_rows"));
    CXM_TRY(log.Bind(1, load.source));
    CXM_TRY(log.Bind(2, load.table));
    CXM_TRY(log.Bind(3, load.loaded));
    CXM_TRY(log.Bind(4, load.rejected));
    CXM_TRY(log.Bind(5, options_.redact_pii));
    CXM_TRY(log.Bind(6, load.repeated_rows));
    CXM_TRY(log.Execute().error());
  }
  CXM_TRY(transaction.Commit());
  return loads;
}

Status Loader::BuildCandidates(const StagedFile& staged, const DerivationPlan& plan,
                               std::size_t plan_idx) {
  store::Connection& connection = store_->connection();
  const std::string candidates = CandidatesName(plan_idx);
  const std::string candidate_rows = CandidateRowsName(plan_idx);
  CXM_TRY(connection.Execute(fmt::format("DROP VIEW IF EXISTS {}; DROP TABLE IF EXISTS {};",
                                         candidates, candidate_rows)));
  const TableSpec& target = *plan.target;
  std::vector<std::string> selects = {staged.row_expression + " AS __row"};
  if (plan.is_identity) {
    for (const ColumnSpec& column : target.columns) {
      selects.push_back(SourceColumnSql(staged.columns, column) + " AS " +
                        QuoteIdentifier(column.name));
    }
    // A view: the staged rows are read where needed, never copied.
    return connection.Execute(fmt::format("CREATE TEMP VIEW {} AS SELECT {} FROM {}", candidates,
                                          Join(selects, ", "), kSourceTable));
  }

  for (const ColumnSpec& column : target.columns) {
    std::string expression = "NULL";
    for (const CanonicalColumn& mapped : plan.columns) {
      if (mapped.name == column.name) expression = "(" + mapped.expression + ")";
    }
    selects.push_back(expression + " AS " + QuoteIdentifier(column.name));
  }
  const std::vector<AttributeMapping>* attributes = plan.derivation ? &plan.derivation->attributes : nullptr;
  std::vector<std::string> attribute_names;
  if (attributes != nullptr) {
    for (std::size_t attribute_idx = 0; attribute_idx < attributes->size(); ++attribute_idx) {
      attribute_names.push_back(AttributeColumnName(attribute_idx));
      selects.push_back(fmt::format("CAST(({}) AS VARCHAR) AS {}", (*attributes)[attribute_idx].expression,
                                    attribute_names.back()));
    }
  }
  // Expressions may name cxm_row: the record's number in the file, from 1 (an id for exports
  // that have none, such as a survey's respondents).
  const std::string source_rows = SourceWithRowNumber(staged);
  selects.front() = "__row";
  std::string sql = fmt::format("SELECT {} FROM {}", Join(selects, ", "), source_rows);
  if (!plan.filter.empty()) sql += " WHERE (" + plan.filter + ")";
  if (plan.is_distinct) {
    std::vector<std::string> columns;
    for (const ColumnSpec& column : target.columns) columns.push_back(QuoteIdentifier(column.name));
    std::string kept = Join(columns, ", ");
    std::string attribute_values;
    for (const std::string& name : attribute_names) attribute_values += fmt::format(", any_value({0}) AS {0}", name);
    sql = fmt::format("SELECT min(__row) AS __row, {0}{2} FROM ({1}) GROUP BY {0}", kept, sql, attribute_values);
  }
  const auto bind_and_run = [&](const std::string& statement_sql) -> Status {
    CXM_ASSIGN_OR_RETURN(store::Statement statement, connection.Prepare(statement_sql));
    for (std::size_t constant_idx = 0; constant_idx < plan.constants.size(); ++constant_idx) {
      CXM_TRY(statement.Bind(constant_idx + 1, std::string_view(plan.constants[constant_idx])));
    }
    return statement.Execute().error();
  };
  Status created = bind_and_run(fmt::format("CREATE TEMP TABLE {} AS {}", candidate_rows, sql));
  if (created.ok()) {
    return connection.Execute(
        fmt::format("CREATE TEMP VIEW {} AS SELECT * FROM {}", candidates, candidate_rows));
  }

  // Name the mapping entry at fault: try each expression, then the filter, on its own.
  for (const CanonicalColumn& mapped : plan.columns) {
    Result<store::Statement> alone =
        connection.Prepare(fmt::format("SELECT ({}) FROM {} LIMIT 0", mapped.expression, source_rows));
    if (!alone.has_value() && mapped.expression.front() != '$') {
      return Status::InvalidArgument(fmt::format("{}: column '{}': {} (source columns: {})",
                                                 plan.mapping->Where(mapped.position), mapped.name,
                                                 alone.error().message(), Join(staged.columns, ", ")));
    }
  }
  if (attributes != nullptr) {
    for (const AttributeMapping& attribute : *attributes) {
      Result<store::Statement> alone =
          connection.Prepare(fmt::format("SELECT ({}) FROM {} LIMIT 0", attribute.expression, source_rows));
      if (!alone.has_value()) {
        return Status::InvalidArgument(fmt::format("{}: attribute '{}': {} (source columns: {})",
                                                   plan.mapping->Where(attribute.position), attribute.name,
                                                   alone.error().message(), Join(staged.columns, ", ")));
      }
    }
  }
  if (!plan.filter.empty()) {
    Result<store::Statement> alone = connection.Prepare(
        fmt::format("SELECT 1 FROM {} WHERE ({}) LIMIT 0", source_rows, plan.filter));
    if (!alone.has_value()) {
      return Status::InvalidArgument(fmt::format("{}: filter: {}",
                                                 plan.mapping->Where(plan.derivation->filter_position),
                                                 alone.error().message()));
    }
  }
  return created.Prefixed(fmt::format("{}: [[tables]] -> {}",
                                      plan.mapping->Where(plan.derivation->position), target.name));
}

Status Loader::EnsureStaged(StagedFile* staged, const DerivationPlan& plan, std::size_t plan_idx) {
  if (staged->is_staged) return Status::Ok();
  CXM_ASSIGN_OR_RETURN(*staged, StageFile(store_->connection(), staged->path, staged->format,
                                          kSourceTable, staged->scan));
  return BuildCandidates(*staged, plan, plan_idx);
}

Status Loader::BuildTyped(StagedFile* staged, const DerivationPlan& plan, std::size_t plan_idx,
                          bool is_single_pass, std::vector<PendingReject>* pending) {
  store::Connection& connection = store_->connection();
  const TableSpec& target = *plan.target;
  const std::string typed = TypedName(plan_idx);
  const std::string typed_rows = TypedRowsName(plan_idx);
  const std::vector<Check> checks = RowChecks(target);

  // Inner query: raw and typed value of every column, each computed once. Outer: the typed
  // values and one flag that is true when any check fails.
  std::vector<std::string> inner;
  std::vector<std::string> outer;
  if (!is_single_pass) {
    inner.push_back("__row");
    outer.push_back("__row");
  }
  for (const ColumnSpec& column : target.columns) {
    const std::string name = QuoteIdentifier(column.name);
    // Single pass: straight from the file's own columns.
    const std::string raw = is_single_pass ? SourceColumnSql(staged->columns, column) : name;
    inner.push_back(raw + " AS " + QuoteIdentifier("__raw_" + column.name));
    inner.push_back(TypedSql(column, raw, options_.redact_pii) + " AS " + name);
    outer.push_back(name);
  }
  std::vector<std::string> failures;
  for (const Check& check : checks) {
    // Redacted text is never a check's subject, so typed here equals typed unredacted.
    failures.push_back("coalesce(" +
                       check.Condition(QuoteIdentifier("__raw_" + check.column->name),
                                       QuoteIdentifier(check.column->name)) +
                       ", false)");
  }
  // A record over the size limit (only a file whose scan found one pays for this check).
  const bool has_long_records = staged->scan.has_long_records();
  if (has_long_records) {
    std::vector<std::string> raws;
    for (const ColumnSpec& column : target.columns) {
      raws.push_back("coalesce(CAST(" + QuoteIdentifier("__raw_" + column.name) + " AS VARCHAR), '')");
    }
    const std::string record_bytes = "strlen(concat(" + Join(raws, ", ") + "))";
    failures.push_back(fmt::format("{} > {}", record_bytes, kMaxRecordBytes));
    outer.push_back(record_bytes + " AS __record_bytes");
  }
  outer.push_back((failures.empty() ? "false" : Join(failures, " OR ")) + " AS __bad");
  const std::string from = is_single_pass ? DelimitedReaderSql(staged->scan)
                                          : CandidatesName(plan_idx);
  if (is_single_pass) CXM_TRY(DropParserRejects(connection));
  CXM_ASSIGN_OR_RETURN(store::Statement create,
                       connection.Prepare(fmt::format("CREATE OR REPLACE TEMP TABLE {} AS SELECT {} "
                                                      "FROM (SELECT {} FROM {})",
                                                      typed_rows, Join(outer, ", "),
                                                      Join(inner, ", "), from)));
  if (is_single_pass) CXM_TRY(BindDelimitedReader(create, staged->path, staged->format));
  if (Status created = create.Execute().error(); !created.ok()) {
    return is_single_pass ? FileReadError(staged->path, staged->format, created) : created;
  }
  if (is_single_pass) {
    CXM_TRY(CollectParserRejects(connection, &staged->parse_rejects));
    // Rows in file order: the table's own row ids, rebased to 0.
    CXM_ASSIGN_OR_RETURN(store::QueryResult first_row,
                         connection.Query("SELECT coalesce(min(rowid), 0)::BIGINT FROM " + typed_rows));
    CXM_TRY(connection.Execute(fmt::format("CREATE OR REPLACE TEMP VIEW {} AS SELECT (rowid - {}) AS "
                                           "__row, * FROM {}",
                                           typed, first_row.ScalarInt64().value_or(0), typed_rows)));
  } else {
    CXM_TRY(connection.Execute(
        fmt::format("CREATE OR REPLACE TEMP VIEW {} AS SELECT * FROM {}", typed, typed_rows)));
  }

  CXM_ASSIGN_OR_RETURN(store::QueryResult bad_count,
                       connection.Query(fmt::format("SELECT count(*)::BIGINT FROM {} WHERE __bad", typed_rows)));
  if (bad_count.ScalarInt64().value_or(0) == 0) return Status::Ok();
  if (has_long_records) {
    // Said once per record, before any column check could quote megabytes of it.
    CXM_ASSIGN_OR_RETURN(
        store::QueryResult long_rows,
        connection.Query(fmt::format("SELECT __row::BIGINT, __record_bytes::BIGINT FROM {} WHERE "
                                     "__record_bytes > {} ORDER BY __row",
                                     typed, kMaxRecordBytes)));
    while (std::optional<store::DataChunk> chunk = long_rows.NextChunk()) {
      for (std::uint64_t row_idx = 0; row_idx < chunk->RowCount(); ++row_idx) {
        pending->push_back({.row = chunk->Column(0).Int64(row_idx),
                            .reason = fmt::format("the record holds {:.1f} MB, over the {} MB limit "
                                                  "for one record",
                                                  static_cast<double>(chunk->Column(1).Int64(row_idx)) / (1 << 20),
                                                  kMaxRecordBytes >> 20)});
      }
    }
  }
  // The few failing rows, again, check by check, to name each column and reason.
  CXM_TRY(EnsureStaged(staged, plan, plan_idx));
  const std::string bad_rows = fmt::format("(SELECT * FROM {} WHERE __row IN (SELECT __row FROM {} "
                                           "WHERE __bad))",
                                           CandidatesName(plan_idx), typed);
  for (const Check& check : checks) {
    const std::string raw = QuoteIdentifier(check.column->name);
    const std::string condition =
        check.Condition(raw, TypedSql(*check.column, raw, /*redact_pii=*/false));
    CXM_TRY(FetchRejects(connection,
                         fmt::format("SELECT __row::BIGINT, {} FROM {} WHERE coalesce({}, false) "
                                     "ORDER BY __row",
                                     check.kind == Check::Kind::kRequired
                                         ? std::string("NULL")
                                         : "CAST(" + raw + " AS VARCHAR)",
                                     bad_rows, condition),
                         RejectRows::kRowValue, check.column->name, check.reason, pending));
  }
  return Status::Ok();
}

Result<TableLoad> Loader::StoreTyped(StagedFile* staged_file, const DerivationPlan& plan,
                                     std::size_t plan_idx, std::vector<PendingReject> pending) {
  const StagedFile& staged = *staged_file;
  store::Connection& connection = store_->connection();
  const TableSpec& target = *plan.target;
  const std::string typed = TypedName(plan_idx);
  TableLoad load{.source = staged.path, .table = target.name};
  // Rows already flagged by the row checks are kept out by `NOT __bad`; rejects added below
  // (parents, repeated keys) go to the skip table too.
  const std::size_t row_check_rejects = pending.size();
  CXM_TRY(connection.Execute(fmt::format("CREATE OR REPLACE TEMP TABLE {} (__row BIGINT)", kSkipRows)));
  const auto skip_rejects_from = [&](std::size_t first_reject) -> Status {
    if (first_reject == pending.size()) return Status::Ok();
    CXM_ASSIGN_OR_RETURN(store::Appender skip, connection.CreateAppender(kSkipRows));
    for (std::size_t reject_idx = first_reject; reject_idx < pending.size(); ++reject_idx) {
      CXM_TRY(skip.Append(pending[reject_idx].row));
      CXM_TRY(skip.EndRow());
    }
    return skip.Close();
  };

  // 1. Parents: only where the parent table holds rows at all (loaded earlier, or by an
  //    earlier derivation of this same file, inside this transaction).
  for (const ColumnSpec& column : target.columns) {
    if (column.parent_table.empty()) continue;
    const TableSpec* parent = store::FindCanonicalTable(column.parent_table);
    CXM_CHECK(parent != nullptr && parent->key.size() == 1) << column.parent_table;
    CXM_ASSIGN_OR_RETURN(bool parent_has_rows, HasRows(connection, parent->name));
    if (!parent_has_rows) continue;
    const std::string name = QuoteIdentifier(column.name);
    CXM_TRY(FetchRejects(connection,
                         fmt::format("SELECT __row::BIGINT, {0} FROM {1} WHERE NOT __bad AND {0} IS "
                                     "NOT NULL AND {0} NOT IN (SELECT {2} FROM {3}) ORDER BY __row",
                                     name, typed, QuoteIdentifier(parent->key[0]),
                                     QuoteIdentifier(parent->name)),
                         RejectRows::kRowValue, column.name, "is not in " + parent->name, &pending));
  }

  // 2. Keys repeated within the file: the last row wins, earlier ones are rejects.
  CXM_TRY(skip_rejects_from(row_check_rejects));
  std::vector<std::string> key;
  std::vector<std::string> key_text;
  for (const std::string& column : target.key) {
    key.push_back(QuoteIdentifier(column));
    key_text.push_back("CAST(" + QuoteIdentifier(column) + " AS VARCHAR)");
  }
  const std::string good = fmt::format("(SELECT * FROM {} WHERE NOT __bad AND __row NOT IN (SELECT "
                                       "__row FROM {}))",
                                       typed, kSkipRows);
  CXM_ASSIGN_OR_RETURN(
      store::QueryResult repeated,
      connection.Query(fmt::format("SELECT count(*)::BIGINT FROM (SELECT 1 FROM {} GROUP BY {} "
                                   "HAVING count(*) > 1)",
                                   good, Join(key, ", "))));
  if (repeated.ScalarInt64().value_or(0) > 0) {
    const std::size_t first_repeat = pending.size();
    CXM_TRY(FetchRejects(
        connection,
        fmt::format("SELECT __row::BIGINT, key, kept::BIGINT FROM (SELECT __row, concat_ws(' / ', {0}) "
                    "AS key, max(__row) OVER (PARTITION BY {1}) AS kept FROM {2}) WHERE __row <> kept "
                    "ORDER BY __row",
                    Join(key_text, ", "), Join(key, ", "), good),
        RejectRows::kRowKeyKept, Join(target.key, ", "), "", &pending));
    CXM_TRY(skip_rejects_from(first_repeat));
  }

  // 3. Upsert the good rows. An empty table needs no conflict handling, which is much faster.
  std::vector<std::string> columns;
  for (const ColumnSpec& column : target.columns) columns.push_back(QuoteIdentifier(column.name));
  CXM_ASSIGN_OR_RETURN(bool target_has_rows, HasRows(connection, target.name));
  // Without skipped rows, read the typed table itself: the view's row numbers are not needed.
  const bool has_skips = pending.size() > row_check_rejects;
  const std::string insert = fmt::format(
      "INSERT {}INTO {} ({}, source) SELECT {}, $1 FROM {} WHERE NOT __bad{}",
      target_has_rows ? "OR REPLACE " : "", QuoteIdentifier(target.name), Join(columns, ", "),
      Join(columns, ", "), has_skips ? typed : TypedRowsName(plan_idx),
      has_skips ? fmt::format(" AND __row NOT IN (SELECT __row FROM {})", kSkipRows) : "");
  CXM_ASSIGN_OR_RETURN(store::Statement insert_rows, connection.Prepare(insert));
  CXM_TRY(insert_rows.Bind(1, std::string_view(staged.path)));
  CXM_ASSIGN_OR_RETURN(store::QueryResult inserted, insert_rows.Execute());
  load.loaded = static_cast<std::int64_t>(inserted.RowsChanged());
  load.repeated_rows = staged.repeated_rows;
  if (plan.derivation != nullptr && !plan.derivation->attributes.empty()) {
    CXM_ASSIGN_OR_RETURN(load.attributes, StoreAttributes(staged, plan, plan_idx, has_skips));
  }

  // 4. Rejects, with their lines resolved.
  if (!pending.empty()) {
    std::vector<std::int64_t> rows;
    for (const PendingReject& reject : pending) {
      rows.push_back(reject.row);
      if (reject.kept_row >= 0) rows.push_back(reject.kept_row);
    }
    CXM_TRY(EnsureStaged(staged_file, plan, plan_idx));
    CXM_ASSIGN_OR_RETURN(std::vector<std::int64_t> lines, staged.LinesOf(connection, rows));
    CXM_ASSIGN_OR_RETURN(store::Appender rejects, connection.CreateAppender("rejects"));
    const std::string loaded_at = CurrentUtcTimestamp();
    std::size_t line_idx = 0;
    std::set<std::int64_t> rejected_rows;
    for (const PendingReject& reject : pending) {
      const std::int64_t line = lines[line_idx++];
      std::string reason = reject.reason;
      if (reject.kept_row >= 0) {
        const std::int64_t kept_line = lines[line_idx++];
        reason = fmt::format("repeats the key of line {}, which was kept (the last row wins)", kept_line);
      }
      rejected_rows.insert(reject.row);
      CXM_TRY(AppendReject(rejects, *redactor_, staged.path, line, target.name, reject.column, reject.value,
                           reason, loaded_at));
    }
    CXM_TRY(rejects.Close());
    load.rejected = static_cast<std::int64_t>(rejected_rows.size());
  }
  return load;
}

}  // namespace cxm::ingest
