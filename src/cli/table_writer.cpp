#include "cli/table_writer.h"

#include <algorithm>

#include <fmt/format.h>

namespace cxm::cli {
namespace {

// Display width in code points (close enough for aligned output of UTF-8 text).
std::size_t DisplayWidth(const std::string& text) {
  std::size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// Table cells stay on one line.
std::string OneLine(const std::string& text) {
  std::string line = text;
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::replace(line.begin(), line.end(), '\r', ' ');
  return line;
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(const std::string& name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  return Status::InvalidArgument("--format " + name + ": expected table, csv or json");
}

void WriteTable(std::ostream& out, const TextTable& table, OutputFormat format) {
  const std::size_t column_count = table.columns.size();
  switch (format) {
    case OutputFormat::kCsv: {
      for (std::size_t column_idx = 0; column_idx < column_count; ++column_idx) {
        out << (column_idx ? "," : "") << CsvField(table.columns[column_idx]);
      }
      out << "\n";
      for (const auto& row : table.rows) {
        for (std::size_t column_idx = 0; column_idx < column_count; ++column_idx) {
          out << (column_idx ? "," : "") << (row[column_idx] ? CsvField(*row[column_idx]) : "");
        }
        out << "\n";
      }
      return;
    }
    case OutputFormat::kJson: {
      out << "[";
      for (std::size_t row_idx = 0; row_idx < table.rows.size(); ++row_idx) {
        out << (row_idx ? ",\n " : "\n ") << "{";
        for (std::size_t column_idx = 0; column_idx < column_count; ++column_idx) {
          const auto& cell = table.rows[row_idx][column_idx];
          out << (column_idx ? ", " : "") << JsonQuote(table.columns[column_idx]) << ": ";
          if (!cell) {
            out << "null";
          } else if (table.is_json_literal[column_idx] && *cell != "nan" && *cell != "inf" &&
                     *cell != "-inf") {
            out << *cell;
          } else {
            out << JsonQuote(*cell);
          }
        }
        out << "}";
      }
      out << (table.rows.empty() ? "]\n" : "\n]\n");
      return;
    }
    case OutputFormat::kTable: {
      std::vector<std::size_t> widths(column_count);
      for (std::size_t column_idx = 0; column_idx < column_count; ++column_idx) {
        widths[column_idx] = DisplayWidth(table.columns[column_idx]);
        for (const auto& row : table.rows) {
          const std::string cell = row[column_idx] ? OneLine(*row[column_idx]) : "NULL";
          widths[column_idx] = std::max(widths[column_idx], std::min<std::size_t>(DisplayWidth(cell), 60));
        }
      }
      const auto write_row = [&](const std::vector<std::string>& cells) {
        for (std::size_t column_idx = 0; column_idx < column_count; ++column_idx) {
          std::string cell = cells[column_idx];
          if (DisplayWidth(cell) > 60) {
            // Cut on a code point boundary and mark the cut.
            std::size_t bytes = 0, points = 0;
            while (bytes < cell.size() && points < 59) {
              ++bytes;
              while (bytes < cell.size() && (static_cast<unsigned char>(cell[bytes]) & 0xC0) == 0x80) ++bytes;
              ++points;
            }
            cell = cell.substr(0, bytes) + "…";
          }
          out << (column_idx ? " | " : "") << cell
              << std::string(widths[column_idx] - std::min(widths[column_idx], DisplayWidth(cell)), ' ');
        }
        out << "\n";
      };
      write_row(table.columns);
      for (std::size_t column_idx = 0; column_idx < column_count; ++column_idx) {
        out << (column_idx ? "-+-" : "") << std::string(widths[column_idx], '-');
      }
      out << "\n";
      for (const auto& row : table.rows) {
        std::vector<std::string> cells;
        for (const auto& cell : row) cells.push_back(cell ? OneLine(*cell) : "NULL");
        write_row(cells);
      }
      out << fmt::format("({} row{})\n", table.rows.size(), table.rows.size() == 1 ? "" : "s");
      return;
    }
  }
}

}  // namespace cxm::cli
