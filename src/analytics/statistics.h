// The statistics behind every figure cxm reports (SPEC §4.4): confidence intervals for NPS,
// proportions and means, tests between two groups, and the regressions and importance measures
// of moments of truth and key drivers. Plain functions over plain vectors; sources are cited
// next to each formula in statistics.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace cxm::analytics {

inline constexpr double kZ95 = 1.959963984540054;

// An estimate with its 95% interval; `is_small` flags groups too small to trust (never hidden).
struct Estimate {
  double value = 0;
  double low = 0;
  double high = 0;
  double n = 0;
  bool is_small = false;
};

// Wilson score interval of a proportion (Wilson 1927), as {low, high}.
std::pair<double, double> WilsonInterval(double successes, double trials, double z = kZ95);
// NPS in points and its 95% CI half-width: the variance of (promoter - detractor) indicators,
// (p + d - (p - d)^2) / n.
std::pair<double, double> NetPromoterScore(double promoters, double detractors, double answers);

Estimate ProportionEstimate(double successes, double trials);          // Wilson; 0..1
Estimate NpsEstimate(double promoters, double detractors, double answers);  // points
Estimate MeanEstimate(double sum, double sum_of_squares, double n);     // Student t

// Distributions.
double NormalCdf(double z);
double StudentTCdf(double t, double degrees_of_freedom);
double StudentTQuantile(double probability, double degrees_of_freedom);
// Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes §6.4).
double IncompleteBeta(double a, double b, double x);

// A test between two groups: the difference (second minus first), its 95% CI and p-value.
struct Difference {
  double difference = 0;
  double low = 0;
  double high = 0;
  double p_value = 1;
};
// Two proportions: z test with the pooled variance; CI by the unpooled (Wald) variance.
Difference CompareProportions(double successes_a, double n_a, double successes_b, double n_b);
// Two NPS (independent samples): z test on the difference of the promoter-minus-detractor means.
Difference CompareNps(double promoters_a, double detractors_a, double n_a, double promoters_b,
                      double detractors_b, double n_b);
// Two means: Welch's t test with Welch–Satterthwaite degrees of freedom.
Difference CompareMeans(double mean_a, double variance_a, double n_a, double mean_b,
                        double variance_b, double n_b);

// Cohen's h for two proportions: 2 asin(sqrt(p2)) - 2 asin(sqrt(p1)).
double CohensH(double share_a, double share_b);

// A column-major design: columns[j][i] is predictor j of observation i.
using Columns = std::vector<std::vector<double>>;

struct RegressionFit {
  std::vector<double> coefficients;      // intercept first, then one per column
  std::vector<double> standard_errors;
  double r_squared = 0;                  // OLS; McFadden's pseudo-R² for logistic
  std::size_t observations = 0;
  bool has_converged = true;
};

// Ordinary least squares with an intercept (QR), classical standard errors.
std::optional<RegressionFit> FitLinear(const Columns& predictors, const std::vector<double>& outcome);
// Logistic regression with an intercept by iteratively reweighted least squares; standard
// errors from the inverse Fisher information. Outcome is 0/1.
std::optional<RegressionFit> FitLogistic(const Columns& predictors, const std::vector<double>& outcome,
                                         int max_iterations = 50);

// Johnson's (2000) relative weights: each predictor's share of R², summing to R². Both this and
// ShapleyR2 work from correlations; a NaN is a missing value, and each correlation uses the
// observations where both values are present (pairwise deletion, as key-driver surveys with
// "not applicable" answers need).
std::optional<std::vector<double>> RelativeWeights(const Columns& predictors, const std::vector<double>& outcome);
// Shapley decomposition of R² (LMG): the average gain in R² from adding a predictor over all
// orders; exact over all 2^p subsets, so p <= 16.
std::optional<std::vector<double>> ShapleyR2(const Columns& predictors, const std::vector<double>& outcome);

// Pearson's r over the pairs where neither value is NaN.
double Pearson(const std::vector<double>& x, const std::vector<double>& y);
// Area under the ROC curve of `score` for the 0/1 `label` (Mann–Whitney, ties count half).
double Auc(const std::vector<double>& score, const std::vector<double>& label);

}  // namespace cxm::analytics
