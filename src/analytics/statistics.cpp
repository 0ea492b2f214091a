#include "analytics/statistics.h"

#include <algorithm>
#include <cmath>
#include <bit>
#include <numeric>

#include <Eigen/Dense>

namespace cxm::analytics {
namespace {

constexpr double kSmallGroup = 30;  // below this many answers an estimate is flagged

double Nan() { return std::nan(""); }


// Modified Lentz evaluation of the continued fraction for I_x(a, b) (Numerical Recipes §6.4).
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  const double sum_ab = a + b;
  double c = 1;
  double d = 1 - sum_ab * x / (a + 1);
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double fraction = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    double term = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
    d = 1 + term * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + term / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    fraction *= d * c;
    term = -(a + m) * (sum_ab + m) * x / ((a + m2) * (a + 1 + m2));
    d = 1 + term * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + term / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double step = d * c;
    fraction *= step;
    if (std::abs(step - 1) < 1e-15) break;
  }
  return fraction;
}

using Matrix = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;

// The design matrix with a leading column of ones; nullopt when shapes disagree or n <= p + 1.
std::optional<Matrix> Design(const Columns& predictors, std::size_t observations) {
  const auto columns = static_cast<Eigen::Index>(predictors.size() + 1);
  const auto rows = static_cast<Eigen::Index>(observations);
  if (rows <= columns) return std::nullopt;
  Matrix design(rows, columns);
  design.col(0).setOnes();
  for (std::size_t column = 0; column < predictors.size(); ++column) {
    if (predictors[column].size() != observations) return std::nullopt;
    design.col(static_cast<Eigen::Index>(column + 1)) =
        Eigen::Map<const Vector>(predictors[column].data(), rows);
  }
  return design;
}

// Correlations among predictors and with the outcome, each over the observations where both
// values are present (pairwise deletion: NaN is missing); nullopt when one is undefined.
struct Correlations {
  Matrix among;         // p x p
  Vector with_outcome;  // p
};
double PairwiseCorrelation(const std::vector<double>& x, const std::vector<double>& y) {
  double n = 0, sum_x = 0, sum_y = 0;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (std::isnan(x[i]) || std::isnan(y[i])) continue;
    n += 1;
    sum_x += x[i];
    sum_y += y[i];
  }
  if (n < 3) return Nan();
  const double mean_x = sum_x / n;
  const double mean_y = sum_y / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (std::isnan(x[i]) || std::isnan(y[i])) continue;
    sxy += (x[i] - mean_x) * (y[i] - mean_y);
    sxx += (x[i] - mean_x) * (x[i] - mean_x);
    syy += (y[i] - mean_y) * (y[i] - mean_y);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : Nan();
}
std::optional<Correlations> CorrelationsOf(const Columns& predictors, const std::vector<double>& outcome) {
  const auto p = static_cast<Eigen::Index>(predictors.size());
  if (p == 0) return std::nullopt;
  Correlations correlations{Matrix::Identity(p, p), Vector(p)};
  for (Eigen::Index a = 0; a < p; ++a) {
    correlations.with_outcome(a) = PairwiseCorrelation(predictors[static_cast<std::size_t>(a)], outcome);
    if (std::isnan(correlations.with_outcome(a))) return std::nullopt;
    for (Eigen::Index b = a + 1; b < p; ++b) {
      const double r = PairwiseCorrelation(predictors[static_cast<std::size_t>(a)], predictors[static_cast<std::size_t>(b)]);
      if (std::isnan(r)) return std::nullopt;
      correlations.among(a, b) = correlations.among(b, a) = r;
    }
  }
  return correlations;
}

}  // namespace

std::pair<double, double> WilsonInterval(double successes, double trials, double z) {
  if (!(trials > 0)) return {Nan(), Nan()};
  const double share = successes / trials;
  const double z2 = z * z;
  const double centre = (share + z2 / (2 * trials)) / (1 + z2 / trials);
  const double half = z * std::sqrt(share * (1 - share) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::pair<double, double> NetPromoterScore(double promoters, double detractors, double answers) {
  if (!(answers > 0)) return {Nan(), Nan()};
  const double promoter_share = promoters / answers;
  const double detractor_share = detractors / answers;
  const double nps = promoter_share - detractor_share;
  const double variance = promoter_share + detractor_share - nps * nps;
  return {100 * nps, 100 * kZ95 * std::sqrt(variance / answers)};
}

Estimate ProportionEstimate(double successes, double trials) {
  const auto [low, high] = WilsonInterval(successes, trials);
  return {.value = trials > 0 ? successes / trials : Nan(), .low = low, .high = high, .n = trials,
          .is_small = trials < kSmallGroup};
}

Estimate NpsEstimate(double promoters, double detractors, double answers) {
  const auto [nps, half_width] = NetPromoterScore(promoters, detractors, answers);
  return {.value = nps, .low = nps - half_width, .high = nps + half_width, .n = answers,
          .is_small = answers < kSmallGroup};
}

Estimate MeanEstimate(double sum, double sum_of_squares, double n) {
  if (!(n > 0)) return {.value = Nan(), .low = Nan(), .high = Nan(), .n = n, .is_small = true};
  const double mean = sum / n;
  if (n < 2) return {.value = mean, .low = Nan(), .high = Nan(), .n = n, .is_small = true};
  const double variance = std::max(0.0, (sum_of_squares - n * mean * mean) / (n - 1));
  const double half_width = StudentTQuantile(0.975, n - 1) * std::sqrt(variance / n);
  return {.value = mean, .low = mean - half_width, .high = mean + half_width, .n = n,
          .is_small = n < kSmallGroup};
}

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double IncompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                           b * std::log1p(-x);
  const double front = std::exp(log_front);
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use symmetry beyond.
  if (x < (a + 1) / (a + b + 2)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
}

double StudentTCdf(double t, double degrees_of_freedom) {
  if (std::isnan(t) || !(degrees_of_freedom > 0)) return Nan();
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  const double tail = 0.5 * IncompleteBeta(degrees_of_freedom / 2, 0.5,
                                           degrees_of_freedom / (degrees_of_freedom + t * t));
  return t > 0 ? 1 - tail : tail;
}

double StudentTQuantile(double probability, double degrees_of_freedom) {
  if (!(probability > 0 && probability < 1) || !(degrees_of_freedom > 0)) return Nan();
  double low = -1e6;
  double high = 1e6;
  for (int step = 0; step < 200 && high - low > 1e-12; ++step) {
    const double middle = (low + high) / 2;
    (StudentTCdf(middle, degrees_of_freedom) < probability ? low : high) = middle;
  }
  return (low + high) / 2;
}

Difference CompareProportions(double successes_a, double n_a, double successes_b, double n_b) {
  if (!(n_a > 0 && n_b > 0)) return {Nan(), Nan(), Nan(), Nan()};
  const double share_a = successes_a / n_a;
  const double share_b = successes_b / n_b;
  const double pooled = (successes_a + successes_b) / (n_a + n_b);
  const double pooled_se = std::sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b));
  const double se = std::sqrt(share_a * (1 - share_a) / n_a + share_b * (1 - share_b) / n_b);
  const double difference = share_b - share_a;
  const double p_value = pooled_se > 0 ? 2 * (1 - NormalCdf(std::abs(difference) / pooled_se)) : 1;
  return {difference, difference - kZ95 * se, difference + kZ95 * se, p_value};
}

Difference CompareNps(double promoters_a, double detractors_a, double n_a, double promoters_b,
                      double detractors_b, double n_b) {
  if (!(n_a > 0 && n_b > 0)) return {Nan(), Nan(), Nan(), Nan()};
  auto moments = [](double promoters, double detractors, double n) {
    const double mean = (promoters - detractors) / n;
    return std::pair{mean, (promoters + detractors) / n - mean * mean};
  };
  const auto [mean_a, variance_a] = moments(promoters_a, detractors_a, n_a);
  const auto [mean_b, variance_b] = moments(promoters_b, detractors_b, n_b);
  const double se = std::sqrt(variance_a / n_a + variance_b / n_b);
  const double difference = mean_b - mean_a;
  const double p_value = se > 0 ? 2 * (1 - NormalCdf(std::abs(difference) / se)) : 1;
  return {100 * difference, 100 * (difference - kZ95 * se), 100 * (difference + kZ95 * se), p_value};
}

Difference CompareMeans(double mean_a, double variance_a, double n_a, double mean_b,
                        double variance_b, double n_b) {
  if (!(n_a > 1 && n_b > 1)) return {Nan(), Nan(), Nan(), Nan()};
  const double part_a = variance_a / n_a;
  const double part_b = variance_b / n_b;
  const double se = std::sqrt(part_a + part_b);
  const double difference = mean_b - mean_a;
  if (!(se > 0)) return {difference, difference, difference, difference == 0 ? 1.0 : 0.0};
  const double degrees_of_freedom =
      (part_a + part_b) * (part_a + part_b) / (part_a * part_a / (n_a - 1) + part_b * part_b / (n_b - 1));
  const double t = difference / se;
  const double half_width = StudentTQuantile(0.975, degrees_of_freedom) * se;
  return {difference, difference - half_width, difference + half_width,
          2 * (1 - StudentTCdf(std::abs(t), degrees_of_freedom))};
}

double CohensH(double share_a, double share_b) {
  return 2 * std::asin(std::sqrt(share_b)) - 2 * std::asin(std::sqrt(share_a));
}

std::optional<RegressionFit> FitLinear(const Columns& predictors, const std::vector<double>& outcome) {
  const std::optional<Matrix> design = Design(predictors, outcome.size());
  if (!design) return std::nullopt;
  const Eigen::Map<const Vector> y(outcome.data(), static_cast<Eigen::Index>(outcome.size()));
  const Eigen::ColPivHouseholderQR<Matrix> qr(*design);
  if (qr.rank() < design->cols()) return std::nullopt;
  const Vector beta = qr.solve(y);
  const Vector residual = y - *design * beta;
  const double sse = residual.squaredNorm();
  const double sst = (y.array() - y.mean()).matrix().squaredNorm();
  const double n = static_cast<double>(outcome.size());
  const double sigma2 = sse / (n - static_cast<double>(design->cols()));
  const Matrix gram = design->transpose() * *design;
  const Matrix covariance = sigma2 * gram.ldlt().solve(Matrix::Identity(gram.rows(), gram.cols()));
  RegressionFit fit;
  fit.observations = outcome.size();
  fit.r_squared = sst > 0 ? 1 - sse / sst : 0;
  for (Eigen::Index j = 0; j < beta.size(); ++j) {
    fit.coefficients.push_back(beta(j));
    fit.standard_errors.push_back(std::sqrt(std::max(0.0, covariance(j, j))));
  }
  return fit;
}

std::optional<RegressionFit> FitLogistic(const Columns& predictors, const std::vector<double>& outcome,
                                         int max_iterations) {
  const std::optional<Matrix> design = Design(predictors, outcome.size());
  if (!design) return std::nullopt;
  const Eigen::Map<const Vector> y(outcome.data(), static_cast<Eigen::Index>(outcome.size()));
  const double share = y.mean();
  if (!(share > 0 && share < 1)) return std::nullopt;
  Vector beta = Vector::Zero(design->cols());
  beta(0) = std::log(share / (1 - share));
  Matrix information;
  RegressionFit fit;
  fit.has_converged = false;
  double log_likelihood = 0;
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    const Vector eta = *design * beta;
    const Vector mu = eta.unaryExpr([](double value) { return 1 / (1 + std::exp(-value)); });
    const Vector weight = (mu.array() * (1 - mu.array())).max(1e-12);
    information = design->transpose() * weight.asDiagonal() * *design;
    const Vector score = design->transpose() * (y - mu);
    const Eigen::LDLT<Matrix> solver(information);
    if (solver.info() != Eigen::Success) return std::nullopt;
    const Vector step = solver.solve(score);
    beta += step;
    if (step.cwiseAbs().maxCoeff() < 1e-9) {
      fit.has_converged = true;
      break;
    }
  }
  {
    const Vector eta = *design * beta;
    log_likelihood = 0;
    for (Eigen::Index i = 0; i < eta.size(); ++i) {
      // log(1 + e^eta) computed stably.
      const double softplus = eta(i) > 0 ? eta(i) + std::log1p(std::exp(-eta(i))) : std::log1p(std::exp(eta(i)));
      log_likelihood += y(i) * eta(i) - softplus;
    }
  }
  const double n = static_cast<double>(outcome.size());
  const double null_log_likelihood = n * (share * std::log(share) + (1 - share) * std::log(1 - share));
  const Matrix covariance = information.ldlt().solve(Matrix::Identity(information.rows(), information.cols()));
  fit.observations = outcome.size();
  fit.r_squared = 1 - log_likelihood / null_log_likelihood;
  for (Eigen::Index j = 0; j < beta.size(); ++j) {
    fit.coefficients.push_back(beta(j));
    fit.standard_errors.push_back(std::sqrt(std::max(0.0, covariance(j, j))));
  }
  return fit;
}

std::optional<std::vector<double>> RelativeWeights(const Columns& predictors, const std::vector<double>& outcome) {
  const std::optional<Correlations> correlations = CorrelationsOf(predictors, outcome);
  if (!correlations) return std::nullopt;
  const Eigen::SelfAdjointEigenSolver<Matrix> eigen(correlations->among);
  if (eigen.info() != Eigen::Success || eigen.eigenvalues().minCoeff() <= 1e-12) return std::nullopt;
  const Matrix& vectors = eigen.eigenvectors();
  const Vector roots = eigen.eigenvalues().cwiseSqrt();
  // Lambda: correlations of the predictors with their nearest orthogonal counterparts Z.
  const Matrix lambda = vectors * roots.asDiagonal() * vectors.transpose();
  // Beta: the outcome regressed on Z (uncorrelated, so one correlation each).
  const Vector beta = vectors * roots.cwiseInverse().asDiagonal() * vectors.transpose() * correlations->with_outcome;
  std::vector<double> weights(predictors.size());
  for (Eigen::Index j = 0; j < lambda.rows(); ++j) {
    weights[static_cast<std::size_t>(j)] = lambda.row(j).cwiseAbs2().dot(beta.cwiseAbs2());
  }
  return weights;
}

std::optional<std::vector<double>> ShapleyR2(const Columns& predictors, const std::vector<double>& outcome) {
  const std::size_t p = predictors.size();
  if (p > 16) return std::nullopt;
  const std::optional<Correlations> correlations = CorrelationsOf(predictors, outcome);
  if (!correlations) return std::nullopt;
  const std::size_t subsets = std::size_t{1} << p;
  // R² of each subset: r_S' R_SS^-1 r_S.
  std::vector<double> r_squared(subsets, 0.0);
  for (std::size_t mask = 1; mask < subsets; ++mask) {
    std::vector<Eigen::Index> members;
    for (std::size_t j = 0; j < p; ++j) {
      if (mask >> j & 1) members.push_back(static_cast<Eigen::Index>(j));
    }
    const auto size = static_cast<Eigen::Index>(members.size());
    Matrix among(size, size);
    Vector with_outcome(size);
    for (Eigen::Index a = 0; a < size; ++a) {
      with_outcome(a) = correlations->with_outcome(members[static_cast<std::size_t>(a)]);
      for (Eigen::Index b = 0; b < size; ++b) {
        among(a, b) = correlations->among(members[static_cast<std::size_t>(a)], members[static_cast<std::size_t>(b)]);
      }
    }
    r_squared[mask] = with_outcome.dot(among.ldlt().solve(with_outcome));
  }
  // Weight of a subset S not holding j: |S|! (p - |S| - 1)! / p!.
  std::vector<double> order_weight(p);
  for (std::size_t size = 0; size < p; ++size) {
    order_weight[size] = std::exp(std::lgamma(static_cast<double>(size) + 1) +
                                  std::lgamma(static_cast<double>(p - size)) - std::lgamma(static_cast<double>(p) + 1));
  }
  std::vector<double> shares(p, 0.0);
  for (std::size_t mask = 0; mask < subsets; ++mask) {
    const auto size = static_cast<std::size_t>(std::popcount(mask));
    for (std::size_t j = 0; j < p; ++j) {
      if (mask >> j & 1) continue;
      shares[j] += order_weight[size] * (r_squared[mask | (std::size_t{1} << j)] - r_squared[mask]);
    }
  }
  return shares;
}

double Pearson(const std::vector<double>& x, const std::vector<double>& y) { return PairwiseCorrelation(x, y); }

double Auc(const std::vector<double>& score, const std::vector<double>& label) {
  const std::size_t n = std::min(score.size(), label.size());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  double positive_rank_sum = 0;
  double positives = 0;
  for (std::size_t start = 0; start < n;) {
    std::size_t end = start;
    while (end < n && score[order[end]] == score[order[start]]) ++end;
    const double mid_rank = (static_cast<double>(start + end) + 1) / 2;  // ranks start at 1
    for (std::size_t k = start; k < end; ++k) {
      if (label[order[k]] > 0.5) {
        positive_rank_sum += mid_rank;
        positives += 1;
      }
    }
    start = end;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (!(positives > 0 && negatives > 0)) return Nan();
  return (positive_rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

}  // namespace cxm::analytics
