// Employee voice (SPEC §4.4): eNPS and NMI by team (or agent) from employee_feedback, each team
// tested against all others. eNPS counts 9-10 as promoters and 0-6 as detractors, as NPS does;
// NMI (Nöjd Medarbetar-Index, the employee counterpart of NKI) puts the mean 0-10 answer on
// 0-100, the scale NKI/CSI use.
#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/registry.h"
#include "analytics/statistics.h"

namespace cxm::analytics {

Result<std::vector<Finding>> RunEmployeeVoice(AnalysisContext& context) {
  const std::string by = context.arguments.Has("by") ? context.arguments.Text("by") : "team";
  const std::string group = by == "agent" ? "f.agent_id" : "e.team";
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(context.engine, "employees.groups", fmt::format(R"sql(
    SELECT {} AS grp, count(f.enps)::DOUBLE, count(*) FILTER (WHERE f.enps >= 9)::DOUBLE,
           count(*) FILTER (WHERE f.enps <= 6)::DOUBLE, coalesce(sum(f.enps), 0)::DOUBLE,
           coalesce(sum(f.enps * f.enps), 0)::DOUBLE, count(*)::DOUBLE
    FROM employee_feedback f LEFT JOIN employees e USING (agent_id)
    GROUP BY 1 ORDER BY 1 NULLS LAST)sql", group)));
  struct Group {
    std::string name;
    double answers = 0, promoters = 0, detractors = 0, sum = 0, squares = 0, responses = 0;
  };
  std::vector<Group> groups;
  Group total{.name = "all"};
  for (std::size_t row = 0; row < frame.RowCount(); ++row) {
    Group g{frame.IsNull(0, row) ? "(none)" : frame.Text(0, row), frame.Number(1, row), frame.Number(2, row),
            frame.Number(3, row), frame.Number(4, row), frame.Number(5, row), frame.Number(6, row)};
    total.answers += g.answers;
    total.promoters += g.promoters;
    total.detractors += g.detractors;
    total.sum += g.sum;
    total.squares += g.squares;
    total.responses += g.responses;
    groups.push_back(g);
  }
  Finding finding{.key = "employees", .title = "Employee voice: eNPS and NMI by " + by};
  finding.columns = {TextColumn(by), IntegerColumn("answers"), NumberColumn("enps", 1), NumberColumn("enps_low", 1),
                     NumberColumn("enps_high", 1), NumberColumn("nmi", 1), NumberColumn("nmi_low", 1),
                     NumberColumn("nmi_high", 1), PointsColumn("enps_vs_others"), NumberColumn("enps_vs_others_p", 4),
                     TextColumn("note")};
  int small = 0;
  int significant = 0;
  for (const Group& g : groups) {
    const Estimate enps = NpsEstimate(g.promoters, g.detractors, g.answers);
    const Estimate nmi = MeanEstimate(g.sum, g.squares, g.answers);
    const Difference versus = CompareNps(total.promoters - g.promoters, total.detractors - g.detractors,
                                         total.answers - g.answers, g.promoters, g.detractors, g.answers);
    const bool is_small = g.answers < kSmallGroup;
    small += is_small ? 1 : 0;
    const bool is_significant = !is_small && versus.p_value < 0.05;
    significant += is_significant ? 1 : 0;
    finding.rows.push_back({g.name, Int(g.answers), Num(enps.value), Num(enps.low), Num(enps.high), Num(10 * nmi.value),
                            Num(10 * nmi.low), Num(10 * nmi.high), Num(versus.difference), Num(versus.p_value),
                            std::string(is_small ? "small group" : (is_significant ? "significant difference" : ""))});
  }
  const Estimate overall = NpsEstimate(total.promoters, total.detractors, total.answers);
  const Estimate overall_nmi = MeanEstimate(total.sum, total.squares, total.answers);
  finding.summary = total.answers == 0
      ? "No eNPS answers in employee_feedback."
      : fmt::format("eNPS {:+.1f} (95% CI {:+.1f} to {:+.1f}) and NMI {:.1f} of 100 across {:.0f} answers; {} of {} "
                    "{}s differ significantly (p < 0.05) from all others.", overall.value, overall.low, overall.high,
                    10 * overall_nmi.value, total.answers, significant, groups.size(), by);
  if (small > 0) {
    finding.diagnostics.push_back({"small_group", fmt::format("{} of {} {}s have fewer than {} answers: flagged, "
                                                             "not tested.", small, groups.size(), by, kSmallGroup)});
  }
  if (total.responses > total.answers) {
    finding.diagnostics.push_back({"missing_values", fmt::format("{:.0f} of {:.0f} responses carry no eNPS answer.",
                                                                 total.responses - total.answers, total.responses)});
  }
  return std::vector<Finding>{std::move(finding)};
}

}  // namespace cxm::analytics
