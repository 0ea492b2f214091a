// Reads one export file (CSV, TSV, JSON lines or Parquet, optionally gzip-compressed) into a
// temporary staging table whose columns are the file's columns as text. Rows that cannot be
// parsed at all (broken UTF-8, wrong number of fields, unterminated quotes, invalid JSON) are
// returned as rejects with their line numbers; the rest are staged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/duckdb.h"

namespace cxm::ingest {

enum class FileFormat { kCsv, kTsv, kJsonLines, kParquet };

// A record (a CSV/TSV row, a JSON line) holding more than this is rejected with its line; the
// rest of the file loads.
inline constexpr std::int64_t kMaxRecordBytes = std::int64_t{8} << 20;

// The longest record of a CSV/TSV file, found by one pass over its bytes (quotes respected).
// Compressed files are not scanned (longest_record_bytes stays 0): a record over
// kMaxRecordBytes in one fails the whole file with DuckDB's message.
struct RecordScan {
  bool is_utf16 = false;  // a UTF-16 (little-endian) byte order mark: read as UTF-16
  std::int64_t longest_record_bytes = 0;
  std::int64_t longest_record_line = 0;
  bool has_long_records() const { return longest_record_bytes > kMaxRecordBytes; }
};
// InvalidArgument naming the line when a record is too long to be read at all (256 MB).
Result<RecordScan> ScanRecords(const std::string& path, FileFormat format);

std::string_view FormatName(FileFormat format);

// By extension (.csv .tsv .tab .jsonl .ndjson .json .parquet, each optionally + .gz), else by
// content (Parquet magic, a leading '{', tabs in the first line). `declared` ("csv", ...)
// overrides detection when not empty.
Result<FileFormat> DetectFormat(const std::string& path, const std::string& declared);

// A row the loader could not take, before its line number is final.
struct RowReject {
  std::int64_t line = 0;  // 1-based physical line; 0 when unknown
  std::string column;     // empty when the whole row is at fault
  std::string value;
  std::string reason;
};

struct StagedFile {
  bool is_staged = false;            // false: not read yet (a single-pass load reads it on demand)
  std::string path;
  FileFormat format = FileFormat::kCsv;
  std::string table;                 // temp table: one VARCHAR column per source column
  std::vector<std::string> columns;  // source column names, in file order
  std::string row_expression;        // SQL giving a row's position in the file ("rowid")
  std::vector<RowReject> parse_rejects;
  std::int64_t repeated_rows = 0;    // records equal to an earlier record in every column
  RecordScan scan;                   // CSV/TSV: read with a limit above its longest record

  // Physical 1-based line numbers of the given rows (values of row_expression), in the same
  // order. For CSV this accounts for quoted newlines and for lines rejected by the parser.
  Result<std::vector<std::int64_t>> LinesOf(store::Connection& connection,
                                            const std::vector<std::int64_t>& rows) const;
};

// The read_csv(...) call StageFile uses for CSV/TSV, with $1 = path and $2 = delimiter: lets a
// caller read and convert a file in one pass with the same dialect, so row i here is row i there.
// `scan` gives the file's longest record (0 when unknown) and its encoding.
std::string DelimitedReaderSql(const RecordScan& scan);
// Binds $1 and $2 of DelimitedReaderSql() in `statement`. REQUIRES: kCsv or kTsv.
Status BindDelimitedReader(store::Statement& statement, const std::string& path, FileFormat format);

// The column names of a CSV/TSV file's header, without reading its rows.
Result<std::vector<std::string>> ReadDelimitedHeader(store::Connection& connection,
                                                     const std::string& path, FileFormat format,
                                                     const RecordScan& scan);

// The rows the last read_csv(..., store_rejects = true) could not parse.
Status CollectParserRejects(store::Connection& connection, std::vector<RowReject>* rejects);
Status DropParserRejects(store::Connection& connection);

// A file the reader cannot take at all (not CSV, truncated Parquet, ...) is the user's error:
// InvalidArgument naming the file and format, with the reader's first line of explanation.
// Other errors pass through with the file name prefixed.
Status FileReadError(const std::string& path, FileFormat format, const Status& error);

// Stages `path` into the temp table `table` (replacing it).
Result<StagedFile> StageFile(store::Connection& connection, const std::string& path,
                             FileFormat format, const std::string& table, const RecordScan& scan);

}  // namespace cxm::ingest
