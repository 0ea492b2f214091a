#include <iostream>

#include "cli/commands.h"
#include "cli/sql_table.h"
#include "cli/table_writer.h"
#include "store/store.h"

namespace cxm::cli {

Command AddQueryCommand(CLI::App& app) {
  struct Options {
    std::string format = "table";
    std::string sql;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("query", "run read-only SQL over the store");
  command->add_option("--format", options->format, "table, csv or json")->capture_default_str();
  command->add_option("sql", options->sql, "the SQL statement")->required();
  return {command, [options](const GlobalOptions& global) -> Status {
    CXM_ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(options->format));
    // Read-only at the database level: no statement can change the store.
    CXM_ASSIGN_OR_RETURN(store::Store store,
                         store::Store::Open(global.db_path, {.mode = store::Store::Mode::kReadOnly}));
    CXM_ASSIGN_OR_RETURN(TextTable table, QueryToTable(store.connection(), options->sql));
    WriteTable(std::cout, table, format);
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
