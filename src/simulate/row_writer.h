// RowWriter: appends one row of a generated table to a text buffer, as CSV (RFC 4180, header
// of canonical column names) or JSON lines, so that `cxm ingest` loads the files unchanged.
// Values are written in column order; End() checks that every column got one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cxm::simulate {

enum class OutputFormat { kCsv, kJsonLines };

struct OutputTableSpec {
  std::string_view file_stem;  // "customers" -> customers.csv / customers.jsonl
  std::vector<std::string_view> columns;
};

// "2025-03-14 09:31:07" (UTC) for seconds since 1970-01-01.
void AppendTimestamp(std::int64_t epoch_seconds, std::string* out);
// Seconds since 1970-01-01 of a UTC civil date.
std::int64_t EpochSeconds(int year, int month, int day);

std::string_view FileExtension(OutputFormat format);
// The header line (CSV) or nothing (JSON lines).
std::string HeaderLine(OutputFormat format, const OutputTableSpec& table);

class RowWriter {
 public:
  RowWriter(OutputFormat format, const OutputTableSpec& table, std::string* out);

  RowWriter& Text(std::string_view value);
  RowWriter& Int(std::int64_t value);
  RowWriter& Real(double value, int decimals);
  RowWriter& Bool(bool value);
  RowWriter& Time(std::int64_t epoch_seconds);
  RowWriter& Null();
  void End();

 private:
  void BeginValue();

  OutputFormat format_;
  const OutputTableSpec& table_;
  std::string* out_;
  std::size_t column_idx_ = 0;
};

}  // namespace cxm::simulate
