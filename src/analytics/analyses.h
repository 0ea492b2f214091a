// The analyses a CX team reads (SPEC §4.3–4.7, §4.11), over the canonical tables and the
// derived ones `cxm analyze` writes (text_emotions, interaction_experience, customer_state).
// Each returns Findings: a plain-sentence summary and a table, printable and serialisable.
//
//   Metrics   NPS, CSAT, CES, NKI by any dimensions with 95% CIs and tests between groups
//   Journeys  per touchpoint: volume, remembered score, negative endings, failures, effort;
//             step-by-step transitions ending in churn (a Sankey); emotion mix per touchpoint
//   Moments   moments of truth: each touchpoint's remembered experience against later churn,
//             repurchase and NPS, estimated jointly, with CIs and the value at stake
//   Drivers   key-driver analysis: relative weights and Shapley importance x performance
//   Loyalty   behavioural x attitudinal quadrants, revenue and revenue at risk
//   Recovery  the recovery paradox (no failure / good / poor recovery) with effect sizes and
//             p-values; which justice dimension drives satisfaction with the recovery
//   Gap       what the company believes per touchpoint against what customers say
//   Memory    does remembered (peak-end) predict outcomes better than experienced (mean)?
#pragma once

#include <string>
#include <vector>

#include "analytics/finding.h"
#include "common/status.h"
#include "store/duckdb.h"

namespace cxm::analytics {

struct AnalysisOptions {
  double negativity_lambda = 2.0;
  double memory_half_life_days = 180;
  int horizon_days = 180;  // "later" outcomes are counted this long after the reference date
};

struct MetricsRequest {
  std::vector<std::string> by;  // dimension names, see MetricDimensions()
  std::string where;            // optional SQL condition over the dimension columns
};
// The dimensions Metrics groups by.
const std::vector<std::string>& MetricDimensions();
Result<Finding> Metrics(store::Connection& connection, const MetricsRequest& request);

Result<std::vector<Finding>> Journeys(store::Connection& connection);
Result<std::vector<Finding>> Moments(store::Connection& connection, const AnalysisOptions& options);

struct DriversRequest {
  std::string from;                     // a table or view of the store; empty: customers'
                                        // remembered score per touchpoint against their NPS
  std::string outcome;                  // a numeric column of `from`
  std::vector<std::string> attributes;  // numeric columns; empty: all other numeric columns
  std::optional<double> not_applicable_code;  // a value that means "not applicable": missing
};
Result<Finding> Drivers(store::Connection& connection, const DriversRequest& request);

Result<Finding> Loyalty(store::Connection& connection);
Result<std::vector<Finding>> Recovery(store::Connection& connection, const AnalysisOptions& options);
Result<Finding> Gap(store::Connection& connection);
Result<Finding> Memory(store::Connection& connection, const AnalysisOptions& options);
// Redacted customer quotes behind the findings (worst delivery moments, recoveries, reviews).
Result<Finding> Quotes(store::Connection& connection);

}  // namespace cxm::analytics
