// GDPR erasure of one customer (SPEC §5 `cxm erase`): every row that belongs to the customer,
// in every table of the store, canonical and derived, removed in one transaction.
//
// A row belongs to the customer when its table has a customer_id equal to the id, or an
// interaction_id of one of the customer's interactions, or a feedback_id of one of the
// customer's feedback answers. The tables are read from the catalog, not listed here, so a
// derived table added later (cases, alerts, topics) with one of those columns is covered
// without a change. The rejects table has none of them: a reject whose value mentions the id
// is removed. The erasure is logged in `erasures` with counts only: no id, no value.
//
// Verify scans every text column of every table for the id and reports where it still occurs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/duckdb.h"

namespace cxm::store {

struct TableRows {
  std::string table;
  std::int64_t rows = 0;
};

struct ErasureSummary {
  std::vector<TableRows> removed;  // tables with rows removed (or that would be, on a dry run)
  std::int64_t total_rows = 0;
  std::int64_t erasure_id = 0;     // the erasures row written; 0 on a dry run
};

// InvalidArgument for an empty id. `dry_run` counts the rows and changes nothing.
Result<ErasureSummary> EraseCustomer(Connection& connection, const std::string& customer_id,
                                     bool dry_run);

// Where `text` still occurs (as a whole value or inside one) in any text column: one entry per
// table and column, with the row count. Empty: nothing of it remains.
struct Occurrence {
  std::string table;
  std::string column;
  std::int64_t rows = 0;
};
Result<std::vector<Occurrence>> FindEverywhere(Connection& connection, const std::string& text);

}  // namespace cxm::store
