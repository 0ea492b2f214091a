// Assets compiled into the binary for the HTML report.
#pragma once

#include <string_view>

namespace cxm::report {

// The report's renderer: web/src/report/main.ts with ECharts, bundled by Vite (one IIFE).
std::string_view ReportScript();

}  // namespace cxm::report
