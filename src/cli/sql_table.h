// Runs one SQL statement and collects its result as text for table_writer.h.
#pragma once

#include <string>

#include "cli/table_writer.h"
#include "common/status.h"
#include "store/duckdb.h"

namespace cxm::cli {

// A statement the database refuses comes back as InvalidArgument (the user's SQL was wrong),
// with DuckDB's message.
Result<TextTable> QueryToTable(store::Connection& connection, const std::string& sql);

}  // namespace cxm::cli
