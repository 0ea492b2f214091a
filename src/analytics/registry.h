// The registry of analyses: each one's key, title, description, typed parameters, the data it
// requires and its run function. The CLI subcommands, `cxm report` and the HTTP API all read it;
// adding an analysis is its file under analyses/ plus one line in registry.cpp (and its chart
// in web/, if it has one).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/context.h"
#include "analytics/finding.h"
#include "common/status.h"

namespace cxm::analytics {

struct ParameterSpec {
  enum class Type { kText, kList, kNumber, kFilter, kSwitch };  // kSwitch: present or not
  std::string name;  // "by": the CLI option --by, the API's query parameter by
  Type type = Type::kText;
  std::string help;
  std::vector<std::string> choices;  // for kList / kFilter: the allowed values (dimensions)
  std::string choice_noun = "choice";  // what one choice is called in messages: "dimension"
  bool takes_attributes = false;       // the store's attribute names are choices too

  std::string Flag() const;  // the CLI option: "--na-code" for na_code
};

using AnalysisRun = std::function<Result<std::vector<Finding>>(AnalysisContext&)>;

struct AnalysisSpec {
  std::string key;    // "moments": the subcommand, the report section, the API path
  std::string title;  // "Moments of truth"
  std::string description;
  std::vector<ParameterSpec> parameters;
  // Tables that must hold rows; without them the analysis says what is missing instead of
  // running ("customer_state" implies `cxm analyze`).
  std::vector<std::string> requires_tables;
  bool in_report = true;
  // Reads the settings of `cxm analyze` (λ, half-life, horizon ...); those that do not run on a
  // store that was never analysed.
  bool uses_settings = true;
  AnalysisRun run;
};

// In the order the report shows them.
const std::vector<AnalysisSpec>& Analyses();
const AnalysisSpec* FindAnalysis(std::string_view key);

// Checks the request's arguments against the spec, the required data against the store, reads
// the stored settings (or takes `settings`, read once for several analyses, as the report does)
// and runs the analysis; every finding carries the settings it used.
Result<std::vector<Finding>> RunAnalysis(const AnalysisSpec& spec, store::Engine& engine, const Arguments& arguments,
                                         const RunSettings* settings = nullptr);

// The analyses' run functions (analyses/<key>.cpp).
Result<std::vector<Finding>> RunMetrics(AnalysisContext& context);
Result<std::vector<Finding>> RunTrend(AnalysisContext& context);
Result<std::vector<Finding>> RunJourneys(AnalysisContext& context);
Result<std::vector<Finding>> RunMoments(AnalysisContext& context);
Result<std::vector<Finding>> RunDrivers(AnalysisContext& context);
Result<std::vector<Finding>> RunLoyalty(AnalysisContext& context);
Result<std::vector<Finding>> RunRecovery(AnalysisContext& context);
Result<std::vector<Finding>> RunGap(AnalysisContext& context);
Result<std::vector<Finding>> RunMemory(AnalysisContext& context);
Result<std::vector<Finding>> RunQuotes(AnalysisContext& context);
Result<std::vector<Finding>> RunEmployeeVoice(AnalysisContext& context);

// The dimensions metrics groups and filters by.
const std::vector<std::string>& MetricDimensions();

}  // namespace cxm::analytics
