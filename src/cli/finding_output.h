// Prints analysis findings as a readable table (title, summary, rows), CSV or JSON.
#pragma once

#include <ostream>
#include <vector>

#include "analytics/finding.h"
#include "cli/table_writer.h"

namespace cxm::cli {

// Table: each finding's title, summary and table. CSV: the tables one after another. JSON: one
// object keyed by each finding's key (a single finding: that finding's object).
void WriteFindings(std::ostream& out, const std::vector<analytics::Finding>& findings, OutputFormat format);

}  // namespace cxm::cli
