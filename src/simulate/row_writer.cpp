#include "simulate/row_writer.h"

#include <fmt/format.h>

#include "common/check.h"

namespace cxm::simulate {
namespace {

// Days since 1970-01-01 <-> civil date (H. Hinnant's algorithms, proleptic Gregorian).
void CivilFromDays(std::int64_t days, int* year, int* month, int* day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t day_of_era = days - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_index = (5 * day_of_year + 2) / 153;
  *day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
  *month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
  *year = static_cast<int>(year_of_era + era * 400 + (*month <= 2 ? 1 : 0));
}

void AppendTwoDigits(int value, std::string* out) {
  out->push_back(static_cast<char>('0' + value / 10));
  out->push_back(static_cast<char>('0' + value % 10));
}

void AppendCsvText(std::string_view value, std::string* out) {
  if (value.find_first_of(",\"\n\r") == std::string_view::npos) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char ch : value) {
    if (ch == '"') out->push_back('"');
    out->push_back(ch);
  }
  out->push_back('"');
}

void AppendJsonText(std::string_view value, std::string* out) {
  out->push_back('"');
  for (char ch : value) {
    const auto byte = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out->push_back('\\');
      out->push_back(ch);
    } else if (byte < 0x20) {
      fmt::format_to(std::back_inserter(*out), "\\u{:04x}", byte);
    } else {
      out->push_back(ch);
    }
  }
  out->push_back('"');
}

}  // namespace

std::int64_t EpochSeconds(int year, int month, int day) {
  const int shifted_year = month <= 2 ? year - 1 : year;
  const int era = (shifted_year >= 0 ? shifted_year : shifted_year - 399) / 400;
  const int year_of_era = shifted_year - era * 400;
  const int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return (static_cast<std::int64_t>(era) * 146097 + day_of_era - 719468) * 86400;
}

void AppendTimestamp(std::int64_t epoch_seconds, std::string* out) {
  std::int64_t days = epoch_seconds / 86400;
  std::int64_t seconds_of_day = epoch_seconds % 86400;
  if (seconds_of_day < 0) {
    seconds_of_day += 86400;
    --days;
  }
  int year = 0;
  int month = 0;
  int day = 0;
  CivilFromDays(days, &year, &month, &day);
  fmt::format_to(std::back_inserter(*out), "{:04d}-", year);
  AppendTwoDigits(month, out);
  out->push_back('-');
  AppendTwoDigits(day, out);
  out->push_back(' ');
  AppendTwoDigits(static_cast<int>(seconds_of_day / 3600), out);
  out->push_back(':');
  AppendTwoDigits(static_cast<int>(seconds_of_day / 60 % 60), out);
  out->push_back(':');
  AppendTwoDigits(static_cast<int>(seconds_of_day % 60), out);
}

std::string_view FileExtension(OutputFormat format) {
  return format == OutputFormat::kCsv ? ".csv" : ".jsonl";
}

std::string HeaderLine(OutputFormat format, const OutputTableSpec& table) {
  if (format == OutputFormat::kJsonLines) return {};
  std::string line;
  for (std::size_t idx = 0; idx < table.columns.size(); ++idx) {
    if (idx > 0) line.push_back(',');
    line.append(table.columns[idx]);
  }
  line.push_back('\n');
  return line;
}

RowWriter::RowWriter(OutputFormat format, const OutputTableSpec& table, std::string* out)
    : format_(format), table_(table), out_(out) {}

void RowWriter::BeginValue() {
  CXM_CHECK(column_idx_ < table_.columns.size()) << "too many values for " << table_.file_stem;
  if (format_ == OutputFormat::kCsv) {
    if (column_idx_ > 0) out_->push_back(',');
  } else {
    out_->append(column_idx_ == 0 ? "{\"" : ",\"");
    out_->append(table_.columns[column_idx_]);
    out_->append("\":");
  }
  ++column_idx_;
}

RowWriter& RowWriter::Text(std::string_view value) {
  BeginValue();
  if (format_ == OutputFormat::kCsv) {
    AppendCsvText(value, out_);
  } else {
    AppendJsonText(value, out_);
  }
  return *this;
}

RowWriter& RowWriter::Int(std::int64_t value) {
  BeginValue();
  fmt::format_to(std::back_inserter(*out_), "{}", value);
  return *this;
}

RowWriter& RowWriter::Real(double value, int decimals) {
  BeginValue();
  fmt::format_to(std::back_inserter(*out_), "{:.{}f}", value, decimals);
  return *this;
}

RowWriter& RowWriter::Bool(bool value) {
  BeginValue();
  out_->append(value ? "true" : "false");
  return *this;
}

RowWriter& RowWriter::Time(std::int64_t epoch_seconds) {
  BeginValue();
  if (format_ == OutputFormat::kJsonLines) out_->push_back('"');
  AppendTimestamp(epoch_seconds, out_);
  if (format_ == OutputFormat::kJsonLines) out_->push_back('"');
  return *this;
}

RowWriter& RowWriter::Null() {
  BeginValue();
  if (format_ == OutputFormat::kJsonLines) out_->append("null");
  return *this;
}

void RowWriter::End() {
  CXM_CHECK(column_idx_ == table_.columns.size())
      << table_.file_stem << ": " << column_idx_ << " values for " << table_.columns.size()
      << " columns";
  out_->append(format_ == OutputFormat::kCsv ? "\n" : "}\n");
}

}  // namespace cxm::simulate
