// The demo company and the causal model that generates its customers: the ground truth that
// `cxm generate` writes to truth.json and that the analytics' tests must recover.
//
// Norda is a fictional online shop for home and electronics in Sweden, Norway, Denmark, Romania
// (and English-speaking customers there and in Ireland), selling through web, app and stores,
// with a paid membership (Norda Plus). docs/demo-company.md explains every number here.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "simulate/phrase_bank.h"
#include "simulate/row_writer.h"

namespace cxm::simulate {

enum class Touchpoint : std::uint8_t {
  kDiscovery, kPurchase, kOnboarding, kDelivery, kBilling, kSupport, kReturns, kRenewal
};
inline constexpr int kTouchpointCount = 8;
inline constexpr std::array<std::string_view, kTouchpointCount> kTouchpointNames = {
    "discovery", "purchase", "onboarding", "delivery", "billing", "support", "returns", "renewal"};
inline constexpr std::array<std::string_view, kTouchpointCount> kJourneyStages = {
    "consideration", "purchase", "onboarding", "fulfilment", "payment", "service", "service",
    "loyalty"};

enum class Failure : std::uint8_t {
  kNone, kLateDelivery, kDamagedItem, kBillingError, kOutage, kDefect
};
inline constexpr std::array<std::string_view, 6> kFailureNames = {
    "", "late_delivery", "damaged_item", "billing_error", "outage", "defect"};

// Why a customer contacts support: a failure, or a question.
enum class Situation : std::uint8_t {
  kLateDelivery, kDamagedItem, kBillingError, kOutage, kDefect,
  kOrderStatus, kChangeOrder, kReturnItem, kInvoiceQuestion, kMembership, kProductQuestion
};
inline constexpr int kSituationCount = 11;
inline constexpr std::array<std::string_view, kSituationCount> kSituationNames = {
    "late_delivery", "damaged_item",  "billing_error",    "outage",
    "defect",        "order_status",  "change_order",     "return_item",
    "invoice_question", "membership", "product_question"};

// Loyalty quadrants (SPEC §4.6).
inline constexpr std::array<std::string_view, 4> kQuadrantNames = {"true_loyalty", "latent",
                                                                   "spurious", "no_loyalty"};
// Recovery groups (SPEC §4.7): (a) no failure, (b) failure(s) all well recovered, (c) otherwise.
inline constexpr std::array<std::string_view, 3> kRecoveryGroupNames = {
    "no_failure", "failure_good_recovery", "failure_poor_recovery"};

// The causal model. Defaults are the documented demo company; tests vary a few of them.
struct CompanyModel {
  // Activity is simulated from window_start to window_end (UTC).
  std::int64_t window_start = EpochSeconds(2025, 1, 1);
  std::int64_t window_end = EpochSeconds(2026, 10, 1);
  // Shares of customers by language, in Language order (sv, nb, da, ro, en).
  std::array<double, kLanguageCount> language_shares = {0.30, 0.20, 0.15, 0.20, 0.15};

  // Remembered experience (SPEC §4.3): negative moments weigh `negativity_lambda` times more,
  // both in picking an interaction's peak and in the memory it leaves.
  double negativity_lambda = 2.0;
  double memory_half_life_days = 180.0;
  // Attitudinal loyalty = tanh(attitude_per_memory * memory + attitude_per_mood * mood).
  double attitude_per_memory = 0.22;
  double attitude_per_mood = 1.5;
  // The moments of truth: how much one unit of remembered valence at each touchpoint moves
  // memory (in Touchpoint order). Delivery matters most for an online shop.
  std::array<double, kTouchpointCount> touchpoint_impact = {0.15, 0.45, 0.5, 1.6,
                                                            0.8,  1.0,  0.6, 0.35};

  // Service recovery (SPEC §4.7): quality = weighted justice dimensions, each in [0, 1].
  double process_weight = 0.40;
  double interaction_weight = 0.35;
  double compensation_weight = 0.25;
  double good_recovery_threshold = 0.55;
  // A recovery of quality q takes back forgiveness * q of the failure's memory hit...
  double forgiveness = 0.75;
  // ...and a good one adds this to memory: the recovery paradox (0 switches it off).
  double recovery_paradox = 2.0;

  // Behaviour: days between orders ~ Exponential(mean / (habit * exp(slope * attitude))).
  double mean_days_between_orders = 320.0;
  double repurchase_attitude_slope = 0.5;
  // Churn hazard per day = base * exp(-slope * attitude) * (inertia_base - inertia_slope * inertia).
  double churn_base_per_day = 0.00045;
  double churn_attitude_slope = 1.8;
  double churn_inertia_base = 1.3;
  double churn_inertia_slope = 0.6;
  // Relationship NPS answer = round(intercept + slope * attitude + N(0, sd)), clipped to 0..10.
  double nps_intercept = 6.9;
  double nps_attitude_slope = 3.4;
  double nps_noise_sd = 1.1;
  // Transactional CSAT answer = round(intercept + slope * remembered + N(0, sd)), clipped to 1..5;
  // answered with probability base + per_intensity * |remembered| (strong feelings answer).
  double csat_intercept = 3.1;
  double csat_per_remembered = 2.0;
  double csat_noise_sd = 0.6;
  double csat_response_base = 0.12;
  double csat_response_per_intensity = 0.15;
  // Employee pulse: eNPS answer = round(intercept + slope * engagement + N(0, sd)), 0..10.
  double enps_intercept = 6.6;
  double enps_per_engagement = 2.2;
  double enps_noise_sd = 1.2;

  // Loyalty quadrant cut-offs on the latent scales (attitude in [-1, 1]; behaviour = relative
  // purchase rate, 1 = the typical customer).
  double attitudinal_cut = 0.25;
  double behavioural_cut = 1.0;

  // What the company believes per touchpoint, as CSAT top-2-box points above the truth
  // (the delivery gap, SPEC §4.11).
  std::array<double, kTouchpointCount> believed_csat_gap_points = {2, 3, 8, 18, 6, 12, 5, 4};
};

struct GeneratorOptions {
  std::int64_t customers = 20000;
  std::uint64_t seed = 1;
  std::string out_dir;
  OutputFormat format = OutputFormat::kCsv;
  int threads = 0;             // 0: all cores
  bool write_truth_detail = false;  // truth_interactions + truth_turns (large)
  CompanyModel model;
};

}  // namespace cxm::simulate
