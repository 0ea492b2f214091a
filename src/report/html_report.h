// The self-contained HTML report (`cxm report`, and the end of `cxm demo`): every analysis of
// the registry (analytics/registry.h) that belongs in the report, over the store, an executive summary in plain sentences, and the charts,
// in one file with its data, script (ECharts included) and styles inline: readable offline.
#pragma once

#include <string>
#include <vector>

#include "analytics/finding.h"
#include "common/status.h"
#include "store/engine.h"

namespace cxm::report {

struct ReportContent {
  std::string title;
  std::string subtitle;
  std::vector<std::string> executive_summary;
  std::vector<analytics::Finding> findings;
};

// Runs every analysis of the report with the settings `cxm analyze` stored. Needs its derived
// tables; an analysis the data cannot support leaves its section with the reason.
Result<ReportContent> BuildReport(store::Engine& engine, const std::string& title);

// The HTML document. Embedded text cannot close the <script> elements it sits in.
std::string RenderHtml(const ReportContent& content);

}  // namespace cxm::report
