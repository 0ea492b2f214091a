// Delivery gap (SPEC §4.7): what the company believes per touchpoint (self_assessment) against
// what customers say (CSAT top-2), with the 95% CI of the latter.
#include <cmath>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/registry.h"
#include "analytics/statistics.h"
#include "common/strings.h"

namespace cxm::analytics {

Result<std::vector<Finding>> RunGap(AnalysisContext& context) {
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(context.engine, "gap.touchpoints", R"sql(
    WITH believed AS (
      SELECT touchpoint, arg_max(believed_value, ts) AS believed FROM self_assessment
      WHERE metric = 'csat_top2_pct' GROUP BY 1)
    SELECT b.touchpoint, b.believed, count(f.csat), count(*) FILTER (WHERE f.csat >= 4)
    FROM believed b LEFT JOIN feedback f ON f.touchpoint = b.touchpoint AND f.kind = 'survey' AND f.csat IS NOT NULL
    GROUP BY ALL ORDER BY b.touchpoint)sql"));
  Finding finding{.key = "delivery_gap", .title = "Delivery gap: what the company believes vs what customers say"};
  finding.columns = {TextColumn("touchpoint"), NumberColumn("believed_csat_top2_pct", 1, "%"),
                     PercentColumn("actual_csat_top2_pct"), PercentColumn("actual_low"), PercentColumn("actual_high"),
                     PointsColumn("gap_pts"), IntegerColumn("answers"), TextColumn("note")};
  std::string widest;
  double widest_gap = -1e9;
  std::vector<std::string> small;
  for (std::size_t row = 0; row < frame.RowCount(); ++row) {
    const double believed = frame.Number(1, row);
    const Estimate actual = ProportionEstimate(frame.Number(3, row), frame.Number(2, row));
    const double gap = believed - 100 * actual.value;
    const bool is_outside = believed > 100 * actual.high || believed < 100 * actual.low;
    const std::string touchpoint = frame.Text(0, row);
    finding.rows.push_back({touchpoint, Num(believed), Pct(actual.value), Pct(actual.low), Pct(actual.high), Num(gap),
                            Int(actual.n),
                            std::string(actual.is_small ? "small group" : (is_outside ? "belief outside the 95% CI" : ""))});
    if (actual.is_small) small.push_back(touchpoint);
    if (!actual.is_small && std::isfinite(gap) && gap > widest_gap) {
      widest_gap = gap;
      widest = touchpoint;
    }
  }
  finding.summary = widest.empty() ? "No self-assessment with enough survey answers to compare."
                                   : fmt::format("The company overrates {} most: {:.1f} points above what customers report.",
                                                 widest, widest_gap);
  if (!small.empty()) {
    finding.diagnostics.push_back({"small_group", "Too few survey answers to compare with the belief at: " +
                                                      Join(small, ", ") + "."});
  }
  if (frame.RowCount() == 0) {
    finding.diagnostics.push_back({"missing_values", "No self_assessment rows with metric csat_top2_pct."});
  }
  return std::vector<Finding>{std::move(finding)};
}

}  // namespace cxm::analytics
