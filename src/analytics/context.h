// What every analysis runs with: the engine (store/engine.h, the only way to the store), the
// settings of the last `cxm analyze` (stored in the store, so that no two analyses or a report
// can mix them), and the arguments of the request.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analytics/finding.h"
#include "common/status.h"
#include "store/engine.h"

namespace cxm::analytics {

// The settings of a run: written by `cxm analyze` with the derived tables it builds, read by
// every analysis and the report.
struct RunSettings {
  double negativity_lambda = 2.0;  // negative moments weigh this much more (peak and memory)
  int end_window_turns = 1;        // `end` = mean of the last N customer turns
  double memory_half_life_days = 180;
  int horizon_days = 180;          // "later" outcomes are counted this long after the reference date
  std::string reference_date;      // YYYY-MM-DD; empty: the store's last interaction less the horizon
  // Reporting currency of value figures; "" at analyze: the transactions' most common currency
  // (and "" afterwards only when no transaction names one).
  std::string currency;
};

// The stored settings. InvalidArgument ("run cxm analyze") when the store has none, or when
// the derived tables were computed with others (an analyze that did not finish).
Result<RunSettings> ReadSettings(store::Engine& engine);
// As a finding lists them.
std::vector<Setting> DescribeSettings(const RunSettings& settings);

// The request's own arguments, by parameter name (see registry.h); lists hold several values.
class Arguments {
 public:
  void Set(const std::string& name, std::vector<std::string> values) { values_[name] = std::move(values); }
  bool Has(const std::string& name) const { return values_.contains(name) && !values_.at(name).empty(); }
  std::string Text(const std::string& name) const;  // "" when absent
  std::vector<std::string> List(const std::string& name) const;
  // The value as a number; nullopt when absent or not a number (RunAnalysis refuses the latter).
  std::optional<double> Number(const std::string& name) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

struct AnalysisContext {
  store::Engine& engine;
  const RunSettings& settings;
  const Arguments& arguments;
};

// The touchpoint roles analyses look touchpoints up by (table touchpoint_roles), never names.
inline constexpr const char* kPurchaseRole = "purchase";
inline constexpr const char* kSupportRole = "support";

// SQL fragments every analysis shares, so that each formula exists once.
//
// A relation `s` of the stored settings, to CROSS JOIN: s.negativity_lambda,
// s.memory_half_life_days, s.horizon_days, s.horizon (an INTERVAL), s.currency, s.reference_date.
std::string SettingsRelationSql();
// Money: an amount converts to the reporting currency (`reporting`, SQL: s.currency or a bound
// $n) only through the company's currency_rates. ConversionFactorSql is the factor for a row
// whose currency is `currency_column`, over `LEFT JOIN RatesRelationSql() ON fx.currency = ...`
// (the relation fx(currency, rate)): 1 in the reporting currency itself (an amount without a
// currency counts as the reporting currency only where the store names none), the ratio of the
// two rates otherwise, NULL without them — the amount is then left out, never taken at par.
std::string RatesRelationSql();
std::string ConversionFactorSql(const std::string& currency_column, const std::string& reporting);
// The reference date: the stored one, else the store's last interaction less the horizon.
std::string ReferenceDateSql();
// One interaction's contribution to a customer's memory at `as_of`: its remembered score,
// negative ones weighted by λ, halved every half-life (SPEC §4.3). `settings` names the relation
// holding negativity_lambda and memory_half_life_days.
std::string MemoryTermSql(const std::string& remembered, const std::string& as_of, const std::string& ts,
                          const std::string& settings = "s");
// The decay weight alone (the same half-life).
std::string DecaySql(const std::string& as_of, const std::string& ts, const std::string& settings = "s");
// The touchpoint names that play `role` (touchpoint_roles), sorted.
Result<std::vector<std::string>> TouchpointsOfRole(store::Engine& engine, const std::string& role);
// `expression IN ($k, ...)` over `names`, bound by appending them to `parameters` (FALSE for
// none). A list of constants, not a subquery: DuckDB pushes it into the scan, where an IN
// (SELECT ...) over touchpoint_roles cost moments 40% of its time and 180 MiB at 100k customers.
std::string InSql(const std::string& expression, const std::vector<std::string>& names,
                  std::vector<store::Parameter>& parameters);

}  // namespace cxm::analytics
