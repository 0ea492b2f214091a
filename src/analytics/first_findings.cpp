#include "analytics/first_findings.h"

#include <cmath>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

namespace cxm::analytics {
namespace {

using Rows = TextRows;

std::string Percent(double share) { return std::isnan(share) ? "-" : fmt::format("{:.1f}%", 100 * share); }

// Per support conversation: experienced (mean valence of the customer's turns), peak (the most
// intense turn, negative ones weighted by lambda = $1), end (the last turn) and remembered.
constexpr const char* kConversationExperience = R"sql(
  conversation AS (
    SELECT interaction_id,
           avg(valence) AS experienced,
           arg_max(valence, CASE WHEN valence < 0 THEN -$1 * valence ELSE valence END) AS peak,
           arg_max(valence, seq) AS ending,
           count(*) AS turns
    FROM text_emotions WHERE source = 'message'
    GROUP BY interaction_id HAVING count(*) >= 2),
  experience AS (
    SELECT *, greatest(-1, least(1, (peak + ending) / 2)) AS remembered FROM conversation))sql";

Result<Finding> NpsFinding(store::Connection& connection) {
  CXM_ASSIGN_OR_RETURN(const Rows rows, QueryRows(connection, R"sql(
    SELECT coalesce(c.language, '(all)'), count(*), count(*) FILTER (WHERE f.nps >= 9),
           count(*) FILTER (WHERE f.nps <= 6)
    FROM feedback f JOIN customers c USING (customer_id)
    WHERE f.nps IS NOT NULL
    GROUP BY ROLLUP (c.language) ORDER BY c.language NULLS FIRST)sql", {}));
  Finding finding{.title = "Net Promoter Score",
                  .columns = {"language", "answers", "NPS", "95% CI", "note"}};
  for (const auto& row : rows) {
    const double answers = Number(row[1]);
    const auto [nps, half_width] = NetPromoterScore(Number(row[2]), Number(row[3]), answers);
    finding.rows.push_back({Text(row[0]), Text(row[1]), fmt::format("{:+.1f}", nps),
                            fmt::format("{:+.1f} .. {:+.1f}", nps - half_width, nps + half_width),
                            answers < 100 ? "small group" : ""});
    if (Text(row[0]) == "(all)") {
      finding.summary = fmt::format(
          "Relationship NPS is {:+.1f} (95% CI {:+.1f} to {:+.1f}) from {:.0f} answers.", nps,
          nps - half_width, nps + half_width, answers);
    }
  }
  return finding;
}

Result<Finding> MemoryFinding(store::Connection& connection, const FindingOptions& options) {
  CXM_ASSIGN_OR_RETURN(const Rows rows, QueryRows(connection, fmt::format(R"sql(
    WITH {}
    SELECT count(*), corr(e.remembered, f.csat), corr(e.experienced, f.csat),
           corr(e.ending, f.csat), corr(e.peak, f.csat)
    FROM experience e JOIN feedback f ON f.interaction_id = e.interaction_id
    WHERE f.csat IS NOT NULL AND f.kind = 'survey')sql", kConversationExperience),
    {options.negativity_lambda}));
  Finding finding{.title = "Remembered vs experienced",
                  .columns = {"score of the conversation", "correlation with CSAT"}};
  if (rows.empty() || Number(rows[0][0]) < 10) {
    finding.summary = "Too few surveyed conversations with scored turns to compare.";
    return finding;
  }
  const double remembered = Number(rows[0][1]);
  const double experienced = Number(rows[0][2]);
  finding.rows = {{"remembered = (peak + end) / 2", fmt::format("{:.3f}", remembered)},
                  {"experienced = mean of the turns", fmt::format("{:.3f}", experienced)},
                  {"end (last customer turn)", fmt::format("{:.3f}", Number(rows[0][3]))},
                  {"peak (lambda-weighted)", fmt::format("{:.3f}", Number(rows[0][4]))}};
  finding.summary = fmt::format(
      "Across {} surveyed support conversations, the remembered score (peak and end of the "
      "customer's turns, as the emotion engine reads them) correlates {:.2f} with the CSAT given "
      "afterwards, the average of the conversation {:.2f}: customers rate {}.",
      Text(rows[0][0]), remembered, experienced,
      remembered > experienced ? "what they remember, not the average" : "closer to the average");
  return finding;
}

Result<Finding> FailureFinding(store::Connection& connection, const FindingOptions& options) {
  CXM_ASSIGN_OR_RETURN(const Rows rows, QueryRows(connection, R"sql(
    WITH horizon AS (SELECT max(ts) - to_days(CAST($1 AS INTEGER)) AS last_reference FROM interactions),
    first_failure AS (
      SELECT customer_id, failure, min(ts) AS reference_ts FROM interactions
      WHERE failure IS NOT NULL GROUP BY ALL),
    no_failure AS (
      SELECT customer_id, '(no failure)' AS failure, min(ts) AS reference_ts FROM interactions
      WHERE touchpoint = 'purchase' AND customer_id NOT IN (
        SELECT customer_id FROM interactions WHERE failure IS NOT NULL)
      GROUP BY ALL),
    referenced AS (SELECT * FROM first_failure UNION ALL SELECT * FROM no_failure)
    SELECT r.failure, count(*) AS customers,
           count(*) FILTER (WHERE c.ts IS NOT NULL AND c.ts <= r.reference_ts + to_days(CAST($1 AS INTEGER))) AS churned
    FROM referenced r LEFT JOIN churn c USING (customer_id), horizon
    WHERE r.reference_ts <= horizon.last_reference
    GROUP BY r.failure ORDER BY churned / customers DESC, r.failure)sql",
    {static_cast<double>(options.horizon_days)}));
  Finding finding{.title = "Failures and churn",
                  .columns = {"first failure", "customers", "churned within horizon", "95% CI"}};
  std::string worst;
  double worst_rate = -1;
  double baseline = std::nan("");
  for (const auto& row : rows) {
    const double customers = Number(row[1]);
    const double churned = Number(row[2]);
    const auto [low, high] = WilsonInterval(churned, customers);
    const double rate = churned / customers;
    finding.rows.push_back({Text(row[0]), Text(row[1]), Percent(rate),
                            fmt::format("{} .. {}", Percent(low), Percent(high))});
    if (Text(row[0]) == "(no failure)") {
      baseline = rate;
    } else if (rate > worst_rate && customers >= 30) {
      worst_rate = rate;
      worst = Text(row[0]);
    }
  }
  if (!worst.empty()) {
    finding.summary = fmt::format(
        "Within {} days of their first {}, {} of customers churn, against {} of customers "
        "without a failure (counted from their first purchase).",
        options.horizon_days, worst, Percent(worst_rate), Percent(baseline));
  }
  return finding;
}

Result<Finding> RecoveryFinding(store::Connection& connection, const FindingOptions& options) {
  CXM_ASSIGN_OR_RETURN(const Rows rows, QueryRows(connection, fmt::format(R"sql(
    WITH {},
    horizon AS (SELECT max(ts) - to_days(CAST($2 AS INTEGER)) AS last_reference FROM interactions),
    first_failure AS (
      SELECT customer_id, min(ts) AS failure_ts FROM interactions WHERE failure IS NOT NULL GROUP BY 1),
    recovery AS (
      -- Support contacts from shortly before the failure is recorded (a late parcel is chased
      -- while it is late) to two weeks after it; recovered well = resolved, and the customer's
      -- last turn reads clearly positive.
      SELECT ff.customer_id, ff.failure_ts,
             bool_or(i.outcome = 'resolved' AND e.ending >= 0.3) AS is_recovered_well
      FROM first_failure ff
      LEFT JOIN interactions i ON i.customer_id = ff.customer_id AND i.touchpoint = 'support'
           AND i.ts BETWEEN ff.failure_ts - INTERVAL 10 DAY AND ff.failure_ts + INTERVAL 14 DAY
      LEFT JOIN experience e ON e.interaction_id = i.interaction_id
      GROUP BY ALL),
    first_purchase AS (
      SELECT customer_id, min(ts) AS purchase_ts FROM interactions WHERE touchpoint = 'purchase' GROUP BY 1),
    grouped AS (
      SELECT p.customer_id, coalesce(r.failure_ts, p.purchase_ts) AS reference_ts,
             CASE WHEN r.customer_id IS NULL THEN 'no failure'
                  WHEN r.is_recovered_well THEN 'failure, recovered well'
                  ELSE 'failure, poor or no recovery' END AS recovery_group
      FROM first_purchase p LEFT JOIN recovery r USING (customer_id))
    SELECT g.recovery_group, count(*) AS customers,
           count(*) FILTER (WHERE c.ts IS NOT NULL AND c.ts <= g.reference_ts + to_days(CAST($2 AS INTEGER))) AS churned
    FROM grouped g LEFT JOIN churn c USING (customer_id), horizon
    WHERE g.reference_ts <= horizon.last_reference
    GROUP BY g.recovery_group ORDER BY churned / customers, g.recovery_group)sql", kConversationExperience),
    {options.negativity_lambda, static_cast<double>(options.horizon_days)}));
  Finding finding{.title = "Service recovery",
                  .columns = {"group", "customers", "churned within horizon", "95% CI"}};
  std::vector<std::pair<std::string, double>> rates;
  std::vector<std::pair<double, double>> intervals;
  for (const auto& row : rows) {
    const double customers = Number(row[1]);
    const double churned = Number(row[2]);
    const auto [low, high] = WilsonInterval(churned, customers);
    rates.emplace_back(Text(row[0]), churned / customers);
    intervals.emplace_back(low, high);
    finding.rows.push_back({Text(row[0]), Text(row[1]), Percent(churned / customers),
                            fmt::format("{} .. {}", Percent(low), Percent(high))});
  }
  if (rates.size() == 3) {
    const bool is_paradox = rates.front().first == "failure, recovered well";
    finding.summary = fmt::format(
        "Customers whose first failure was recovered well churn least ({}) — {} those who never "
        "had a failure ({}); a poor or missing recovery leaves {} churning.{}",
        Percent(rates.front().second), is_paradox ? "fewer than" : "yet not fewer than",
        Percent(is_paradox ? rates[1].second : rates.front().second), Percent(rates.back().second),
        !is_paradox ? ""
        : intervals[0].second >= intervals[1].first
            ? " That is the recovery paradox, though the 95% intervals of the first two overlap."
            : " That is the recovery paradox.");
    if (!is_paradox) {
      finding.summary = fmt::format("Churn within {} days: {} {}, {} {}, {} {}.", options.horizon_days,
                                    rates[0].first, Percent(rates[0].second), rates[1].first,
                                    Percent(rates[1].second), rates[2].first, Percent(rates[2].second));
    }
  }
  return finding;
}

Result<Finding> GapFinding(store::Connection& connection) {
  CXM_ASSIGN_OR_RETURN(const Rows rows, QueryRows(connection, R"sql(
    SELECT s.touchpoint, any_value(s.believed_value), 100 * avg((f.csat >= 4)::INTEGER), count(*)
    FROM self_assessment s
    JOIN feedback f ON f.touchpoint = s.touchpoint AND f.kind = 'survey' AND f.csat IS NOT NULL
    WHERE s.metric = 'csat_top2_pct'
    GROUP BY s.touchpoint ORDER BY any_value(s.believed_value) - 100 * avg((f.csat >= 4)::INTEGER) DESC)sql", {}));
  Finding finding{.title = "Delivery gap",
                  .columns = {"touchpoint", "company believes (CSAT top-2 %)", "customers say", "gap (points)", "answers"}};
  for (const auto& row : rows) {
    const double believed = Number(row[1]);
    const double actual = Number(row[2]);
    finding.rows.push_back({Text(row[0]), fmt::format("{:.1f}", believed), fmt::format("{:.1f}", actual),
                            fmt::format("{:+.1f}", believed - actual), Text(row[3])});
  }
  if (!rows.empty()) {
    finding.summary = fmt::format(
        "The company overrates {} most: it believes {:.0f}% of customers are satisfied, they say {:.0f}%.",
        Text(rows[0][0]), Number(rows[0][1]), Number(rows[0][2]));
  }
  return finding;
}

}  // namespace

Result<std::vector<Finding>> FirstFindings(store::Connection& connection, const FindingOptions& options) {
  std::vector<Finding> findings;
  CXM_ASSIGN_OR_RETURN(Finding nps, NpsFinding(connection));
  findings.push_back(std::move(nps));
  CXM_ASSIGN_OR_RETURN(Finding memory, MemoryFinding(connection, options));
  findings.push_back(std::move(memory));
  CXM_ASSIGN_OR_RETURN(Finding failures, FailureFinding(connection, options));
  findings.push_back(std::move(failures));
  CXM_ASSIGN_OR_RETURN(Finding recovery, RecoveryFinding(connection, options));
  findings.push_back(std::move(recovery));
  CXM_ASSIGN_OR_RETURN(Finding gap, GapFinding(connection));
  findings.push_back(std::move(gap));
  return findings;
}

std::string FindingsMarkdown(const std::string& title, const std::vector<std::string>& preamble,
                             const std::vector<Finding>& findings) {
  std::string markdown = fmt::format("# {}\n\n", title);
  for (const std::string& line : preamble) fmt::format_to(std::back_inserter(markdown), "{}\n", line);
  for (const Finding& finding : findings) {
    fmt::format_to(std::back_inserter(markdown), "\n## {}\n\n{}\n\n", finding.title, finding.summary);
    if (finding.columns.empty() || finding.rows.empty()) continue;
    std::string header = "|";
    std::string rule = "|";
    for (const std::string& column : finding.columns) {
      fmt::format_to(std::back_inserter(header), " {} |", column);
      rule.append(" --- |");
    }
    fmt::format_to(std::back_inserter(markdown), "{}\n{}\n", header, rule);
    for (const auto& row : finding.rows) {
      markdown.push_back('|');
      for (const std::string& cell : row) fmt::format_to(std::back_inserter(markdown), " {} |", cell);
      markdown.push_back('\n');
    }
  }
  return markdown;
}

}  // namespace cxm::analytics
