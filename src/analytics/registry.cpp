#include "analytics/registry.h"

#include <algorithm>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/filter.h"
#include "common/strings.h"

namespace cxm::analytics {
namespace {

using Type = ParameterSpec::Type;

std::vector<AnalysisSpec> BuildRegistry() {
  // In the order of the report.
  return {
      {.key = "trend", .title = "Trends by month", .description = "NPS, CSAT and CES by month, each against the month before",
       .requires_tables = {"feedback"}, .uses_settings = false, .run = RunTrend},
      {.key = "journeys", .title = "Journey map",
       .description = "journey map: touchpoints, flows ending in churn, emotions per touchpoint",
       .requires_tables = {"interactions", "customer_state"}, .run = RunJourneys},
      {.key = "moments", .title = "Moments of truth",
       .description = "moments of truth: touchpoints ranked by their joint effect on churn, repurchase and NPS",
       .requires_tables = {"interactions", "customer_state"}, .run = RunMoments},
      {.key = "drivers", .title = "Key drivers of NPS",
       .description = "key drivers of an outcome: importance (relative weights, Shapley) x performance",
       .parameters = {{.name = "from", .help = "table or view with one row per respondent (default: customers' "
                                               "remembered score per touchpoint against their latest NPS)"},
                      {.name = "outcome", .help = "numeric outcome column of --from"},
                      {.name = "attributes", .type = Type::kList, .help = "attribute columns (default: all other numeric)"},
                      {.name = "na_code", .type = Type::kNumber, .help = "value meaning 'not applicable' (missing)"}},
       .uses_settings = false, .run = RunDrivers},
      {.key = "loyalty", .title = "Loyalty: behaviour x attitude",
       .description = "loyalty quadrants: behaviour x attitude, revenue at risk",
       .requires_tables = {"customer_state"}, .run = RunLoyalty},
      {.key = "recovery", .title = "Service recovery",
       .description = "service recovery: the paradox test and the justice dimensions",
       .requires_tables = {"interactions", "customer_state"}, .run = RunRecovery},
      {.key = "gap", .title = "Delivery gap", .description = "delivery gap: self-assessment vs what customers say",
       .requires_tables = {"self_assessment", "feedback"}, .uses_settings = false, .run = RunGap},
      {.key = "memory", .title = "Remembered vs experienced",
       .description = "does remembered experience predict outcomes better than experienced?",
       .requires_tables = {"interaction_experience", "customer_state"}, .run = RunMemory},
      {.key = "employees", .title = "Employee voice: eNPS and NMI by team",
       .description = "eNPS and NMI (0-100) by team from employee_feedback, with 95% CIs and tests",
       .parameters = {{.name = "by", .type = Type::kList, .help = "team (default) or agent", .choices = {"team", "agent"},
                       .choice_noun = "grouping"}},
       .requires_tables = {"employee_feedback"}, .uses_settings = false, .run = RunEmployeeVoice},
      {.key = "quotes", .title = "What customers said", .description = "redacted customer quotes behind the findings",
       .requires_tables = {"text_emotions"}, .run = RunQuotes},
      {.key = "metrics", .title = "Metrics",
       .description = "NPS, CSAT, CES by any dimensions, with 95% CIs and tests",
       .parameters = {{.name = "by", .type = Type::kList, .help = "dimensions, comma-separated",
                       .choices = MetricDimensions(), .choice_noun = "dimension"},
                      {.name = "where", .type = Type::kFilter,
                       .help = "filter over the dimensions, e.g. \"language = 'sv' AND month >= '2024-03'\"",
                       .choices = MetricDimensions()}},
       .requires_tables = {"feedback"}, .in_report = false, .uses_settings = false, .run = RunMetrics},
  };
}

Result<bool> HasRows(store::Engine& engine, const std::string& table) {
  CXM_ASSIGN_OR_RETURN(const store::Frame exists, Run(engine, "registry.table_exists",
      "SELECT count(*) FROM information_schema.tables WHERE table_name = $1", {table}));
  if (exists.Number(0, 0) == 0) return false;
  CXM_ASSIGN_OR_RETURN(const store::Frame rows, Run(engine, "registry.table_has_rows",
                                                    fmt::format("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT 1)",
                                                                QuoteIdentifier(table))));
  return rows.Number(0, 0) > 0;
}

}  // namespace

std::string ParameterSpec::Flag() const {
  std::string flag = "--" + name;
  for (char& c : flag) c = c == '_' ? '-' : c;
  return flag;
}

const std::vector<AnalysisSpec>& Analyses() {
  static const std::vector<AnalysisSpec> kAnalyses = BuildRegistry();
  return kAnalyses;
}

const AnalysisSpec* FindAnalysis(std::string_view key) {
  for (const AnalysisSpec& spec : Analyses()) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

Result<std::vector<Finding>> RunAnalysis(const AnalysisSpec& spec, store::Engine& engine, const Arguments& arguments,
                                         const RunSettings* stored) {
  for (const ParameterSpec& parameter : spec.parameters) {
    if (parameter.type != Type::kList || parameter.choices.empty()) continue;
    for (const std::string& value : arguments.List(parameter.name)) {
      if (std::find(parameter.choices.begin(), parameter.choices.end(), value) == parameter.choices.end()) {
        return Status::InvalidArgument(fmt::format("--{} {}: not a {}; use one of {}", parameter.name, value,
                                                   parameter.choice_noun, Join(parameter.choices, ", ")));
      }
    }
  }
  for (const ParameterSpec& parameter : spec.parameters) {
    if (parameter.type == Type::kFilter) CXM_TRY(ParseFilter(arguments.Text(parameter.name), parameter.choices).error());
    if (parameter.type == Type::kNumber && arguments.Has(parameter.name) && !arguments.Number(parameter.name)) {
      return Status::InvalidArgument(fmt::format("{} {}: not a number", parameter.Flag(), arguments.Text(parameter.name)));
    }
  }
  RunSettings settings;
  if (stored != nullptr) {
    settings = *stored;
  } else if (spec.uses_settings) {
    CXM_ASSIGN_OR_RETURN(settings, ReadSettings(engine));
  }
  for (const std::string& table : spec.requires_tables) {
    CXM_ASSIGN_OR_RETURN(const bool has_rows, HasRows(engine, table));
    if (!has_rows) {
      return Status::InvalidArgument(fmt::format("{} needs rows in {}, and the store has none{}", spec.key, table,
                                                 table == "customer_state" || table == "interaction_experience" ||
                                                         table == "text_emotions"
                                                     ? " (run `cxm analyze`)"
                                                     : ""));
    }
  }
  AnalysisContext context{.engine = engine, .settings = settings, .arguments = arguments};
  CXM_ASSIGN_OR_RETURN(std::vector<Finding> findings, spec.run(context));
  if (spec.uses_settings) {
    for (Finding& finding : findings) finding.settings = DescribeSettings(settings);
  }
  return findings;
}

}  // namespace cxm::analytics
