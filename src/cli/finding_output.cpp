#include "cli/finding_output.h"

#include <fmt/format.h>

namespace cxm::cli {

void WriteFindings(std::ostream& out, const std::vector<analytics::Finding>& findings, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    out << (findings.size() == 1 ? analytics::FindingJson(findings.front()) : analytics::FindingsJson(findings)) << "\n";
    return;
  }
  bool is_first = true;
  for (const analytics::Finding& finding : findings) {
    if (format == OutputFormat::kTable) {
      out << fmt::format("{}{}\n{}\n", is_first ? "" : "\n", finding.title, finding.summary);
      for (const analytics::Diagnostic& diagnostic : finding.diagnostics) out << "  note: " << diagnostic.message << "\n";
      if (!finding.settings.empty()) {
        std::string line = "  settings:";
        for (const analytics::Setting& setting : finding.settings) {
          std::string value = "unset";
          if (const auto* number = std::get_if<double>(&setting.value)) value = fmt::format("{}", *number);
          if (const auto* integer = std::get_if<std::int64_t>(&setting.value)) value = std::to_string(*integer);
          if (const auto* text = std::get_if<std::string>(&setting.value)) value = *text;
          line += fmt::format(" {}={}", setting.name, value);
        }
        out << line << "\n";
      }
    } else if (!is_first) {
      out << "\n";
    }
    is_first = false;
    if (finding.rows.empty()) continue;
    // Rounded here, for reading; CSV and JSON consumers wanting full precision use --format json.
    TextTable table{.columns = finding.ColumnNames()};
    for (const analytics::ColumnSpec& column : finding.columns) {
      table.is_json_literal.push_back(column.type != analytics::CellType::kText);
    }
    for (const auto& row : finding.rows) {
      std::vector<std::optional<std::string>> cells;
      for (std::size_t column = 0; column < finding.columns.size(); ++column) {
        const bool is_null = column >= row.size() || std::holds_alternative<std::monostate>(row[column]);
        cells.push_back(is_null ? std::nullopt
                                : std::optional<std::string>(analytics::RenderCell(row[column], finding.columns[column])));
      }
      table.rows.push_back(std::move(cells));
    }
    WriteTable(out, table, format);
  }
}

}  // namespace cxm::cli
