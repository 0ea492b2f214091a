#include "analytics/statistics.h"

#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

namespace cxm::analytics {
namespace {

// Statistics worked by hand.
TEST(StatisticsTest, NetPromoterScoreAndItsInterval) {
  // 10 answers: 5 promoters, 2 detractors. NPS = 30; var = (0.5 + 0.2 - 0.09) / 10 = 0.061.
  const auto [nps, half_width] = NetPromoterScore(5, 2, 10);
  EXPECT_DOUBLE_EQ(nps, 30.0);
  EXPECT_NEAR(half_width, 100 * kZ95 * std::sqrt(0.061), 1e-9);
  EXPECT_NEAR(half_width, 48.41, 0.01);
  const auto [all_promoters, no_spread] = NetPromoterScore(4, 0, 4);
  EXPECT_DOUBLE_EQ(all_promoters, 100.0);
  EXPECT_DOUBLE_EQ(no_spread, 0.0);
  EXPECT_TRUE(std::isnan(NetPromoterScore(0, 0, 0).first));
}

TEST(StatisticsTest, WilsonInterval) {
  // 8 of 10 at 95%: (0.4902, 0.9433) (Newcombe 1998, table I).
  const auto [low, high] = WilsonInterval(8, 10);
  EXPECT_NEAR(low, 0.4902, 1e-4);
  EXPECT_NEAR(high, 0.9433, 1e-4);
  const auto [zero_low, zero_high] = WilsonInterval(0, 20);
  EXPECT_DOUBLE_EQ(zero_low, 0.0);
  EXPECT_NEAR(zero_high, 0.1611, 1e-4);
}


TEST(StatisticsTest, StudentTAgainstTables) {
  // Two-sided 95% critical values (any t table).
  EXPECT_NEAR(StudentTQuantile(0.975, 1), 12.706204736, 1e-6);
  EXPECT_NEAR(StudentTQuantile(0.975, 10), 2.228138852, 1e-6);
  EXPECT_NEAR(StudentTQuantile(0.975, 1e6), 1.959965, 1e-5);
  EXPECT_NEAR(StudentTCdf(2.228138852, 10), 0.975, 1e-9);
  EXPECT_NEAR(StudentTCdf(0, 7), 0.5, 1e-12);
  EXPECT_NEAR(NormalCdf(1.959963985), 0.975, 1e-9);
}

TEST(StatisticsTest, MeanIntervalByHand) {
  // {2, 4, 4, 4, 5, 5, 7, 9}: mean 5, s = sqrt(32 / 7), t(0.975, 7) = 2.364624252.
  const double values[] = {2, 4, 4, 4, 5, 5, 7, 9};
  double sum = 0, squares = 0;
  for (double value : values) {
    sum += value;
    squares += value * value;
  }
  const Estimate mean = MeanEstimate(sum, squares, 8);
  const double half = 2.364624252 * std::sqrt(32.0 / 7) / std::sqrt(8.0);
  EXPECT_DOUBLE_EQ(mean.value, 5.0);
  EXPECT_NEAR(mean.low, 5 - half, 1e-6);
  EXPECT_NEAR(mean.high, 5 + half, 1e-6);
  EXPECT_TRUE(mean.is_small);
}

TEST(StatisticsTest, TestsBetweenGroups) {
  // 40/100 vs 60/100: pooled 0.5, z = 0.2 / sqrt(0.25 * 0.02) = 2.828427, p = 0.0046777.
  const Difference proportions = CompareProportions(40, 100, 60, 100);
  EXPECT_NEAR(proportions.difference, 0.2, 1e-12);
  EXPECT_NEAR(proportions.p_value, 0.004677735, 1e-8);
  EXPECT_NEAR(proportions.high - proportions.low, 2 * kZ95 * std::sqrt(0.24 / 100 + 0.24 / 100), 1e-12);
  // Same NPS in both groups: no difference, p = 1.
  const Difference same = CompareNps(50, 20, 100, 25, 10, 50);
  EXPECT_NEAR(same.difference, 0, 1e-12);
  EXPECT_NEAR(same.p_value, 1, 1e-12);
  // Welch with equal n and variances: t = 1 / sqrt(2 * 4 / 20) with 38 degrees of freedom.
  const Difference means = CompareMeans(10, 4, 20, 11, 4, 20);
  const double t = 1 / std::sqrt(0.4);
  EXPECT_NEAR(means.p_value, 2 * (1 - StudentTCdf(t, 38)), 1e-9);
  EXPECT_GT(means.p_value, 0.1);
  EXPECT_NEAR(CohensH(0.5, 0.5), 0, 1e-12);
}

// A fixed set; the references were computed independently with numpy 1.24 (normal equations,
// eigh, all-subsets R² and its own IRLS loop), to 1e-6.
class RegressionTest : public ::testing::Test {
 protected:
  Columns predictors = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
                        {2, 1, 4, 3, 6, 5, 8, 9, 7, 12, 10, 11},
                        {5, 3, 6, 2, 7, 1, 8, 4, 9, 3, 10, 2}};
  std::vector<double> outcome = {3.1, 2.9, 5.2, 4.8, 7.1, 6.0, 9.4, 9.9, 8.7, 12.8, 11.0, 12.1};
};

TEST_F(RegressionTest, OrdinaryLeastSquaresMatchesTheReference) {
  const std::optional<RegressionFit> fit = FitLinear(predictors, outcome);
  ASSERT_TRUE(fit.has_value());
  const double coefficients[] = {1.526774291806275, 0.13373904288083283, 0.8115168206586135, 0.015812519037464636};
  const double errors[] = {0.20456257941218173, 0.06560044164353887, 0.06560044164353884, 0.028114474990088074};
  for (std::size_t idx = 0; idx < 4; ++idx) {
    EXPECT_NEAR(fit->coefficients[idx], coefficients[idx], 1e-6) << idx;
    EXPECT_NEAR(fit->standard_errors[idx], errors[idx], 1e-6) << idx;
  }
  EXPECT_NEAR(fit->r_squared, 0.9952816732444812, 1e-6);
}

TEST_F(RegressionTest, RelativeWeightsAndShapleyMatchTheReference) {
  const std::optional<std::vector<double>> weights = RelativeWeights(predictors, outcome);
  const std::optional<std::vector<double>> shapley = ShapleyR2(predictors, outcome);
  ASSERT_TRUE(weights.has_value() && shapley.has_value());
  const double weight_reference[] = {0.44726973460474395, 0.5347945627505521, 0.013217375889186296};
  const double shapley_reference[] = {0.44743365845336885, 0.5353969232419089, 0.012451091549203774};
  for (std::size_t idx = 0; idx < 3; ++idx) {
    EXPECT_NEAR((*weights)[idx], weight_reference[idx], 1e-6) << idx;
    EXPECT_NEAR((*shapley)[idx], shapley_reference[idx], 1e-6) << idx;
  }
  // Both decompose R² exactly.
  EXPECT_NEAR(std::accumulate(weights->begin(), weights->end(), 0.0), 0.9952816732444812, 1e-9);
  EXPECT_NEAR(std::accumulate(shapley->begin(), shapley->end(), 0.0), 0.9952816732444812, 1e-9);
}

TEST(StatisticsTest, UncorrelatedPredictorsGetTheirSquaredCorrelation) {
  // x1 and x2 orthogonal and centred: each weight is r² with the outcome, by either method.
  const Columns predictors = {{1, -1, 1, -1, 1, -1, 1, -1}, {1, 1, -1, -1, 1, 1, -1, -1}};
  const std::vector<double> outcome = {3, 1, 2, -1, 4, 0, 1, -2};
  const std::optional<std::vector<double>> weights = RelativeWeights(predictors, outcome);
  const std::optional<std::vector<double>> shapley = ShapleyR2(predictors, outcome);
  ASSERT_TRUE(weights.has_value() && shapley.has_value());
  for (std::size_t idx = 0; idx < 2; ++idx) {
    const double r = Pearson(predictors[idx], outcome);
    EXPECT_NEAR((*weights)[idx], r * r, 1e-12);
    EXPECT_NEAR((*shapley)[idx], r * r, 1e-12);
  }
}

TEST(StatisticsTest, MissingValuesArePairwiseDeleted) {
  const std::vector<double> x = {1, 2, NAN, 4, 5};
  const std::vector<double> y = {2, 4, 100, 8, 10};
  EXPECT_NEAR(Pearson(x, y), 1.0, 1e-12);
}

TEST_F(RegressionTest, LogisticRegressionMatchesTheReference) {
  const std::vector<double> churned = {0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1};
  const std::optional<RegressionFit> fit = FitLogistic({predictors[0], predictors[2]}, churned);
  ASSERT_TRUE(fit.has_value());
  EXPECT_TRUE(fit->has_converged);
  const double coefficients[] = {-3.2227734495827374, 0.47537757725660446, 0.14132206116958107};
  const double errors[] = {2.1376161507610587, 0.27526027333020736, 0.29115866119386585};
  for (std::size_t idx = 0; idx < 3; ++idx) {
    EXPECT_NEAR(fit->coefficients[idx], coefficients[idx], 1e-6) << idx;
    EXPECT_NEAR(fit->standard_errors[idx], errors[idx], 1e-6) << idx;
  }
}

TEST(StatisticsTest, AreaUnderTheCurveCountsTiesHalf) {
  // Pairs (positive, negative): 9, of which 5 ordered right and 1 tied: (5 + 0.5) / 9.
  EXPECT_NEAR(Auc({0.1, 0.4, 0.35, 0.8, 0.4, 0.7}, {0, 0, 1, 1, 1, 0}), 0.6111111111111112, 1e-12);
  EXPECT_TRUE(std::isnan(Auc({0.1, 0.2}, {1, 1})));
}

TEST(StatisticsTest, DegenerateInputsAreRefusedNotCrashed) {
  EXPECT_FALSE(FitLinear({{1, 1, 1, 1, 1}}, {1, 2, 3, 4, 5}).has_value());        // collinear with the intercept
  EXPECT_FALSE(FitLogistic({{1, 2, 3, 4}}, {0, 0, 0, 0}).has_value());            // no events
  EXPECT_FALSE(RelativeWeights({{1, 2, 3}, {2, 4, 6}}, {1, 2, 4}).has_value());   // perfectly collinear
  EXPECT_FALSE(FitLinear({{1, 2}}, {1, 2}).has_value());                          // too few rows
}

// What moments reads as separation (a coefficient past 15, an error past 50 or no convergence):
// a predictor that splits churners from the others perfectly gives exactly that signature, and
// a merely strong one does not.
TEST(StatisticsTest, PerfectSeparationShowsAsADivergingLogisticFit) {
  std::vector<double> remembered, churned, noisy;
  for (int idx = 0; idx < 200; ++idx) {
    remembered.push_back(-1 + idx / 100.0);  // -1 .. 0.99
    churned.push_back(idx < 60 ? 1 : 0);     // exactly the 60 worst churn
    noisy.push_back(idx < 60 ? (idx % 5 == 0 ? 0 : 1) : (idx % 7 == 0 ? 1 : 0));
  }
  const std::optional<RegressionFit> separated = FitLogistic({remembered}, churned);
  ASSERT_TRUE(separated.has_value());
  EXPECT_TRUE(!separated->has_converged || std::abs(separated->coefficients[1]) > 15 ||
              separated->standard_errors[1] > 50)
      << separated->coefficients[1] << " +- " << separated->standard_errors[1];
  const std::optional<RegressionFit> strong = FitLogistic({remembered}, noisy);
  ASSERT_TRUE(strong.has_value());
  EXPECT_TRUE(strong->has_converged);
  EXPECT_LT(std::abs(strong->coefficients[1]), 15);
  EXPECT_LT(strong->standard_errors[1], 50);
}

}  // namespace
}  // namespace cxm::analytics
