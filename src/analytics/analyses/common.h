// What the analyses under analyses/ share: running a named query, the touchpoints of the store,
// the calibrated-experience CTEs, and the small-group threshold.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analytics/context.h"
#include "analytics/finding.h"
#include "common/status.h"
#include "store/engine.h"

namespace cxm::analytics {

inline constexpr int kSmallGroup = 30;

inline Result<store::Frame> Run(store::Engine& engine, std::string name, std::string sql,
                                std::vector<store::Parameter> parameters = {}) {
  return engine.Run({.name = std::move(name), .sql = std::move(sql), .parameters = std::move(parameters)});
}

// Every column of `frame` as numbers (NaN = NULL). REQUIRES: numeric columns.
std::vector<std::vector<double>> NumberColumns(const store::Frame& frame);

// Whether `table` holds any row.
Result<bool> HasRowsIn(store::Engine& engine, const std::string& table);

// The touchpoints interactions name, sorted.
Result<std::vector<std::string>> Touchpoints(store::Engine& engine);

// Common-table expressions (to follow a WITH) defining `calibrated_experience` and
// `experience_cell`: the rows of interaction_experience with `remembered` (and `experienced`)
// mapped onto the customers' own rating scale. Evidence types are read on different scales —
// the emotion engine's valence is compressed, a CSAT of 1..5 maps to -1..1 — so before they are
// summed or compared across touchpoints, each engine-read type is regressed onto the CSAT the
// same customers gave the same interaction ((csat - 3) / 2): regression calibration, which keeps
// the downstream regressions unbiased.
extern const char* const kCalibratedExperienceCtes;

// Transactions whose amounts cannot be converted to the reporting currency (no rate in
// currency_rates), as a diagnostic for the findings that sum money; nullopt when all convert.
Result<std::optional<Diagnostic>> UnconvertedAmounts(store::Engine& engine, const RunSettings& settings);

}  // namespace cxm::analytics
