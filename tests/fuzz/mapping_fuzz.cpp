// Fuzz target: a mapping file of any content parses or fails with a Status, never crashes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ingest/mapping.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  cxm::Result<cxm::ingest::Mapping> mapping = cxm::ingest::Mapping::Parse(text, "fuzz.toml");
  if (!mapping.has_value()) (void)mapping.error().message();
  return 0;
}
