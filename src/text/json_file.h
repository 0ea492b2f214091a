// Reading the shared corpora's small JSON files (lexicons, label mappings) with simdjson.
#pragma once

#include <simdjson.h>

#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace cxm::text {

// Calls `visit(key, value)` for each field of the JSON object in `path`, stopping at the first
// error. InvalidArgument naming the file when it is not an object; NotFound when missing.
Status ForEachJsonField(const std::string& path,
                        const std::function<Status(std::string_view key, simdjson::ondemand::value value)>& visit);

}  // namespace cxm::text
