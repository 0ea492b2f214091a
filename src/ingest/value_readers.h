// The SQL value readers that validation and mapping expressions use (docs/mapping.md):
// cxm_ts(x) any accepted timestamp -> UTC TIMESTAMP, cxm_int(x) plain whole numbers,
// cxm_double(x) decimals with '.' or ',', cxm_bool(x) yes/no in the five languages, cxm_utc(tstz).
// Each returns NULL for a value it cannot read, which validation turns into a reject. They are
// TEMP macros: defined per connection, never stored.
#pragma once

#include <string>

namespace cxm::ingest {

// Every reader, with cxm_ts for UTC.
std::string HelperMacrosSql();

// cxm_ts redefined for a source's zone (an IANA name DuckDB knows: check it first; "" = UTC).
// The store's configuration is locked (store.h), so a zone cannot be SET for the session.
std::string TimestampMacroSql(const std::string& zone);

}  // namespace cxm::ingest
