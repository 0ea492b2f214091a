// Writes a result as an aligned text table, CSV (RFC 4180) or JSON (an array of objects).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/strings.h"

namespace cxm::cli {

enum class OutputFormat { kTable, kCsv, kJson };

Result<OutputFormat> ParseOutputFormat(const std::string& name);

struct TextTable {
  std::vector<std::string> columns;
  std::vector<bool> is_json_literal;  // numbers and booleans: unquoted in JSON
  std::vector<std::vector<std::optional<std::string>>> rows;  // nullopt = NULL
};

void WriteTable(std::ostream& out, const TextTable& table, OutputFormat format);

using cxm::JsonQuote;

}  // namespace cxm::cli
