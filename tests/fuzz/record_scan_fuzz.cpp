// Fuzz target: the CSV/TSV record scanner (ingest/source_file.h, ScanRecords) on any bytes:
// never crashes, and the longest record it reports is inside the file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "common/check.h"
#include "ingest/source_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/cxm-record-scan-fuzz-" + std::to_string(::getpid()) + ".csv";
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  for (cxm::ingest::FileFormat format : {cxm::ingest::FileFormat::kCsv, cxm::ingest::FileFormat::kTsv}) {
    cxm::Result<cxm::ingest::RecordScan> scan = cxm::ingest::ScanRecords(path, format);
    if (!scan.has_value()) continue;  // a refused header is an answer, not a crash
    CXM_CHECK(scan->longest_record_bytes <= static_cast<std::int64_t>(size)) << "record longer than the file";
    CXM_CHECK(scan->longest_record_line >= 1 || size == 0) << "record on no line";
  }
  return 0;
}
