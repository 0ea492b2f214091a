// Fuzz target: PII redaction must finish on any bytes, never crash, and never grow text by more
// than its placeholders allow.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/check.h"
#include "ingest/pii_redactor.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const cxm::ingest::PiiRedactor redactor;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string redacted = redactor.Redact(text);
  // The longest placeholder, [NATIONAL_ID], replaces at least 8 characters.
  CXM_CHECK(redacted.size() <= text.size() * 2 + 16) << "redaction grew the text too much";
  return 0;
}
