#include <iostream>

#include "analytics/analyses.h"
#include "cli/commands.h"
#include "cli/finding_output.h"
#include "common/strings.h"
#include "store/store.h"

namespace cxm::cli {

// NPS, CSAT, CES and CSI by any dimensions, with 95% CIs and tests between groups or periods.
Command AddMetricsCommand(CLI::App& app) {
  struct Options {
    std::vector<std::string> by;
    std::string where;
    std::string format = "table";
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("metrics", "NPS, CSAT, CES by any dimensions, with 95% CIs and tests");
  command->add_option("--by", options->by, "dimensions, comma-separated: " + Join(analytics::MetricDimensions(), ", "))
      ->delimiter(',');
  command->add_option("--where", options->where, "SQL condition over the dimensions, e.g. \"language = 'sv'\"");
  command->add_option("--format", options->format, "table, csv or json")->capture_default_str();
  return {command, [options](const GlobalOptions& global) -> Status {
    CXM_ASSIGN_OR_RETURN(const OutputFormat format, ParseOutputFormat(options->format));
    CXM_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(global.db_path, {.mode = store::Store::Mode::kReadOnly}));
    CXM_ASSIGN_OR_RETURN(analytics::Finding finding,
                         analytics::Metrics(store.connection(), {.by = options->by, .where = options->where}));
    WriteFindings(std::cout, {finding}, format);
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
