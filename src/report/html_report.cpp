#include "report/html_report.h"


#include <fmt/format.h>

#include "analytics/context.h"
#include "analytics/registry.h"
#include "common/strings.h"
#include "report/report_assets.h"

namespace cxm::report {
namespace {

constexpr const char* kStyle = R"css(
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2733; margin: 0; background: #f5f7fa; }
  #report { max-width: 1100px; margin: 0 auto; padding: 24px 28px 60px; }
  h1 { font-size: 28px; margin: 8px 0 0; }
  .subtitle { color: #5b6775; margin-top: 4px; }
  section { background: #fff; border-radius: 8px; padding: 18px 22px; margin: 18px 0; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  h2 { font-size: 19px; margin: 0 0 6px; }
  .summary { margin: 0 0 10px; }
  .chart { width: 100%; }
  .trend-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; }
  details summary { cursor: pointer; color: #2f6f9f; margin-top: 8px; }
  .table-wrapper { overflow-x: auto; }
  table { border-collapse: collapse; font-size: 13px; margin-top: 8px; }
  th, td { border-bottom: 1px solid #e3e8ee; padding: 4px 8px; text-align: left; white-space: nowrap; }
  td.number { text-align: right; font-variant-numeric: tabular-nums; }
  #quotes td { white-space: normal; max-width: 640px; }
  #executive-summary li { margin: 4px 0; }
  ul.diagnostics { color: #8a5a00; margin: 0 0 8px; font-size: 14px; }
  p.settings { color: #5b6775; font-size: 13px; margin: 0 0 8px; }
)css";

// Text placed inside <script> must not contain "</script" (or "<!--", which changes how HTML
// parsers read the rest of the element). JSON from JsonQuote never does ('<' is escaped); the
// bundle is checked here too.
std::string ScriptSafe(std::string_view script) {
  std::string safe;
  safe.reserve(script.size());
  for (std::size_t idx = 0; idx < script.size(); ++idx) {
    if (script.compare(idx, 8, "</script") == 0 || script.compare(idx, 4, "<!--") == 0) {
      safe += "<\\";
      continue;
    }
    safe += script[idx];
  }
  return safe;
}

}  // namespace

Result<ReportContent> BuildReport(store::Engine& engine, const std::string& title) {
  // Read once for every section; no analysis yet, or an unfinished one, stops the report here.
  CXM_ASSIGN_OR_RETURN(const analytics::RunSettings settings, analytics::ReadSettings(engine));
  ReportContent content{.title = title};
  std::vector<analytics::Finding>& findings = content.findings;
  for (const analytics::AnalysisSpec& spec : analytics::Analyses()) {
    if (!spec.in_report) continue;
    Result<std::vector<analytics::Finding>> result =
        analytics::RunAnalysis(spec, engine, analytics::Arguments{}, &settings);
    if (result.has_value()) {
      for (analytics::Finding& finding : *result) findings.push_back(std::move(finding));
      continue;
    }
    // What the data cannot support (no NPS answered twice, no attribute to weigh) leaves the
    // section with the reason; a broken query still fails the report.
    if (result.error().code() != Status::Code::kInvalidArgument) return result.error();
    findings.push_back({.key = spec.key, .title = spec.title, .summary = "Not enough data: " + result.error().message(),
                        .diagnostics = {{"not_enough_data", result.error().message()}}});
  }
  CXM_ASSIGN_OR_RETURN(const store::Frame span, engine.Run({.name = "report.span", .sql =
      "SELECT strftime(min(ts), '%Y-%m-%d'), strftime(max(ts), '%Y-%m-%d'), (SELECT count(*) FROM customers), count(*) "
      "FROM interactions"}));
  if (span.RowCount() > 0) {
    content.subtitle = fmt::format("{} customers, {} interactions, {} to {}.", span.Text(2, 0), span.Text(3, 0),
                                   span.Text(0, 0), span.Text(1, 0));
  }
  // The executive summary: each headline finding's own sentence, in the order a CX lead reads.
  for (const char* key : {"trend", "moments", "recovery_groups", "recovery_justice", "loyalty", "delivery_gap", "memory",
                          "drivers", "journey_touchpoints", "employees"}) {
    for (const analytics::Finding& finding : findings) {
      if (finding.key == key && !finding.summary.empty()) content.executive_summary.push_back(finding.summary);
    }
  }
  return content;
}

std::string RenderHtml(const ReportContent& content) {
  std::string data = fmt::format("{{\"title\":{},\"subtitle\":{},\"executive_summary\":[", JsonQuote(content.title),
                                 JsonQuote(content.subtitle));
  for (std::size_t idx = 0; idx < content.executive_summary.size(); ++idx) {
    if (idx > 0) data += ',';
    data += JsonQuote(content.executive_summary[idx]);
  }
  data += "],\"findings\":";
  data += analytics::FindingsJson(content.findings);
  data += '}';
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n<title>";
  for (const char c : content.title) {
    if (c == '<') html += "&lt;";
    else if (c == '&') html += "&amp;";
    else html += c;
  }
  html += "</title>\n<style>";
  html += kStyle;
  html += "</style>\n</head>\n<body>\n<div id=\"report\"></div>\n<script type=\"application/json\" id=\"cxm-data\">";
  html += ScriptSafe(data);
  html += "</script>\n<script>";
  html += ScriptSafe(ReportScript());
  html += "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace cxm::report
