// Which canonical table a file loaded without a mapping fills: the one its header fits.
#include <algorithm>

#include <fmt/format.h>

#include "common/strings.h"
#include "ingest/loader.h"
#include "store/schema.h"

namespace cxm::ingest {

using store::ColumnSpec;
using store::TableSpec;

Result<const TableSpec*> MatchTable(const std::vector<std::string>& header,
                                    const std::string& requested, const std::string& path) {
  std::vector<std::string> names;
  for (const std::string& column : header) names.push_back(ToLower(Trim(column)));
  const auto check_fits = [&](const TableSpec& table) -> Status {
    for (const std::string& name : names) {
      if (table.FindColumn(name) == nullptr && name != "source") {
        return Status::InvalidArgument(fmt::format(
            "{}:1: column '{}' is not a column of {} (its columns: {}); map or drop it with "
            "--map mapping.toml",
            path, name, table.name, [&] {
              std::vector<std::string> known;
              for (const ColumnSpec& column : table.columns) known.push_back(column.name);
              return Join(known, ", ");
            }()));
      }
    }
    for (const ColumnSpec& column : table.columns) {
      if (column.is_required && std::find(names.begin(), names.end(), column.name) == names.end()) {
        return Status::InvalidArgument(fmt::format(
            "{}:1: required column '{}' of {} is missing from the header", path, column.name,
            table.name));
      }
    }
    return Status::Ok();
  };
  if (!requested.empty()) {
    const TableSpec* table = store::FindCanonicalTable(requested);
    if (table == nullptr) {
      return Status::InvalidArgument(fmt::format("--table {}: not a canonical table", requested));
    }
    CXM_TRY(check_fits(*table));
    return table;
  }
  std::vector<const TableSpec*> fits;
  for (const TableSpec& table : store::CanonicalTables()) {
    if (check_fits(table).ok()) fits.push_back(&table);
  }
  if (fits.size() == 1) return fits[0];
  if (fits.empty()) {
    // Explain against the table the header resembles most (most columns in common).
    const TableSpec* closest = nullptr;
    std::size_t closest_shared = 0;
    for (const TableSpec& table : store::CanonicalTables()) {
      std::size_t shared = 0;
      for (const std::string& name : names) shared += table.FindColumn(name) != nullptr ? 1 : 0;
      if (shared > closest_shared) {
        closest = &table;
        closest_shared = shared;
      }
    }
    if (closest != nullptr) return check_fits(*closest);
    return Status::InvalidArgument(fmt::format(
        "{}:1: the header ({}) matches no canonical table; name one with --table or map the "
        "columns with --map mapping.toml",
        path, Join(names, ", ")));
  }
  std::vector<std::string> candidates;
  for (const TableSpec* table : fits) candidates.push_back(table->name);
  return Status::InvalidArgument(fmt::format("{}:1: the header fits several tables ({}); choose "
                                             "one with --table",
                                             path, Join(candidates, ", ")));
}

}  // namespace cxm::ingest
