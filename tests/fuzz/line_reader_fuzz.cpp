// Fuzz target: the line readers (ingest/source_file.h) on any bytes, as CSV and as JSON lines:
// staging either loads rows or refuses the file with a status, and every parser reject and every
// staged row maps to a line inside the file.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "common/check.h"
#include "ingest/source_file.h"
#include "store/store.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string folder = [] {
    const std::string path = "/tmp/cxm-line-reader-fuzz-" + std::to_string(::getpid());
    std::filesystem::create_directories(path);
    return path;
  }();
  static std::unique_ptr<cxm::store::Store> store = [] {
    cxm::Result<cxm::store::Store> opened =
        cxm::store::Store::Open(":memory:", {.threads = 1, .readable_folders = {folder}});
    CXM_CHECK(opened.has_value()) << opened.error().ToString();
    return std::make_unique<cxm::store::Store>(std::move(opened).value());
  }();
  // DuckDB ends a line at \n, \r\n or a lone \r.
  std::int64_t lines_in_file = 1;
  for (std::size_t idx = 0; idx < size; ++idx) {
    lines_in_file += data[idx] == '\n' || (data[idx] == '\r' && (idx + 1 == size || data[idx + 1] != '\n'));
  }
  for (cxm::ingest::FileFormat format : {cxm::ingest::FileFormat::kCsv, cxm::ingest::FileFormat::kJsonLines}) {
    const std::string path = folder + (format == cxm::ingest::FileFormat::kCsv ? "/input.csv" : "/input.jsonl");
    {
      std::ofstream file(path, std::ios::binary | std::ios::trunc);
      file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    cxm::Result<cxm::ingest::RecordScan> scan = cxm::ingest::ScanRecords(path, format);
    if (!scan.has_value()) continue;
    cxm::Result<cxm::ingest::StagedFile> staged =
        cxm::ingest::StageFile(store->connection(), path, format, "__fuzz_staged", *scan);
    if (!staged.has_value()) continue;  // refused whole, with a status: fine
    for (const cxm::ingest::RowReject& reject : staged->parse_rejects) {
      CXM_CHECK(reject.line >= 1 && reject.line <= lines_in_file) << "reject on line " << reject.line;
    }
    // Every staged row's position, as the loader reads it (row_expression), maps to a line.
    cxm::Result<cxm::store::QueryResult> rows = store->connection().Query(
        "SELECT (" + staged->row_expression + ")::BIGINT FROM __fuzz_staged ORDER BY 1 LIMIT 64");
    CXM_CHECK(rows.has_value()) << rows.error().ToString();
    std::vector<std::int64_t> row_ids;
    for (const auto& row : rows->AllRowsAsText()) row_ids.push_back(std::stoll(*row[0]));
    if (row_ids.empty()) continue;
    cxm::Result<std::vector<std::int64_t>> lines = staged->LinesOf(store->connection(), row_ids);
    CXM_CHECK(lines.has_value()) << lines.error().ToString();
    for (std::int64_t line : *lines) {
      CXM_CHECK(line >= 2 - (format == cxm::ingest::FileFormat::kJsonLines ? 1 : 0) && line <= lines_in_file + 1)
          << "a row on line " << line << " of a file of " << lines_in_file;
    }
  }
  return 0;
}
