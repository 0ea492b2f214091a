// Loyalty (SPEC §4.6): behavioural x attitudinal quadrants from customer_state, their revenue
// and the revenue at risk in spurious loyalty.
#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/registry.h"

namespace cxm::analytics {

Result<std::vector<Finding>> RunLoyalty(AnalysisContext& context) {
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(context.engine, "loyalty.quadrants", fmt::format(R"sql(
    SELECT quadrant, count(*), sum(revenue), avg(expected_nps), avg(behavioural),
           count(*) FILTER (WHERE churn_ts IS NOT NULL), count(*) / sum(count(*)) OVER (),
           sum(revenue) / sum(sum(revenue)) OVER (),
           count(*) FILTER (WHERE quadrant_confidence = 'confident') / count(*)
    FROM customer_state CROSS JOIN {} GROUP BY quadrant
    ORDER BY list_position(['true_loyalty', 'latent', 'spurious', 'no_loyalty', 'unknown'], quadrant))sql",
                                                                           SettingsRelationSql())));
  const std::string& currency = context.settings.currency;
  Finding finding{.key = "loyalty", .title = "Loyalty: behaviour x attitude"};
  finding.columns = {TextColumn("quadrant"), IntegerColumn("customers"), PercentColumn("share_pct"),
                     MoneyColumnOf("revenue", currency), PercentColumn("revenue_share_pct"),
                     NumberColumn("mean_expected_nps", 2), NumberColumn("mean_behavioural", 2),
                     PercentColumn("churned_pct"), PercentColumn("confident_pct")};
  double spurious_revenue = 0, spurious_customers = 0, confident = 0, customers = 0, unknown = 0;
  for (std::size_t row = 0; row < frame.RowCount(); ++row) {
    auto number = [&](std::size_t column) { return frame.Number(column, row); };
    finding.rows.push_back({frame.Text(0, row), Int(number(1)), Pct(number(6)), Num(number(2)), Pct(number(7)),
                            Num(number(3)), Num(number(4)), Pct(number(5) / number(1)), Pct(number(8))});
    confident += number(8) * number(1);
    customers += number(1);
    if (frame.Text(0, row) == "unknown") unknown = number(1);
    if (frame.Text(0, row) == "spurious") {
      spurious_revenue = number(2);
      spurious_customers = number(1);
    }
  }
  if (customers > 0 && unknown == customers) {
    finding.summary = fmt::format(
        "Too few NPS answers to learn attitudinal loyalty from, so none of the {:.0f} customers has a quadrant: "
        "attitude is unknown (behaviour alone is in customer_state.behavioural).", customers);
  } else {
    finding.summary = fmt::format(
        "{:.0f} customers buy often but would not recommend us (spurious loyalty, held by inertia): {:.0f}{} of "
        "revenue at risk to a competitor. {:.0f}% of customers sit clearly inside their quadrant; the others are near "
        "a cut-off given what they said and bought.", spurious_customers, spurious_revenue, currency.empty() ? "" : " " + currency,
        customers > 0 ? 100 * confident / customers : 0.0);
  }
  CXM_ASSIGN_OR_RETURN(const std::optional<Diagnostic> unconverted,
                       UnconvertedAmounts(context.engine, context.settings));
  if (unconverted) finding.diagnostics.push_back(*unconverted);
  if (unknown > 0) {
    finding.diagnostics.push_back({"missing_values", fmt::format("{:.0f} of {:.0f} customers have no NPS answer and "
                                                                 "no model to estimate one: their quadrant is "
                                                                 "'unknown', not assumed.", unknown, customers)});
  }
  if (customers > unknown && confident / customers < 0.5) {
    finding.diagnostics.push_back({"uncertain", fmt::format("Only {:.0f}% of customers sit clearly inside their "
                                                            "quadrant: read the quadrant sizes as estimates.",
                                                            100 * confident / customers)});
  }
  return std::vector<Finding>{std::move(finding)};
}

}  // namespace cxm::analytics
