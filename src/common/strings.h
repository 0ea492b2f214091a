// Small string helpers shared by every layer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cxm {

std::string ToLower(std::string_view text);  // ASCII only
std::string_view Trim(std::string_view text);
std::vector<std::string> Split(std::string_view text, char separator);
std::string Join(const std::vector<std::string>& parts, std::string_view separator);

// "name" with embedded quotes doubled: for identifiers that come from our own catalogue or a
// mapping file, never for data values (those are bound as parameters).
std::string QuoteIdentifier(std::string_view identifier);

// 'text' with embedded quotes doubled. Only for values DuckDB cannot take as a parameter
// (e.g. SET statements); data values are always bound.
std::string QuoteLiteral(std::string_view text);

// A JSON string literal for any UTF-8 text. '<' is escaped too, so the JSON can sit inside an
// HTML <script> element without ever closing it.
std::string JsonQuote(std::string_view text);

// Reads a whole file; NotFound or Io with the path in the message.
Result<std::string> ReadWholeFile(const std::string& path);

// Publishes `contents` as `path` whole: written to a temporary file beside it, flushed to disk,
// then renamed over it. A process killed at any moment leaves the previous file or the new one,
// never a truncated one. Io with the path and the system's reason on failure (the temporary
// file is removed).
Status WriteWholeFileAtomically(const std::string& path, std::string_view contents);

}  // namespace cxm
