// Fuzz target: the value readers of validation and mappings (cxm_ts, cxm_int, cxm_double,
// cxm_bool in ingest/loader.cpp) on any text: NULL or a value, never a crash or a failed query;
// a whole number is one that the same text, trimmed, spells in digits.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/check.h"
#include "ingest/loader.h"
#include "store/store.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static std::unique_ptr<cxm::store::Store> store = [] {
    cxm::Result<cxm::store::Store> opened = cxm::store::Store::Open(":memory:", {.threads = 1});
    CXM_CHECK(opened.has_value()) << opened.error().ToString();
    auto owned = std::make_unique<cxm::store::Store>(std::move(opened).value());
    CXM_CHECK(cxm::ingest::Loader::Create(owned.get(), {}).has_value()) << "helpers";
    return owned;
  }();
  static cxm::store::Statement read = [] {
    cxm::Result<cxm::store::Statement> prepared = store->connection().Prepare(
        "SELECT CAST(cxm_ts($1) AS VARCHAR), cxm_int($1), cxm_double($1), cxm_bool($1), "
        "regexp_full_match(trim($1), '[+-]?[0-9]+(\\.0+)?')");
    CXM_CHECK(prepared.has_value()) << prepared.error().ToString();
    return std::move(prepared).value();
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (!read.Bind(1, text).ok()) return 0;  // not UTF-8: DuckDB refuses it as a value
  cxm::Result<cxm::store::QueryResult> result = read.Execute();
  if (!result.has_value()) {
    // Only text that is not valid UTF-8 may be refused; anything else must read or be NULL.
    CXM_CHECK(result.error().message().find("UTF") != std::string::npos) << result.error().ToString();
    return 0;
  }
  const auto rows = result->AllRowsAsText();
  CXM_CHECK(rows.size() == 1) << "one row";
  const bool is_whole = rows[0][4].has_value() && *rows[0][4] == "true";
  CXM_CHECK(!rows[0][1].has_value() || is_whole) << "cxm_int read '" << text << "', which is not plain digits";
  return 0;
}
