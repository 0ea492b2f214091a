#include "simulate/simulator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "common/check.h"
#include "simulate/life/customer_life.h"

namespace cxm::simulate {

using life::ClipRound;
using life::CustomerLife;
using life::kSecondsPerDay;
using life::Phrases;
using life::PhrasesFor;
using life::SurveyWaves;
using life::List;

namespace {

const std::array<OutputTableSpec, kOutputTableCount> kSpecs = {{
    {"customers",
     {"customer_id", "segment", "persona", "country", "language", "signup_ts", "loyalty_member"}},
    {"interactions",
     {"interaction_id", "customer_id", "ts", "end_ts", "channel", "touchpoint", "journey_stage",
      "agent_id", "team", "outcome", "failure", "compensation_value", "transfers",
      "repeat_contact"}},
    {"messages", {"interaction_id", "seq", "ts", "speaker", "text"}},
    {"feedback",
     {"feedback_id", "customer_id", "interaction_id", "ts", "kind", "nps", "csat", "ces", "text",
      "touchpoint"}},
    {"transactions", {"transaction_id", "customer_id", "ts", "amount", "currency", "category"}},
    {"churn", {"customer_id", "ts", "reason"}},
    {"employees", {"agent_id", "team", "name", "hired_ts"}},
    {"employee_feedback", {"response_id", "agent_id", "ts", "enps", "text"}},
    {"self_assessment", {"touchpoint", "metric", "believed_value", "ts"}},
    {"currency_rates", {"currency", "rate"}},
    {"truth_customers",
     {"customer_id", "mood", "habit", "inertia", "memory", "attitudinal", "behavioural", "quadrant",
      "recovery_group", "churned"}},
    {"truth_interactions",
     {"interaction_id", "touchpoint", "experienced", "peak", "end", "remembered",
      "memory_contribution", "recovery_quality", "process_quality", "interaction_quality",
      "compensation_quality"}},
    {"truth_turns", {"interaction_id", "seq", "intended_valence"}},
}};

}  // namespace

const OutputTableSpec& SpecOf(OutputTable table) { return kSpecs[static_cast<int>(table)]; }

void Realised::Add(const Realised& other) {
  const auto add = [](auto& into, const auto& from) {
    for (std::size_t idx = 0; idx < into.size(); ++idx) into[idx] += from[idx];
  };
  customers += other.customers;
  add(customers_by_language, other.customers_by_language);
  churned += other.churned;
  interactions += other.interactions;
  messages += other.messages;
  customer_turns += other.customer_turns;
  feedback += other.feedback;
  transactions += other.transactions;
  orders += other.orders;
  add(interactions_by_touchpoint, other.interactions_by_touchpoint);
  add(failures_by_touchpoint, other.failures_by_touchpoint);
  add(remembered_sum, other.remembered_sum);
  add(csat_answers, other.csat_answers);
  add(csat_top2, other.csat_top2);
  csat_invitations += other.csat_invitations;
  csat_responses += other.csat_responses;
  nps_invitations += other.nps_invitations;
  nps_responses += other.nps_responses;
  promoters += other.promoters;
  detractors += other.detractors;
  reviews += other.reviews;
  support_contacts += other.support_contacts;
  support_resolved += other.support_resolved;
  add(recovery_group_customers, other.recovery_group_customers);
  add(recovery_group_churned, other.recovery_group_churned);
  add(recovery_group_attitude_sum, other.recovery_group_attitude_sum);
  add(recovery_group_nps_responses, other.recovery_group_nps_responses);
  add(recovery_group_nps_net, other.recovery_group_nps_net);
  add(quadrant_customers, other.quadrant_customers);
  add(quadrant_revenue_sek, other.quadrant_revenue_sek);
  revenue_sek += other.revenue_sek;
}

Staff BuildStaff(const GeneratorOptions& options) {
  Staff staff;
  constexpr std::array<std::string_view, kLanguageCount> kTeamCities = {
      "Stockholm", "Oslo", "København", "București", "Dublin"};
  Rng rng(SeedFor(options.seed, 2, 0));
  int next_id = 1;
  for (int team = 0; team < kLanguageCount; ++team) {
    staff.team_names[team] = fmt::format("Support {}", kTeamCities[team]);
    const Phrases& phrases = PhrasesFor(static_cast<Language>(team));
    const double expected_customers =
        static_cast<double>(options.customers) * options.model.language_shares[team];
    const int agent_count = std::max(4, static_cast<int>(std::lround(expected_customers / 700.0)));
    for (int idx = 0; idx < agent_count; ++idx) {
      Agent agent;
      agent.agent_id = fmt::format("A{:05d}", next_id++);
      agent.name = fmt::format("{} {}", (*phrases.first_names)[rng.Pick(phrases.first_names->size())],
                               (*phrases.last_names)[rng.Pick(phrases.last_names->size())]);
      agent.team = team;
      agent.engagement = rng.Normal(0, 1);
      // Engaged agents show more empathy (the service-profit chain).
      agent.empathy = 1.0 / (1.0 + std::exp(-(0.9 * agent.engagement + rng.Normal(0.3, 0.6))));
      agent.hired_ts = static_cast<std::int64_t>(rng.Uniform(static_cast<double>(EpochSeconds(2017, 1, 1)),
                                                             static_cast<double>(options.model.window_start)));
      staff.agents_by_team[team].push_back(static_cast<int>(staff.agents.size()));
      staff.agents.push_back(std::move(agent));
    }
  }
  return staff;
}

void WriteStaffRows(const GeneratorOptions& options, const Staff& staff, std::string* employees,
                    std::string* employee_feedback) {
  Rng rng(SeedFor(options.seed, 3, 0));
  const std::vector<std::int64_t> waves = SurveyWaves(options.model);
  for (const Agent& agent : staff.agents) {
    RowWriter(options.format, SpecOf(OutputTable::kEmployees), employees)
        .Text(agent.agent_id).Text(staff.team_names[agent.team]).Text(agent.name)
        .Time(agent.hired_ts).End();
    const Phrases& phrases = PhrasesFor(static_cast<Language>(agent.team));
    for (std::size_t wave = 0; wave < waves.size(); ++wave) {
      if (!rng.Bernoulli(0.8)) continue;
      const CompanyModel& model = options.model;
      const int enps = ClipRound(model.enps_intercept + model.enps_per_engagement * agent.engagement +
                                 rng.Normal(0, model.enps_noise_sd), 0, 10);
      RowWriter row(options.format, SpecOf(OutputTable::kEmployeeFeedback), employee_feedback);
      row.Text(fmt::format("E{}-{}", agent.agent_id.substr(1), wave + 1)).Text(agent.agent_id)
          .Time(waves[wave] + static_cast<std::int64_t>(rng.Uniform(0, 5 * kSecondsPerDay)))
          .Int(enps);
      if (rng.Bernoulli(0.5)) {
        const List& comments = *phrases.employee_comment[enps <= 6 ? 0 : (enps <= 8 ? 1 : 2)];
        row.Text(comments[rng.Pick(comments.size())]);
      } else {
        row.Null();
      }
      row.End();
    }
  }
}

CustomerSimulator::CustomerSimulator(const GeneratorOptions& options, const Staff& staff)
    : options_(options), staff_(staff), survey_waves_(SurveyWaves(options.model)) {}

void CustomerSimulator::Simulate(std::int64_t customer_idx, ChunkResult* out) {
  CustomerLife life(options_, staff_, survey_waves_, customer_idx, out);
  life.Run();
}

}  // namespace cxm::simulate
