#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "common/strings.h"
#include "report/html_report.h"
#include "store/duckdb_engine.h"
#include "store/store.h"

namespace cxm::cli {

// One self-contained HTML file with every analysis, its charts and an executive summary, with the
// settings the last `cxm analyze` stored.
Command AddReportCommand(CLI::App& app) {
  struct Options {
    std::string out_path = "report.html";
    std::string title = "cxm: customer experience report";
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("report", "write one self-contained HTML report (charts inline, works offline)");
  command->add_option("--out", options->out_path, "output file")->capture_default_str();
  command->add_option("--title", options->title, "report title")->capture_default_str();
  return {command, [options](const GlobalOptions& global) -> Status {
    CXM_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(global.db_path, {.mode = store::Store::Mode::kReadOnly}));
    store::DuckDbEngine engine(store.connection());
    CXM_ASSIGN_OR_RETURN(const report::ReportContent content, report::BuildReport(engine, options->title));
    CXM_TRY(WriteWholeFileAtomically(options->out_path, report::RenderHtml(content)));
    std::cout << fmt::format("Report: {} ({} findings)\n", options->out_path, content.findings.size());
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
