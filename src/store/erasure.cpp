#include "store/erasure.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace cxm::store {
namespace {

struct TableColumns {
  std::string table;
  std::vector<std::string> columns;
  std::vector<std::string> text_columns;
  bool Has(std::string_view column) const {
    for (const std::string& name : columns) {
      if (name == column) return true;
    }
    return false;
  }
};

// Every base table of the store's main schema with its columns (temp tables excluded).
Result<std::vector<TableColumns>> Catalog(Connection& connection) {
  CXM_ASSIGN_OR_RETURN(QueryResult result,
                       connection.Query("SELECT table_name, column_name, data_type = 'VARCHAR' "
                                        "FROM duckdb_columns() WHERE database_name = current_database() "
                                        "AND schema_name = 'main' AND NOT internal AND "
                                        "table_name IN (SELECT table_name FROM duckdb_tables() WHERE "
                                        "database_name = current_database() AND NOT temporary) "
                                        "ORDER BY table_name, column_index"));
  std::vector<TableColumns> tables;
  while (std::optional<DataChunk> chunk = result.NextChunk()) {
    for (std::uint64_t row_idx = 0; row_idx < chunk->RowCount(); ++row_idx) {
      const std::string table(chunk->Column(0).Text(row_idx));
      if (tables.empty() || tables.back().table != table) tables.push_back({.table = table});
      std::string column(chunk->Column(1).Text(row_idx));
      if (chunk->Column(2).Bool(row_idx)) tables.back().text_columns.push_back(column);
      tables.back().columns.push_back(std::move(column));
    }
  }
  return tables;
}

Result<std::int64_t> CountBound(Connection& connection, const std::string& sql, const std::string& value) {
  CXM_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(sql));
  CXM_TRY(statement.Bind(1, value));
  CXM_ASSIGN_OR_RETURN(QueryResult result, statement.Execute());
  return result.ScalarInt64().value_or(0);
}

}  // namespace

Result<ErasureSummary> EraseCustomer(Connection& connection, const std::string& customer_id,
                                     bool dry_run) {
  if (customer_id.empty()) return Status::InvalidArgument("--customer: an id is required");
  CXM_ASSIGN_OR_RETURN(const std::vector<TableColumns> tables, Catalog(connection));
  CXM_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection));

  // The customer's interactions and feedback, fixed before anything is deleted.
  for (const char* sql : {"CREATE OR REPLACE TEMP TABLE __cxm_erase_interactions AS "
                          "SELECT interaction_id FROM interactions WHERE customer_id = $1",
                          "CREATE OR REPLACE TEMP TABLE __cxm_erase_feedback AS SELECT feedback_id "
                          "FROM feedback WHERE customer_id = $1 OR interaction_id IN "
                          "(SELECT interaction_id FROM __cxm_erase_interactions)"}) {
    CXM_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(sql));
    CXM_TRY(statement.Bind(1, customer_id));
    CXM_TRY(statement.Execute().error());
  }
  ErasureSummary summary;
  for (const TableColumns& table : tables) {
    std::vector<std::string> belongs;
    if (table.Has("customer_id")) belongs.push_back("customer_id = $1");
    if (table.Has("interaction_id")) {
      belongs.push_back("interaction_id IN (SELECT interaction_id FROM __cxm_erase_interactions)");
    }
    if (table.Has("feedback_id")) {
      belongs.push_back("feedback_id IN (SELECT feedback_id FROM __cxm_erase_feedback)");
    }
    if (table.table == "rejects") belongs.push_back("contains(value, $1)");
    if (belongs.empty()) continue;
    CXM_ASSIGN_OR_RETURN(Statement erase,
                         connection.Prepare(fmt::format("DELETE FROM {} WHERE {}",
                                                        QuoteIdentifier(table.table),
                                                        Join(belongs, " OR "))));
    if (erase.ParameterCount() > 0) CXM_TRY(erase.Bind(1, customer_id));
    CXM_ASSIGN_OR_RETURN(QueryResult erased, erase.Execute());
    const auto rows = static_cast<std::int64_t>(erased.RowsChanged());
    if (rows == 0) continue;
    summary.removed.push_back({table.table, rows});
    summary.total_rows += rows;
  }
  CXM_TRY(connection.Execute("DROP TABLE __cxm_erase_interactions; DROP TABLE __cxm_erase_feedback"));
  if (dry_run) return summary;  // the transaction rolls back

  std::vector<std::string> counts;
  for (const TableRows& removed : summary.removed) counts.push_back(fmt::format("{}={}", removed.table, removed.rows));
  CXM_ASSIGN_OR_RETURN(QueryResult next, connection.Query("SELECT coalesce(max(erasure_id), 0)::BIGINT + 1 FROM erasures"));
  summary.erasure_id = next.ScalarInt64().value_or(1);
  CXM_ASSIGN_OR_RETURN(Statement log, connection.Prepare("INSERT INTO erasures VALUES ($1, timezone('UTC', now()), $2, $3)"));
  CXM_TRY(log.Bind(1, summary.erasure_id));
  CXM_TRY(log.Bind(2, summary.total_rows));
  CXM_TRY(log.Bind(3, Join(counts, ", ")));
  CXM_TRY(log.Execute().error());
  CXM_TRY(transaction.Commit());
  return summary;
}

Result<std::vector<Occurrence>> FindEverywhere(Connection& connection, const std::string& text) {
  if (text.empty()) return Status::InvalidArgument("nothing to look for");
  CXM_ASSIGN_OR_RETURN(const std::vector<TableColumns> tables, Catalog(connection));
  std::vector<Occurrence> found;
  for (const TableColumns& table : tables) {
    for (const std::string& column : table.text_columns) {
      CXM_ASSIGN_OR_RETURN(const std::int64_t rows,
                           CountBound(connection,
                                      fmt::format("SELECT count(*)::BIGINT FROM {} WHERE contains({}, $1)",
                                                  QuoteIdentifier(table.table), QuoteIdentifier(column)),
                                      text));
      if (rows > 0) found.push_back({table.table, column, rows});
    }
  }
  return found;
}

}  // namespace cxm::store
