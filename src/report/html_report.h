// The self-contained HTML report (`cxm report`, and the end of `cxm demo`): every analysis of
// analytics/analyses.h over the store, an executive summary in plain sentences, and the charts,
// in one file with its data, script (ECharts included) and styles inline: readable offline.
#pragma once

#include <string>
#include <vector>

#include "analytics/analyses.h"
#include "analytics/finding.h"
#include "common/status.h"
#include "store/duckdb.h"

namespace cxm::report {

struct ReportContent {
  std::string title;
  std::string subtitle;
  std::vector<std::string> executive_summary;
  std::vector<analytics::Finding> findings;
};

// Runs every analysis. Needs the derived tables of `cxm analyze`.
Result<ReportContent> BuildReport(store::Connection& connection, const analytics::AnalysisOptions& options,
                                  const std::string& title);

// The HTML document. Embedded text cannot close the <script> elements it sits in.
std::string RenderHtml(const ReportContent& content);

}  // namespace cxm::report
