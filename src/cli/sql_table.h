// Runs one SQL statement and collects its result as text for table_writer.h.
#pragma once

#include <string>

#include "cli/table_writer.h"
#include "common/status.h"
#include "store/duckdb.h"

namespace cxm::cli {

// Runs one read-only query. Any other statement (COPY, EXPORT, ATTACH, INSTALL, SET, DML, DDL)
// is refused as InvalidArgument naming its kind, before it runs; a statement the database
// refuses (a syntax error, or reaching a file, which the sandbox forbids) comes back as
// InvalidArgument too, with DuckDB's message.
Result<TextTable> QueryToTable(store::Connection& connection, const std::string& sql);

}  // namespace cxm::cli
