#include "derive/experience.h"

#include <cmath>

#include <gtest/gtest.h>

#include "derive/text_scoring.h"
#include "test_support.h"

namespace cxm::derive {
namespace {

// A store with helpers to fill it and to run the experience steps over it.
class ExperienceStoreTest : public testing::StoreTest {
 protected:
  void Run(const std::string& sql) {
    const Status status = store_->connection().Execute(sql);
    ASSERT_TRUE(status.ok()) << status;
  }
  std::int64_t Update(const ExperienceOptions& options = {}) {
    Result<std::int64_t> updated = UpdateInteractionExperience(store_->connection(), options);
    EXPECT_TRUE(updated.has_value()) << updated.error();
    return updated.has_value() ? *updated : -1;
  }
  double Value(const std::string& sql) { return std::stod(Text("SELECT CAST((" + sql + ") AS VARCHAR)")); }
};

// A hand-made store: one support conversation with known turn valences (as if scored), one late
// delivery rated CSAT 1 without a comment, one purchase of another customer.
class ExperienceTest : public ExperienceStoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    Run(R"sql(
      INSERT INTO customers (customer_id, language, signup_ts, source) VALUES
        ('C1', 'sv', TIMESTAMP '2025-01-01', 'test'), ('C2', 'en', TIMESTAMP '2025-01-01', 'test');
      INSERT INTO interactions (interaction_id, customer_id, ts, touchpoint, outcome, failure, source) VALUES
        ('I1', 'C1', TIMESTAMP '2026-01-01', 'support', 'resolved', NULL, 'test'),
        ('I2', 'C1', TIMESTAMP '2025-07-05', 'delivery', NULL, 'late_delivery', 'test'),
        ('I3', 'C2', TIMESTAMP '2026-01-01', 'purchase', NULL, NULL, 'test');
      INSERT INTO feedback (feedback_id, customer_id, interaction_id, ts, kind, csat, touchpoint, source) VALUES
        ('F1', 'C1', 'I2', TIMESTAMP '2025-07-06', 'survey', 1, 'delivery', 'test');)sql");
    AddTurn(1, 0.2);
    AddTurn(2, -0.6);
    AddTurn(3, 0.1);
    AddTurn(4, 0.5);
  }
  void AddTurn(int seq, double valence) {
    Run("INSERT INTO text_emotions (source, interaction_id, seq, language, valence) VALUES ('message', 'I1', " +
        std::to_string(seq) + ", 'sv', " + std::to_string(valence) + ")");
  }
};

TEST_F(ExperienceTest, PeakEndAndRememberedByHand) {
  EXPECT_EQ(Update(), 2);
  // Turns 0.2, -0.6, 0.1, 0.5 with lambda 2: the peak is -0.6 (weighs 1.2), the end 0.5.
  EXPECT_NEAR(Value("SELECT experienced FROM interaction_experience WHERE interaction_id = 'I1'"), 0.05, 1e-9);
  EXPECT_NEAR(Value("SELECT peak FROM interaction_experience WHERE interaction_id = 'I1'"), -0.6, 1e-9);
  EXPECT_NEAR(Value("SELECT \"end\" FROM interaction_experience WHERE interaction_id = 'I1'"), 0.5, 1e-9);
  EXPECT_NEAR(Value("SELECT remembered FROM interaction_experience WHERE interaction_id = 'I1'"), -0.05, 1e-9);
  EXPECT_NEAR(Value("SELECT emotional_shift FROM interaction_experience WHERE interaction_id = 'I1'"), 0.3, 1e-9);
  EXPECT_EQ(Text("SELECT ending FROM interaction_experience WHERE interaction_id = 'I1'"), "positive");
  EXPECT_EQ(Text("SELECT evidence FROM interaction_experience WHERE interaction_id = 'I1'"), "conversation");
  // The delivery has only a CSAT of 1: one moment at -1.
  EXPECT_NEAR(Value("SELECT remembered FROM interaction_experience WHERE interaction_id = 'I2'"), -1.0, 1e-9);
  EXPECT_EQ(Text("SELECT evidence FROM interaction_experience WHERE interaction_id = 'I2'"), "survey");
  EXPECT_EQ(Count("SELECT count(*) FROM interaction_experience WHERE interaction_id = 'I3'"), 0);
}

TEST_F(ExperienceTest, LambdaAndTheEndWindowAreOptions) {
  // With lambda 1 the peak is still -0.6 (0.6 > 0.5); with an end window of 2 the end is 0.3.
  Update({.run = {.negativity_lambda = 1.0, .end_window_turns = 2}});
  EXPECT_NEAR(Value("SELECT \"end\" FROM interaction_experience WHERE interaction_id = 'I1'"), 0.3, 1e-9);
  EXPECT_NEAR(Value("SELECT remembered FROM interaction_experience WHERE interaction_id = 'I1'"), -0.15, 1e-9);
  // Turn 2 at -0.4 instead: lambda 1 picks the +0.5 as the peak, lambda 2 the -0.4 (0.8).
  Run("UPDATE text_emotions SET valence = -0.4 WHERE seq = 2");
  Run("DELETE FROM interaction_experience");
  Update({.run = {.negativity_lambda = 1.0}});
  EXPECT_NEAR(Value("SELECT peak FROM interaction_experience WHERE interaction_id = 'I1'"), 0.5, 1e-9);
  EXPECT_EQ(Update({.run = {.negativity_lambda = 2.0}}), 2);  // other options: every row recomputed
  EXPECT_NEAR(Value("SELECT peak FROM interaction_experience WHERE interaction_id = 'I1'"), -0.4, 1e-9);
}

TEST_F(ExperienceTest, IncrementalRunEqualsOneRunOverEverything) {
  EXPECT_EQ(Update(), 2);
  EXPECT_EQ(Update(), 0);  // nothing new
  AddTurn(5, -0.9);        // the conversation goes on: only it is recomputed
  EXPECT_EQ(Update(), 1);
  EXPECT_NEAR(Value("SELECT remembered FROM interaction_experience WHERE interaction_id = 'I1'"), -0.9, 1e-9);
  EXPECT_EQ(Text("SELECT ending FROM interaction_experience WHERE interaction_id = 'I1'"), "negative");
  Run("CREATE TABLE incremental AS SELECT * FROM interaction_experience");
  Run("DELETE FROM interaction_experience");
  EXPECT_EQ(Update(), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM (SELECT * FROM incremental EXCEPT SELECT * FROM interaction_experience)"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM (SELECT * FROM interaction_experience EXCEPT SELECT * FROM incremental)"), 0);
}

TEST_F(ExperienceTest, MemoryDecaysAndWeighsBadMomentsByLambda) {
  Update();
  Result<std::int64_t> customers = RebuildCustomerState(store_->connection(), {});
  ASSERT_TRUE(customers.has_value()) << customers.error();
  EXPECT_EQ(*customers, 2);
  // C1 on 2026-01-01: the delivery (-1, times lambda 2) is one half-life (180 days) old: -1;
  // the conversation (-0.05, times 2) is new: -0.1.
  EXPECT_NEAR(Value("SELECT memory FROM customer_state WHERE customer_id = 'C1'"), -1.1, 1e-9);
  // C2's purchase has no evidence and no touchpoint mean to stand in: memory 0, one order.
  EXPECT_NEAR(Value("SELECT memory FROM customer_state WHERE customer_id = 'C2'"), 0.0, 1e-12);
  EXPECT_EQ(Count("SELECT orders FROM customer_state WHERE customer_id = 'C2'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM customer_state WHERE quadrant IS NULL"), 0);
  // Their own words: C1's four turns (0.2, -0.6, 0.1, 0.5); C2 wrote nothing.
  EXPECT_NEAR(Value("SELECT mean_valence FROM customer_state WHERE customer_id = 'C1'"), 0.05, 1e-9);
  EXPECT_EQ(Count("SELECT texts FROM customer_state WHERE customer_id = 'C1'"), 4);
  EXPECT_EQ(Count("SELECT texts FROM customer_state WHERE customer_id = 'C2'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM customer_state WHERE customer_id = 'C2' AND mean_valence IS NULL"), 1);
}

// Purchase rates under the NBD model, worked by hand: four customers of one persona seen for
// exactly one year with 0, 2, 4 and 10 orders. Mean rate 4; variance of the rates 14, of which 4
// is Poisson noise, so the gamma has variance 10: shape 1.6, scale 0.4, and each customer's
// expected rate is (1.6 + orders) / 1.4.
class PurchaseRateTest : public ExperienceStoreTest {};

TEST_F(PurchaseRateTest, ShrinksEachCustomerTowardsThePersonaByTheNbdModel) {
  Run("INSERT INTO customers (customer_id, language, persona, signup_ts, source) "
      "SELECT 'K' || n, 'sv', 'p', TIMESTAMP '2024-01-01', 'test' FROM range(1, 5) t(n)");
  // K2: 2 orders, K3: 4, K4: 10, the first and last of which open and close the year.
  Run(R"sql(INSERT INTO interactions (interaction_id, customer_id, ts, touchpoint, source)
    SELECT 'P' || customer || '-' || n, 'K' || customer,
           TIMESTAMP '2025-01-01' + INTERVAL (CAST(n * 36.525 * 86400 AS BIGINT)) SECOND, 'purchase', 'test'
    FROM (VALUES (2, 2), (3, 4), (4, 10)) v(customer, orders), range(orders) r(n)
    UNION ALL SELECT 'P4-end', 'K4', TIMESTAMP '2025-01-01' + INTERVAL (CAST(365.25 * 86400 AS BIGINT)) SECOND,
                     'purchase', 'test')sql");
  Run("DELETE FROM interactions WHERE interaction_id = 'P4-9'");  // 'P4-end' is K4's tenth
  Update();
  Result<std::int64_t> customers = RebuildCustomerState(store_->connection(), {});
  ASSERT_TRUE(customers.has_value()) << customers.error();
  auto value = [&](const std::string& column, int customer) {
    return Value("SELECT " + column + " FROM customer_state WHERE customer_id = 'K" + std::to_string(customer) + "'");
  };
  const int orders[] = {0, 2, 4, 10};
  for (int customer = 1; customer <= 4; ++customer) {
    EXPECT_NEAR(value("observed_years", customer), 1.0, 1e-9);
    EXPECT_EQ(value("orders", customer), orders[customer - 1]);
    EXPECT_NEAR(value("expected_orders_per_year", customer), (1.6 + orders[customer - 1]) / 1.4, 1e-9);
    EXPECT_NEAR(value("expected_orders_per_year_sd", customer), std::sqrt(1.6 + orders[customer - 1]) / 1.4, 1e-9);
  }
  // Behaviour is relative to the median customer: (3.6 + 5.6) / 2 / 1.4.
  EXPECT_NEAR(value("behavioural", 4), 11.6 / 4.6, 1e-9);
  EXPECT_NEAR(value("behavioural", 1), 1.6 / 4.6, 1e-9);
}

}  // namespace
}  // namespace cxm::derive
