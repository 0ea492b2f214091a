// The per-customer simulation of the demo company: one customer's whole life in the window
// (signup, orders, deliveries, invoices, failures, support conversations, surveys, reviews,
// renewals, churn), written as rows of the canonical tables plus the ground truth.
//
// Each customer draws from its own Rng(SeedFor(seed, customer index)), so a customer's rows do
// not depend on which thread simulates it or on the others: the files are byte-identical for a
// given seed and customer count on any number of threads.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "simulate/company_model.h"
#include "simulate/phrase_bank.h"
#include "simulate/random.h"
#include "simulate/row_writer.h"

namespace cxm::simulate {

enum class OutputTable : std::uint8_t {
  kCustomers, kInteractions, kMessages, kFeedback, kTransactions, kChurn, kEmployees,
  kEmployeeFeedback, kSelfAssessment, kCurrencyRates, kTruthCustomers, kTruthInteractions, kTruthTurns
};
inline constexpr int kOutputTableCount = 13;
const OutputTableSpec& SpecOf(OutputTable table);

// Sums over customers, merged across chunks: what the generated data realises of the model.
struct Realised {
  std::int64_t customers = 0;
  std::array<std::int64_t, kLanguageCount> customers_by_language{};
  std::int64_t churned = 0;
  std::int64_t interactions = 0;
  std::int64_t messages = 0;
  std::int64_t customer_turns = 0;
  std::int64_t feedback = 0;
  std::int64_t transactions = 0;
  std::int64_t orders = 0;
  std::array<std::int64_t, kTouchpointCount> interactions_by_touchpoint{};
  std::array<std::int64_t, kTouchpointCount> failures_by_touchpoint{};
  std::array<double, kTouchpointCount> remembered_sum{};
  std::array<std::int64_t, kTouchpointCount> csat_answers{};
  std::array<std::int64_t, kTouchpointCount> csat_top2{};
  std::int64_t csat_invitations = 0;
  std::int64_t csat_responses = 0;
  std::int64_t nps_invitations = 0;
  std::int64_t nps_responses = 0;
  std::int64_t promoters = 0;
  std::int64_t detractors = 0;
  std::int64_t reviews = 0;
  std::int64_t support_contacts = 0;
  std::int64_t support_resolved = 0;
  std::array<std::int64_t, 3> recovery_group_customers{};
  std::array<std::int64_t, 3> recovery_group_churned{};
  std::array<double, 3> recovery_group_attitude_sum{};
  std::array<std::int64_t, 3> recovery_group_nps_responses{};
  std::array<std::int64_t, 3> recovery_group_nps_net{};  // promoters - detractors
  std::array<std::int64_t, 4> quadrant_customers{};
  std::array<double, 4> quadrant_revenue_sek{};
  double revenue_sek = 0;

  void Add(const Realised& other);
};

struct Agent {
  std::string agent_id;
  std::string name;
  int team = 0;             // index into kLanguageCodes: one team per language
  double engagement = 0;    // latent, N(0, 1): drives eNPS answers and empathy
  double empathy = 0;       // in (0, 1): the chance the agent acknowledges a customer's feelings
  std::int64_t hired_ts = 0;
};

// The agents and their teams, and the rows about them (employees, employee_feedback).
struct Staff {
  std::vector<Agent> agents;
  std::array<std::vector<int>, kLanguageCount> agents_by_team;
  std::array<std::string, kLanguageCount> team_names;
};
Staff BuildStaff(const GeneratorOptions& options);
void WriteStaffRows(const GeneratorOptions& options, const Staff& staff, std::string* employees,
                    std::string* employee_feedback);

// The rows of a contiguous range of customers.
struct ChunkResult {
  std::array<std::string, kOutputTableCount> tables;
  Realised realised;
};

// Simulates customers into a ChunkResult. Cheap to construct; one per worker thread.
class CustomerSimulator {
 public:
  CustomerSimulator(const GeneratorOptions& options, const Staff& staff);
  void Simulate(std::int64_t customer_idx, ChunkResult* out);

 private:
  const GeneratorOptions& options_;
  const Staff& staff_;
  std::vector<std::int64_t> survey_waves_;  // relationship NPS survey dates
};

}  // namespace cxm::simulate
