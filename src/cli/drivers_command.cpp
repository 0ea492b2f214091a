#include <iostream>

#include "analytics/analyses.h"
#include "cli/commands.h"
#include "cli/finding_output.h"
#include "store/store.h"

namespace cxm::cli {

// Key-driver analysis: relative weights and Shapley importance against performance.
Command AddDriversCommand(CLI::App& app) {
  struct Options {
    analytics::DriversRequest request;
    double not_applicable = 0;
    std::string format = "table";
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "drivers", "key drivers of an outcome: importance (relative weights, Shapley) x performance");
  command->add_option("--from", options->request.from,
                      "table or view with one row per respondent (default: customers' remembered score per "
                      "touchpoint against their latest NPS)");
  command->add_option("--outcome", options->request.outcome, "numeric outcome column of --from");
  command->add_option("--attributes", options->request.attributes, "attribute columns (default: all other numeric)")
      ->delimiter(',');
  CLI::Option* na = command->add_option("--na-code", options->not_applicable, "value meaning 'not applicable' (missing)");
  command->add_option("--format", options->format, "table, csv or json")->capture_default_str();
  return {command, [options, na](const GlobalOptions& global) -> Status {
    CXM_ASSIGN_OR_RETURN(const OutputFormat format, ParseOutputFormat(options->format));
    if (!options->request.from.empty() && options->request.outcome.empty()) {
      return Status::InvalidArgument("--from needs --outcome (the column to explain)");
    }
    if (na->count() > 0) options->request.not_applicable_code = options->not_applicable;
    CXM_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(global.db_path, {.mode = store::Store::Mode::kReadOnly}));
    CXM_ASSIGN_OR_RETURN(analytics::Finding finding, analytics::Drivers(store.connection(), options->request));
    WriteFindings(std::cout, {finding}, format);
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
