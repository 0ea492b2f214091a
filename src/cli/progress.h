// Progress lines for long CLI steps, and compact counts ("20k", "27.6M").
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace cxm::cli {

std::string FormatCount(std::int64_t count);

// A callback (done, total) that prints "<what>: <done> of <total> <unit> (p%), s" on stderr: at
// most once a second, only once the step has run a second, in place on a terminal.
std::function<void(std::int64_t, std::int64_t)> ProgressLine(std::string_view what, std::string_view unit);

}  // namespace cxm::cli
