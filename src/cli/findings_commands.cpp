// The analysis commands that take only the common options (journeys, moments, loyalty,
// recovery, gap, memory): each reads the store and prints its findings. They differ only in
// the analysis they call, so they share one registration here; metrics and drivers, which have
// their own options, have their own files.
#include <iostream>

#include "analytics/analyses.h"
#include "cli/commands.h"
#include "cli/finding_output.h"
#include "store/store.h"

namespace cxm::cli {
namespace {

using Analysis = std::function<Result<std::vector<analytics::Finding>>(store::Connection&, const analytics::AnalysisOptions&)>;

Result<std::vector<analytics::Finding>> AsList(Result<analytics::Finding> result) {
  if (!result.has_value()) return result.error();
  return std::vector<analytics::Finding>{std::move(*result)};
}
Result<std::vector<analytics::Finding>> AsList(Result<std::vector<analytics::Finding>> result) { return result; }

// Adapts an analysis, with or without options, returning one finding or several.
template <typename Function>
Analysis Adapt(Function function) {
  return [function](store::Connection& connection, const analytics::AnalysisOptions& options) {
    if constexpr (std::is_invocable_v<Function, store::Connection&, const analytics::AnalysisOptions&>) {
      return AsList(function(connection, options));
    } else {
      return AsList(function(connection));
    }
  };
}

Command AddFindingCommand(CLI::App& app, const std::string& name, const std::string& description, Analysis analysis) {
  struct Options {
    analytics::AnalysisOptions analysis;
    std::string format = "table";
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(name, description);
  command->add_option("--format", options->format, "table, csv or json")->capture_default_str();
  command->add_option("--lambda", options->analysis.negativity_lambda, "weight of negative moments")->capture_default_str();
  command->add_option("--half-life", options->analysis.memory_half_life_days, "memory half-life in days")
      ->capture_default_str()->check(CLI::PositiveNumber);
  command->add_option("--horizon", options->analysis.horizon_days, "days after the reference date that count as later")
      ->capture_default_str()->check(CLI::PositiveNumber);
  return {command, [options, analysis](const GlobalOptions& global) -> Status {
    CXM_ASSIGN_OR_RETURN(const OutputFormat format, ParseOutputFormat(options->format));
    CXM_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(global.db_path, {.mode = store::Store::Mode::kReadOnly}));
    CXM_ASSIGN_OR_RETURN(const std::vector<analytics::Finding> findings, analysis(store.connection(), options->analysis));
    WriteFindings(std::cout, findings, format);
    return Status::Ok();
  }};
}

}  // namespace

std::vector<Command> AddFindingCommands(CLI::App& app) {
  return {
      AddFindingCommand(app, "journeys", "journey map: touchpoints, flows ending in churn, emotions per touchpoint",
                        Adapt(analytics::Journeys)),
      AddFindingCommand(app, "moments", "moments of truth: touchpoints ranked by their joint effect on churn, repurchase and NPS",
                        Adapt(analytics::Moments)),
      AddFindingCommand(app, "loyalty", "loyalty quadrants: behaviour x attitude, revenue at risk", Adapt(analytics::Loyalty)),
      AddFindingCommand(app, "recovery", "service recovery: the paradox test and the justice dimensions",
                        Adapt(analytics::Recovery)),
      AddFindingCommand(app, "gap", "delivery gap: self-assessment vs what customers say", Adapt(analytics::Gap)),
      AddFindingCommand(app, "memory", "does remembered experience predict outcomes better than experienced?",
                        Adapt(analytics::Memory)),
  };
}

}  // namespace cxm::cli
