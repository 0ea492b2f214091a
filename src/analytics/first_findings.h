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

#include "analytics/finding.h"
#include "analytics/statistics.h"
#include "common/status.h"
#include "store/duckdb.h"

namespace cxm::analytics {

struct FindingOptions {
  double negativity_lambda = 2.0;  // weight of negative moments when picking the peak (SPEC §4.3)
  int horizon_days = 180;          // churn is counted this long after the reference event
};

Result<std::vector<Finding>> FirstFindings(store::Connection& connection, const FindingOptions& options);

// A markdown report of the findings, for DIR/report.md.
std::string FindingsMarkdown(const std::string& title, const std::vector<std::string>& preamble,
                             const std::vector<Finding>& findings);

}  // namespace cxm::analytics
