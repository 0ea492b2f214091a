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
    } else if (!is_first) {
      out << "\n";
    }
    is_first = false;
    if (finding.rows.empty()) continue;
    TextTable table{.columns = finding.columns};
    table.is_json_literal = finding.is_numeric;
    table.is_json_literal.resize(finding.columns.size(), false);
    for (const auto& row : finding.rows) table.rows.emplace_back(row.begin(), row.end());
    WriteTable(out, table, format);
  }
}

}  // namespace cxm::cli
