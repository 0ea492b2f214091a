// Remembered vs experienced (SPEC §4.3): does the remembered (peak-end) score predict what
// customers do better than the mean of the experience? And memory (decayed, λ-weighted)?
#include <cmath>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "analytics/registry.h"
#include "analytics/statistics.h"

namespace cxm::analytics {
namespace {

constexpr const char* kConversationSql = R"sql(
    SELECT e.remembered, e.experienced, avg(f.csat)::DOUBLE
    FROM interaction_experience e JOIN feedback f ON f.interaction_id = e.interaction_id AND f.csat IS NOT NULL
    WHERE e.evidence = 'conversation' AND e.evidence_count >= 2 GROUP BY e.interaction_id, e.remembered, e.experienced)sql";

// Customers: their remembered and experienced scores before the reference date against what
// they did within the horizon after it.
constexpr const char* kCustomersSql = R"sql(
    WITH {calibrated},
    bounds AS (SELECT s.*, {reference} AS as_of FROM {settings}),
    before AS (
      SELECT e.customer_id, avg(e.remembered) AS remembered, avg(e.experienced) AS experienced,
             sum({memory_term}) AS memory
      FROM calibrated_experience e CROSS JOIN bounds b WHERE e.ts < b.as_of GROUP BY 1),
    churned AS (SELECT customer_id, min(ts) AS churn_ts FROM churn GROUP BY 1),
    after AS (
      SELECT bf.customer_id,
             (ch.churn_ts IS NOT NULL AND ch.churn_ts < b.as_of + b.horizon)::DOUBLE AS churned,
             (SELECT count(*) FROM interactions p WHERE p.customer_id = bf.customer_id AND {is_purchase}
                AND p.ts >= b.as_of AND p.ts < b.as_of + b.horizon) > 0 AS repurchased,
             (SELECT arg_max(f.nps, f.ts) FROM feedback f WHERE f.customer_id = bf.customer_id AND f.nps IS NOT NULL
                AND f.ts >= b.as_of AND f.ts < b.as_of + b.horizon) AS nps
      FROM before bf CROSS JOIN bounds b LEFT JOIN churned ch USING (customer_id)
      WHERE ch.churn_ts IS NULL OR ch.churn_ts >= b.as_of)
    SELECT bf.remembered, bf.experienced, bf.memory, a.churned, a.repurchased::DOUBLE, a.nps::DOUBLE
    FROM before bf JOIN after a USING (customer_id))sql";

}  // namespace

Result<std::vector<Finding>> RunMemory(AnalysisContext& context) {
  const RunSettings& settings = context.settings;
  Finding finding{.key = "memory", .title = "Remembered vs experienced"};
  finding.columns = {TextColumn("outcome"), TextColumn("measure"), IntegerColumn("observations"),
                     NumberColumn("remembered", 3), NumberColumn("experienced", 3), NumberColumn("memory", 3),
                     TextColumn("better")};
  CXM_ASSIGN_OR_RETURN(const store::Frame conversation_frame, Run(context.engine, "memory.conversations",
                                                                  kConversationSql));
  const std::vector<std::vector<double>> conversation = NumberColumns(conversation_frame);
  int remembered_wins = 0, comparisons = 0;
  auto add = [&](const std::string& outcome, const std::string& measure, std::size_t n, double remembered,
                 double experienced, double memory) {
    const bool is_comparable = std::isfinite(remembered) && std::isfinite(experienced);
    const bool is_better = remembered > experienced;
    if (is_comparable) {
      ++comparisons;
      remembered_wins += is_better ? 1 : 0;
    }
    finding.rows.push_back({outcome, measure, Int(static_cast<double>(n)), Num(remembered), Num(experienced),
                            Num(memory), std::string(!is_comparable ? "" : (is_better ? "remembered" : "experienced"))});
  };
  constexpr std::size_t kMinimum = 10;
  if (!conversation.empty() && conversation[0].size() >= kMinimum) {
    add("CSAT after the conversation", "Pearson r", conversation[0].size(), Pearson(conversation[0], conversation[2]),
        Pearson(conversation[1], conversation[2]), NAN);
  } else {
    finding.diagnostics.push_back({"not_enough_data", fmt::format("Fewer than {} conversations with two or more "
                                                                  "customer turns and a CSAT answer.", kMinimum)});
  }
  CXM_ASSIGN_OR_RETURN(const std::vector<std::string> purchases, TouchpointsOfRole(context.engine, kPurchaseRole));
  std::vector<store::Parameter> parameters;
  const std::string is_purchase = InSql("p.touchpoint", purchases, parameters);
  CXM_ASSIGN_OR_RETURN(const store::Frame customers_frame, Run(context.engine, "memory.customers",
      fmt::format(fmt::runtime(kCustomersSql), fmt::arg("calibrated", kCalibratedExperienceCtes),
                  fmt::arg("reference", ReferenceDateSql()), fmt::arg("settings", SettingsRelationSql()),
                  fmt::arg("memory_term", MemoryTermSql("e.remembered", "b.as_of", "e.ts", "b")),
                  fmt::arg("is_purchase", is_purchase)),
      parameters));
  const std::vector<std::vector<double>> customers = NumberColumns(customers_frame);
  if (!customers.empty() && customers[0].size() >= kMinimum) {
    const std::size_t n = customers[0].size();
    auto negated = [](std::vector<double> values) {
      for (double& value : values) value = -value;
      return values;
    };
    add(fmt::format("churn within {} days", settings.horizon_days), "AUC", n, Auc(negated(customers[0]), customers[3]),
        Auc(negated(customers[1]), customers[3]), Auc(negated(customers[2]), customers[3]));
    add(fmt::format("repurchase within {} days", settings.horizon_days), "AUC", n, Auc(customers[0], customers[4]),
        Auc(customers[1], customers[4]), Auc(customers[2], customers[4]));
    std::size_t answered = 0;
    for (double value : customers[5]) answered += std::isnan(value) ? 0 : 1;
    add(fmt::format("next NPS answer within {} days", settings.horizon_days), "Pearson r", answered,
        Pearson(customers[0], customers[5]), Pearson(customers[1], customers[5]), Pearson(customers[2], customers[5]));
    if (answered < kSmallGroup) {
      finding.diagnostics.push_back({"small_group", fmt::format("{} customers answered NPS within the horizon: the "
                                                                "NPS comparison is uncertain.", answered)});
    }
  } else {
    finding.diagnostics.push_back({"not_enough_data", fmt::format("Fewer than {} customers with scored "
                                                                  "interactions before the reference date.", kMinimum)});
  }
  finding.summary = comparisons == 0
                        ? "Not enough scored interactions with outcomes to compare; run cxm analyze."
                        : fmt::format("Remembered (peak-end) experience predicts {} of {} outcomes better than the "
                                      "average of the experience; 'memory' adds decay and the weight of bad moments.",
                                      remembered_wins, comparisons);
  return std::vector<Finding>{std::move(finding)};
}

}  // namespace cxm::analytics
