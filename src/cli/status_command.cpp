#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/sql_table.h"
#include "cli/table_writer.h"
#include "common/strings.h"
#include "store/schema.h"
#include "store/store.h"

namespace cxm::cli {

// A summary of what the store holds: rows per canonical table, their time span, and rejects.
Command AddStatusCommand(CLI::App& app) {
  auto format_name = std::make_shared<std::string>("table");
  CLI::App* command = app.add_subcommand("status", "summarise what the store holds");
  command->add_option("--format", *format_name, "table, csv or json")->capture_default_str();
  return {command, [format_name](const GlobalOptions& global) -> Status {
    CXM_ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(*format_name));
    CXM_ASSIGN_OR_RETURN(store::Store store,
                         store::Store::Open(global.db_path, {.mode = store::Store::Mode::kReadOnly}));
    std::vector<std::string> parts;
    for (const store::TableSpec& table : store::CanonicalTables()) {
      const bool has_ts = table.FindColumn("ts") != nullptr;
      parts.push_back(fmt::format(
          "SELECT {0} AS \"table\", count(*) AS \"rows\", {1} AS first_ts, {2} AS last_ts, "
          "(SELECT count(*) FROM rejects WHERE target_table = {0}) AS rejects FROM {3}",
          QuoteLiteral(table.name), has_ts ? "min(ts)" : "NULL::TIMESTAMP",
          has_ts ? "max(ts)" : "NULL::TIMESTAMP", QuoteIdentifier(table.name)));
    }
    CXM_ASSIGN_OR_RETURN(TextTable summary, QueryToTable(store.connection(), Join(parts, " UNION ALL ")));
    if (format == OutputFormat::kTable) {
      std::cout << fmt::format("cxm store {} (schema v{})\n", global.db_path, store.schema_version());
    }
    WriteTable(std::cout, summary, format);
    // The attributes mappings declared (docs/mapping.md), in the table view only: the csv and
    // json views stay one table.
    if (format == OutputFormat::kTable) {
      CXM_ASSIGN_OR_RETURN(TextTable attributes, QueryToTable(store.connection(),
          "SELECT s.entity, s.name AS attribute, s.kind, coalesce(s.higher_is, '') AS higher_is, "
          "coalesce(s.not_applicable, '') AS not_applicable, count(a.value) AS \"values\", "
          "count(a.number) AS numbers FROM attribute_specs s LEFT JOIN attributes a USING (entity, name) "
          "GROUP BY ALL ORDER BY s.entity, s.name"));
      if (!attributes.rows.empty()) {
        std::cout << "\nattributes\n";
        WriteTable(std::cout, attributes, format);
      }
    }
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
