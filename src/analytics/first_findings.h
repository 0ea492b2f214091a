// FirstFindings: what `cxm demo` reports about a store whose texts are scored — relationship
// NPS with its 95% CI, whether remembered (peak-end) experience explains post-contact CSAT
// better than the average of the conversation, churn after each kind of failure, the recovery
// paradox (no failure / good / poor recovery) and the delivery gap. Each is one SQL query over
// the canonical tables and text_emotions; statistics cite their sources in first_findings.cpp.
//
// The full analytics (interaction_experience, customer_state, moments of truth with joint
// models, key drivers) are cxm analyze and its commands; these are the demo's first look.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "store/duckdb.h"

namespace cxm::analytics {

struct Finding {
  std::string title;    // "Recovery paradox"
  std::string summary;  // one or two plain sentences with the numbers
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

struct FindingOptions {
  double negativity_lambda = 2.0;  // weight of negative moments when picking the peak (SPEC §4.3)
  int horizon_days = 180;          // churn is counted this long after the reference event
};

Result<std::vector<Finding>> FirstFindings(store::Connection& connection, const FindingOptions& options);

// Wilson score interval of a proportion (Wilson 1927), as {low, high}.
std::pair<double, double> WilsonInterval(double successes, double trials, double z = 1.959964);
// NPS in points and its 95% CI half-width: the variance of (promoter - detractor) indicators,
// (p + d - (p - d)^2) / n.
std::pair<double, double> NetPromoterScore(double promoters, double detractors, double answers);

// A markdown report of the findings, for DIR/report.md.
std::string FindingsMarkdown(const std::string& title, const std::vector<std::string>& preamble,
                             const std::vector<Finding>& findings);

}  // namespace cxm::analytics
