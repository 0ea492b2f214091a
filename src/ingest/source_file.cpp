#include "ingest/source_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "common/strings.h"
#include "store/store.h"

namespace cxm::ingest {
namespace {

// A record holding more than kMaxRecordBytes is rejected on its own line (source_file.h).
// DuckDB's reader fails the whole file on a record over its max_line_size, so the reader is
// given a limit above the longest record the file holds, up to kMaxReadableRecordBytes.
constexpr std::int64_t kMaxReadableRecordBytes = std::int64_t{256} << 20;
// An export with more columns than this is not one cxm can map (the widest canonical table has
// 14); the header is refused before the reader allocates for every column.
constexpr std::int64_t kMaxColumns = 4096;

bool EndsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string ReadPrefix(const std::string& path, std::size_t bytes) {
  std::ifstream file(path, std::ios::binary);
  std::string prefix(bytes, '\0');
  file.read(prefix.data(), static_cast<std::streamsize>(bytes));
  prefix.resize(static_cast<std::size_t>(file.gcount()));
  return prefix;
}

// A column name is pasted into SQL as a quoted identifier, which cannot hold a NUL byte (the
// fuzzer found a header that made the loader's own statements fail to parse).
Status CheckColumnNames(const std::string& path, const std::vector<std::string>& columns) {
  for (std::size_t column_idx = 0; column_idx < columns.size(); ++column_idx) {
    if (columns[column_idx].find('\0') != std::string::npos) {
      return Status::InvalidArgument(fmt::format(
          "{}:1: the name of column {} holds a NUL byte; is this a text export?", path, column_idx + 1));
    }
  }
  return Status::Ok();
}

}  // namespace

Status DropParserRejects(store::Connection& connection) {
  return connection.Execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans;");
}

Status CollectParserRejects(store::Connection& connection, std::vector<RowReject>* rejects) {
  CXM_ASSIGN_OR_RETURN(store::QueryResult result,
                       connection.Query("SELECT line::BIGINT, coalesce(column_name, ''), "
                                        "coalesce(csv_line, ''), coalesce(error_message, '') "
                                        "FROM reject_errors ORDER BY line"));
  while (std::optional<store::DataChunk> chunk = result.NextChunk()) {
    for (std::uint64_t row_idx = 0; row_idx < chunk->RowCount(); ++row_idx) {
      RowReject reject;
      reject.line = chunk->Column(0).Int64(row_idx);
      reject.column = std::string(chunk->Column(1).Text(row_idx));
      reject.value = std::string(chunk->Column(2).Text(row_idx));
      // DuckDB's messages carry advice for its own users; keep the first sentence.
      std::string message(chunk->Column(3).Text(row_idx));
      if (const std::size_t cut = message.find('\n'); cut != std::string::npos) message.resize(cut);
      reject.reason = message;
      rejects->push_back(std::move(reject));
    }
  }
  return Status::Ok();
}

std::string DelimitedReaderSql(const RecordScan& scan) {
  const std::int64_t limit = std::max(scan.longest_record_bytes + 1, kMaxRecordBytes);
  return fmt::format(
      "read_csv($1, all_varchar = true, header = true, delim = $2, quote = '\"', escape = '\"', "
      "store_rejects = true, max_line_size = {}, buffer_size = {}, compression = 'auto'{})",
      limit, 4 * limit, scan.is_utf16 ? ", encoding = 'utf-16'" : "");
}

Result<RecordScan> ScanRecords(const std::string& path, FileFormat format) {
  RecordScan scan;
  if (format != FileFormat::kCsv && format != FileFormat::kTsv) return scan;
  if (ToLower(path).ends_with(".gz")) return scan;  // DuckDB decompresses; see the header
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::Io(path + ": cannot be read");
  // Some survey tools export UTF-16 with a byte order mark. Little-endian is read as it is
  // (its newline and delimiter bytes scan like ASCII below); big-endian is refused by name.
  const std::string bom = ReadPrefix(path, 2);
  if (bom == "\xFF\xFE") scan.is_utf16 = true;
  if (bom == "\xFE\xFF") {
    return Status::InvalidArgument(path + ": UTF-16 big-endian text; save it as UTF-8 or UTF-16 little-endian");
  }
  // Records end at a newline outside quotes; a doubled quote toggles twice and changes nothing.
  std::vector<char> block(std::size_t{1} << 20);
  const char delimiter = format == FileFormat::kTsv ? '\t' : ',';
  std::int64_t header_columns = 1;
  bool is_quoted = false;
  std::int64_t line = 1;
  std::int64_t record_line = 1;
  std::int64_t record_bytes = 0;
  const auto end_record = [&] {
    if (record_bytes > scan.longest_record_bytes) {
      scan.longest_record_bytes = record_bytes;
      scan.longest_record_line = record_line;
    }
    record_bytes = 0;
  };
  while (file) {
    file.read(block.data(), static_cast<std::streamsize>(block.size()));
    const std::size_t count = static_cast<std::size_t>(file.gcount());
    for (std::size_t idx = 0; idx < count; ++idx) {
      const char c = block[idx];
      if (c == '"') is_quoted = !is_quoted;
      if (c == delimiter && !is_quoted && record_line == 1) ++header_columns;
      if (c != '\n') {
        ++record_bytes;
        continue;
      }
      ++line;
      if (is_quoted) {
        ++record_bytes;
        continue;
      }
      end_record();
      record_line = line;
    }
  }
  end_record();
  if (header_columns > kMaxColumns) {
    // DuckDB would try to allocate every column's buffers and fail with "Out of Memory".
    return Status::InvalidArgument(fmt::format(
        "{}:1: the header has {} columns; cxm reads files of up to {} columns (is this the export "
        "you meant, with '{}' between its fields?)",
        path, header_columns, kMaxColumns, format == FileFormat::kTsv ? "\\t" : ","));
  }
  if (scan.longest_record_bytes > kMaxReadableRecordBytes) {
    return Status::InvalidArgument(fmt::format(
        "{}:{}: a record of {} MB; cxm rejects records over {} MB one by one but cannot read "
        "one over {} MB at all: split or shorten it (an unclosed quote makes the rest of the "
        "file one record)",
        path, scan.longest_record_line, scan.longest_record_bytes >> 20, kMaxRecordBytes >> 20,
        kMaxReadableRecordBytes >> 20));
  }
  return scan;
}

Status BindDelimitedReader(store::Statement& statement, const std::string& path, FileFormat format) {
  const char delimiter = format == FileFormat::kTsv ? '\t' : ',';
  CXM_TRY(statement.Bind(1, store::ReadablePath(path)));
  return statement.Bind(2, std::string_view(&delimiter, 1));
}

Result<std::vector<std::string>> ReadDelimitedHeader(store::Connection& connection,
                                                     const std::string& path, FileFormat format,
                                                     const RecordScan& scan) {
  CXM_ASSIGN_OR_RETURN(store::Statement header,
                       connection.Prepare("SELECT * FROM " + DelimitedReaderSql(scan) +
                                          " LIMIT 0"));
  CXM_TRY(BindDelimitedReader(header, path, format));
  // The columns are known only once the file is bound, i.e. on execution, not at prepare time.
  CXM_ASSIGN_OR_RETURN(store::QueryResult result, header.Execute());
  std::vector<std::string> columns;
  for (std::uint64_t column_idx = 0; column_idx < result.ColumnCount(); ++column_idx) {
    columns.push_back(result.ColumnName(column_idx));
  }
  CXM_TRY(CheckColumnNames(path, columns));
  return columns;
}

namespace {

Result<std::vector<std::string>> ColumnsOf(store::Connection& connection, const std::string& table) {
  CXM_ASSIGN_OR_RETURN(store::Statement describe,
                       connection.Prepare("SELECT column_name FROM duckdb_columns() "
                                          "WHERE table_name = $1 AND NOT internal "
                                          "ORDER BY column_index"));
  CXM_TRY(describe.Bind(1, table));
  CXM_ASSIGN_OR_RETURN(store::QueryResult result, describe.Execute());
  std::vector<std::string> columns;
  while (std::optional<store::DataChunk> chunk = result.NextChunk()) {
    for (std::uint64_t row_idx = 0; row_idx < chunk->RowCount(); ++row_idx) {
      columns.emplace_back(chunk->Column(0).Text(row_idx));
    }
  }
  return columns;
}

Status StageDelimited(store::Connection& connection, StagedFile* staged) {
  const std::string sql = fmt::format("CREATE OR REPLACE TEMP TABLE {} AS SELECT * FROM {}",
                                      QuoteIdentifier(staged->table),
                                      DelimitedReaderSql(staged->scan));
  CXM_ASSIGN_OR_RETURN(store::Statement stage, connection.Prepare(sql));
  CXM_TRY(BindDelimitedReader(stage, staged->path, staged->format));
  CXM_TRY(stage.Execute().error());
  staged->row_expression = "rowid";
  return CollectParserRejects(connection, &staged->parse_rejects);
}

Status StageJsonLines(store::Connection& connection, StagedFile* staged) {
  // Each physical line is read as one text value (unit separator as delimiter, no quoting), so
  // that a line that is not JSON is a reject with its line number, not a failed load.
  const std::string lines_table = staged->table + "_lines";
  const std::string read_sql = fmt::format(
      "CREATE OR REPLACE TEMP TABLE {} AS SELECT line FROM read_csv($1, columns = {{'line': "
      "'VARCHAR'}}, header = false, delim = $2, quote = '', escape = '', auto_detect = false, "
      "store_rejects = true, max_line_size = {}, buffer_size = {}, compression = 'auto')",
      QuoteIdentifier(lines_table), kMaxRecordBytes, 4 * kMaxRecordBytes);
  CXM_ASSIGN_OR_RETURN(store::Statement read_lines, connection.Prepare(read_sql));
  CXM_TRY(read_lines.Bind(1, store::ReadablePath(staged->path)));
  CXM_TRY(read_lines.Bind(2, std::string_view("\x1f")));
  CXM_TRY(read_lines.Execute().error());
  CXM_TRY(CollectParserRejects(connection, &staged->parse_rejects));

  const std::string lines = QuoteIdentifier(lines_table);
  const std::string is_data = "(line IS NOT NULL AND trim(line) <> '')";
  // CASE, not AND: json_type must never see text that is not JSON.
  const std::string is_object =
      "(CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE false END)";
  CXM_ASSIGN_OR_RETURN(
      store::QueryResult invalid,
      connection.Query(fmt::format("SELECT (rowid - (SELECT min(rowid) FROM {0}) + 1)::BIGINT, "
                                   "line FROM {0} WHERE {1} AND NOT coalesce({2}, false) "
                                   "ORDER BY rowid",
                                   lines, is_data, is_object)));
  while (std::optional<store::DataChunk> chunk = invalid.NextChunk()) {
    for (std::uint64_t row_idx = 0; row_idx < chunk->RowCount(); ++row_idx) {
      staged->parse_rejects.push_back({.line = chunk->Column(0).Int64(row_idx),
                                       .value = std::string(chunk->Column(1).Text(row_idx)),
                                       .reason = "not a JSON object"});
    }
  }
  // An object that repeats a key is rejected whole: readers disagree on which value counts
  // (DuckDB's the first, most others the last), so either choice would silently lose one.
  const std::string repeats_key =
      "(CASE WHEN json_valid(line) THEN (CASE WHEN json_type(line) = 'OBJECT' THEN "
      "len(json_keys(line)) <> len(list_distinct(json_keys(line))) ELSE false END) ELSE false END)";
  CXM_ASSIGN_OR_RETURN(
      store::QueryResult repeated,
      connection.Query(fmt::format(
          "SELECT (rowid - (SELECT min(rowid) FROM {0}) + 1)::BIGINT, line, "
          "list_filter(list_distinct(json_keys(line)), k -> len(list_filter(json_keys(line), "
          "j -> j = k)) > 1)[1] FROM {0} WHERE {1} AND {2} ORDER BY rowid",
          lines, is_data, repeats_key)));
  while (std::optional<store::DataChunk> chunk = repeated.NextChunk()) {
    for (std::uint64_t row_idx = 0; row_idx < chunk->RowCount(); ++row_idx) {
      staged->parse_rejects.push_back(
          {.line = chunk->Column(0).Int64(row_idx),
           .column = std::string(chunk->Column(2).Text(row_idx)),
           .value = std::string(chunk->Column(1).Text(row_idx)),
           .reason = "repeats this key; which value is meant is ambiguous, so the line is not loaded"});
    }
  }
  const std::string is_good = fmt::format("({} AND coalesce({}, false) AND NOT {})", is_data,
                                          is_object, repeats_key);

  // Columns: every key seen, in order of first appearance.
  CXM_ASSIGN_OR_RETURN(
      store::QueryResult keys,
      connection.Query(fmt::format("SELECT key FROM (SELECT unnest(json_keys(line)) AS key, rowid "
                                   "AS row_idx FROM {} WHERE {}) GROUP BY key "
                                   "ORDER BY min(row_idx), key",
                                   lines, is_good)));
  std::vector<std::string> columns;
  while (std::optional<store::DataChunk> chunk = keys.NextChunk()) {
    for (std::uint64_t row_idx = 0; row_idx < chunk->RowCount(); ++row_idx) {
      columns.emplace_back(chunk->Column(0).Text(row_idx));
    }
  }
  if (columns.empty()) {
    return Status::InvalidArgument("no JSON objects with any keys");
  }
  // The paths are bound as one list parameter: key names never become SQL text.
  std::vector<std::string> selects = {
      fmt::format("(rowid - (SELECT min(rowid) FROM {}) + 1)::BIGINT AS __line", lines)};
  for (std::size_t column_idx = 0; column_idx < columns.size(); ++column_idx) {
    selects.push_back(fmt::format("json_extract_string(line, ${}) AS {}", column_idx + 1,
                                  QuoteIdentifier(columns[column_idx])));
  }
  CXM_ASSIGN_OR_RETURN(
      store::Statement stage,
      connection.Prepare(fmt::format("CREATE OR REPLACE TEMP TABLE {} AS SELECT {} FROM {} WHERE {} "
                                     "ORDER BY rowid",
                                     QuoteIdentifier(staged->table), Join(selects, ", "), lines,
                                     is_good)));
  for (std::size_t column_idx = 0; column_idx < columns.size(); ++column_idx) {
    // JSON path with the key quoted: $."key"; quotes inside keys are escaped for JSON.
    std::string key_path = "$.\"";
    for (char c : columns[column_idx]) {
      if (c == '"' || c == '\\') key_path += '\\';
      key_path += c;
    }
    key_path += '"';
    CXM_TRY(stage.Bind(column_idx + 1, key_path));
  }
  CXM_TRY(stage.Execute().error());
  CXM_TRY(connection.Execute("DROP TABLE " + lines));
  staged->row_expression = "__line";
  return Status::Ok();
}

Status StageParquet(store::Connection& connection, StagedFile* staged) {
  CXM_ASSIGN_OR_RETURN(
      store::Statement stage,
      connection.Prepare(fmt::format("CREATE OR REPLACE TEMP TABLE {} AS SELECT COLUMNS(*)::VARCHAR "
                                     "FROM read_parquet($1)",
                                     QuoteIdentifier(staged->table))));
  CXM_TRY(stage.Bind(1, store::ReadablePath(staged->path)));
  CXM_TRY(stage.Execute().error());
  staged->row_expression = "rowid";
  return Status::Ok();
}

}  // namespace

std::string_view FormatName(FileFormat format) {
  switch (format) {
    case FileFormat::kCsv: return "csv";
    case FileFormat::kTsv: return "tsv";
    case FileFormat::kJsonLines: return "jsonl";
    case FileFormat::kParquet: return "parquet";
  }
  return "csv";
}

Status FileReadError(const std::string& path, FileFormat format, const Status& error) {
  if (error.code() != Status::Code::kSql) return error.Prefixed(path);
  std::string first_line = error.message().substr(0, error.message().find('\n'));
  return Status::InvalidArgument(
      fmt::format("{}: cannot be read as {}: {}", path, FormatName(format), first_line));
}

Result<FileFormat> DetectFormat(const std::string& path, const std::string& declared) {
  if (declared == "csv") return FileFormat::kCsv;
  if (declared == "tsv") return FileFormat::kTsv;
  if (declared == "jsonl") return FileFormat::kJsonLines;
  if (declared == "parquet") return FileFormat::kParquet;
  if (!declared.empty()) {
    return Status::InvalidArgument(fmt::format("{}: unknown format '{}' (csv, tsv, jsonl, parquet)",
                                               path, declared));
  }
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Status::NotFound(path + ": no such file");
  }
  if (std::filesystem::file_size(path, error) == 0) {
    return Status::InvalidArgument(path + ": the file is empty");
  }
  std::string name = ToLower(std::filesystem::path(path).filename().string());
  if (EndsWith(name, ".gz")) name.resize(name.size() - 3);
  if (EndsWith(name, ".csv")) return FileFormat::kCsv;
  if (EndsWith(name, ".tsv") || EndsWith(name, ".tab")) return FileFormat::kTsv;
  if (EndsWith(name, ".jsonl") || EndsWith(name, ".ndjson") || EndsWith(name, ".json")) {
    return FileFormat::kJsonLines;
  }
  if (EndsWith(name, ".parquet") || EndsWith(name, ".pq")) return FileFormat::kParquet;

  const std::string prefix = ReadPrefix(path, 4096);
  if (prefix.starts_with("PAR1")) return FileFormat::kParquet;
  if (prefix.size() >= 2 && static_cast<unsigned char>(prefix[0]) == 0x1f &&
      static_cast<unsigned char>(prefix[1]) == 0x8b) {
    return Status::InvalidArgument(path + ": compressed file without a telling extension; name it "
                                          "*.csv.gz, *.tsv.gz or *.jsonl.gz");
  }
  const std::string_view content = Trim(prefix);
  if (content.starts_with("{")) return FileFormat::kJsonLines;
  const std::string_view first_line = content.substr(0, content.find('\n'));
  const auto tabs = std::count(first_line.begin(), first_line.end(), '\t');
  const auto commas = std::count(first_line.begin(), first_line.end(), ',');
  return tabs > commas ? FileFormat::kTsv : FileFormat::kCsv;
}

Result<StagedFile> StageFile(store::Connection& connection, const std::string& path,
                             FileFormat format, const std::string& table, const RecordScan& scan) {
  StagedFile staged{.is_staged = true, .path = path, .format = format, .table = table, .scan = scan};
  CXM_TRY(DropParserRejects(connection));
  Status status;
  switch (format) {
    case FileFormat::kCsv:
    case FileFormat::kTsv: status = StageDelimited(connection, &staged); break;
    case FileFormat::kJsonLines: status = StageJsonLines(connection, &staged); break;
    case FileFormat::kParquet: status = StageParquet(connection, &staged); break;
  }
  if (!status.ok()) return FileReadError(path, format, status);
  CXM_ASSIGN_OR_RETURN(std::vector<std::string> columns, ColumnsOf(connection, table));
  CXM_TRY(CheckColumnNames(path, columns));
  for (std::string& column : columns) {
    if (column != "__line") staged.columns.push_back(std::move(column));
  }
  if (staged.row_expression == "rowid") {
    // Inside a transaction a new table's row ids start at a large offset, not 0: rebase them
    // so that a row's position in the file is rowid - first rowid.
    CXM_ASSIGN_OR_RETURN(store::QueryResult first_row,
                         connection.Query("SELECT coalesce(min(rowid), 0)::BIGINT FROM " +
                                          QuoteIdentifier(table)));
    staged.row_expression = fmt::format("(rowid - {})", first_row.ScalarInt64().value_or(0));
  }
  return staged;
}

Result<std::vector<std::int64_t>> StagedFile::LinesOf(store::Connection& connection,
                                                      const std::vector<std::int64_t>& rows) const {
  std::vector<std::int64_t> lines;
  lines.reserve(rows.size());
  if (format == FileFormat::kJsonLines) return rows;  // rows are already lines
  if (format == FileFormat::kParquet) {
    for (std::int64_t row : rows) lines.push_back(row + 1);  // 1-based row number
    return lines;
  }
  // CSV/TSV: record r starts at line 2 + r, pushed down by every newline inside quoted values
  // of earlier records and by every line the parser rejected before it.
  std::vector<std::string> quoted;
  for (const std::string& column : columns) quoted.push_back(QuoteIdentifier(column));
  const std::string joined = "concat_ws('', " + Join(quoted, ", ") + ")";
  CXM_ASSIGN_OR_RETURN(
      store::QueryResult newlines,
      connection.Query(fmt::format("SELECT {2}::BIGINT, (length({0}) - length(replace({0}, "
                                   "chr(10), '')))::BIGINT FROM {1} WHERE contains({0}, chr(10)) "
                                   "ORDER BY rowid",
                                   joined, QuoteIdentifier(table), row_expression)));
  std::vector<std::pair<std::int64_t, std::int64_t>> extra_lines;  // (row, newlines in it)
  while (std::optional<store::DataChunk> chunk = newlines.NextChunk()) {
    for (std::uint64_t row_idx = 0; row_idx < chunk->RowCount(); ++row_idx) {
      extra_lines.emplace_back(chunk->Column(0).Int64(row_idx), chunk->Column(1).Int64(row_idx));
    }
  }
  std::vector<std::int64_t> rejected_lines;
  for (const RowReject& reject : parse_rejects) rejected_lines.push_back(reject.line);
  std::sort(rejected_lines.begin(), rejected_lines.end());
  rejected_lines.erase(std::unique(rejected_lines.begin(), rejected_lines.end()), rejected_lines.end());

  // newlines_before[k] = newlines in the records extra_lines[0..k).
  std::vector<std::int64_t> newlines_before(extra_lines.size() + 1, 0);
  for (std::size_t k = 0; k < extra_lines.size(); ++k) {
    newlines_before[k + 1] = newlines_before[k] + extra_lines[k].second;
  }
  for (std::int64_t row : rows) {
    const auto earlier_end = std::lower_bound(
        extra_lines.begin(), extra_lines.end(), row,
        [](const std::pair<std::int64_t, std::int64_t>& entry, std::int64_t value) {
          return entry.first < value;
        });
    std::int64_t line = 2 + row + newlines_before[earlier_end - extra_lines.begin()];
    for (std::int64_t rejected : rejected_lines) {
      if (rejected <= line) ++line;
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace cxm::ingest
