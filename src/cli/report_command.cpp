#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "common/strings.h"
#include "report/html_report.h"
#include "store/store.h"

namespace cxm::cli {

// One self-contained HTML file with every analysis, its charts and an executive summary.
Command AddReportCommand(CLI::App& app) {
  struct Options {
    analytics::AnalysisOptions analysis;
    std::string out_path = "report.html";
    std::string title = "cxm: customer experience report";
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("report", "write one self-contained HTML report (charts inline, works offline)");
  command->add_option("--out", options->out_path, "output file")->capture_default_str();
  command->add_option("--title", options->title, "report title")->capture_default_str();
  command->add_option("--lambda", options->analysis.negativity_lambda, "weight of negative moments")->capture_default_str();
  command->add_option("--horizon", options->analysis.horizon_days, "days that count as later")->capture_default_str();
  return {command, [options](const GlobalOptions& global) -> Status {
    CXM_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(global.db_path, {.mode = store::Store::Mode::kReadOnly}));
    CXM_ASSIGN_OR_RETURN(const report::ReportContent content,
                         report::BuildReport(store.connection(), options->analysis, options->title));
    CXM_TRY(WriteWholeFileAtomically(options->out_path, report::RenderHtml(content)));
    std::cout << fmt::format("Report: {} ({} findings)\n", options->out_path, content.findings.size());
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
