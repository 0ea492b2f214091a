#include "cli/progress.h"

#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>

#include <fmt/format.h>

namespace cxm::cli {

std::string FormatCount(std::int64_t count) {
  if (count >= 10'000'000) return fmt::format("{:.1f}M", static_cast<double>(count) / 1e6);
  if (count >= 10'000) return fmt::format("{:.0f}k", static_cast<double>(count) / 1e3);
  return fmt::format("{}", count);
}

std::function<void(std::int64_t, std::int64_t)> ProgressLine(std::string_view what, std::string_view unit) {
  const bool is_terminal = isatty(STDERR_FILENO) != 0;
  const auto started = std::chrono::steady_clock::now();
  auto last_shown = std::make_shared<double>(-1.0);
  return [is_terminal, started, last_shown, label = std::string(what), noun = std::string(unit)](std::int64_t done, std::int64_t total) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // A line a second at most, and only once the step is long enough to be worth watching.
    if (done < total && (seconds < 1.0 || seconds - *last_shown < 1.0)) return;
    if (done == total && *last_shown < 0) return;
    *last_shown = seconds;
    const std::string line = fmt::format("{}: {} of {} {} ({:.0f}%), {:.0f} s", label,
                                         FormatCount(done), FormatCount(total), noun,
                                         100.0 * static_cast<double>(done) / static_cast<double>(total), seconds);
    if (is_terminal) {
      std::cerr << '\r' << line << (done == total ? "\n" : "") << std::flush;
    } else {
      std::cerr << line << '\n';
    }
  };
}

}  // namespace cxm::cli
