#include "analytics/registry.h"

#include <algorithm>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/attributes.h"
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
       .parameters = {{.name = "from", .help = "table or view with one row per respondent (default: the store's "
                                               "attributes, or without --outcome customers' remembered score per "
                                               "touchpoint against their latest NPS)"},
                      {.name = "outcome", .help = "what to explain: churn, a numeric attribute (a 0/1 flag or a "
                                                  "score), or with --from a numeric column"},
                      {.name = "attributes", .type = Type::kList,
                       .help = "drivers: attributes or columns (default: all other numeric ones)"},
                      {.name = "na_code", .type = Type::kNumber,
                       .help = "a value meaning 'not applicable' in every driver (never in the outcome)"},
                      {.name = "keep_suspects", .type = Type::kSwitch,
                       .help = "rank likely leakage too (marked) instead of setting it aside"}},
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
       .description = "NPS, CSAT, CES (or the rate or mean of any outcome) by any dimensions or attributes, with "
                      "95% CIs and tests",
       .parameters = {{.name = "by", .type = Type::kList,
                       .help = "dimensions, comma-separated: failure, an attribute the mapping declared, or",
                       .choices = MetricDimensions(), .choice_noun = "dimension", .takes_attributes = true},
                      {.name = "where", .type = Type::kFilter,
                       .help = "filter over the dimensions, e.g. \"language = 'sv' AND month >= '2024-03'\"",
                       .choices = MetricDimensions(), .takes_attributes = true},
                      {.name = "outcome", .type = Type::kText,
                       .help = "instead of NPS/CSAT/CES: churn, or a numeric attribute (a 0/1 flag gives a rate)"}},
       .uses_settings = false, .run = RunMetrics},
  };
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
  // Parameters that take attributes accept the store's attribute names (and failure) too.
  std::vector<std::string> attribute_names;
  if (std::any_of(spec.parameters.begin(), spec.parameters.end(),
                  [](const ParameterSpec& parameter) { return parameter.takes_attributes; })) {
    CXM_ASSIGN_OR_RETURN(const std::vector<AttributeInfo> attributes, ReadAttributes(engine));
    attribute_names = AttributeNames(attributes);
    attribute_names.insert(attribute_names.begin(), "failure");
  }
  const auto choices_of = [&](const ParameterSpec& parameter) {
    std::vector<std::string> choices = parameter.choices;
    if (parameter.takes_attributes) choices.insert(choices.end(), attribute_names.begin(), attribute_names.end());
    return choices;
  };
  for (const ParameterSpec& parameter : spec.parameters) {
    if (parameter.type != Type::kList || parameter.choices.empty()) continue;
    const std::vector<std::string> choices = choices_of(parameter);
    for (const std::string& value : arguments.List(parameter.name)) {
      if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
        return Status::InvalidArgument(fmt::format("--{} {}: not a {}; use one of {}", parameter.name, value,
                                                   parameter.choice_noun, Join(choices, ", ")));
      }
    }
  }
  for (const ParameterSpec& parameter : spec.parameters) {
    if (parameter.type == Type::kFilter) CXM_TRY(ParseFilter(arguments.Text(parameter.name), choices_of(parameter)).error());
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
    CXM_ASSIGN_OR_RETURN(const bool has_rows, HasRowsIn(engine, table));
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
