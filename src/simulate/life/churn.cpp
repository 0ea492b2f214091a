// Life events: time passing (scheduled surveys and renewals), the churn hazard, churning.
#include "simulate/life/customer_life.h"

namespace cxm::simulate::life {

bool CustomerLife::AdvanceTo(std::int64_t target) {
  while (!has_churned_) {
    std::int64_t next_event = target;
    bool is_survey = false;
    if (wave_idx_ < survey_waves_.size() && survey_waves_[wave_idx_] < next_event) {
      next_event = survey_waves_[wave_idx_];
      is_survey = true;
    }
    const bool is_renewal = is_member_ && next_renewal_ < next_event;
    if (is_renewal) {
      next_event = next_renewal_;
      is_survey = false;
    }
    // Nobody churns in the middle of an episode already under way.
    const std::int64_t churn_from = std::max(clock_, last_activity_ts_);
    if (next_event > churn_from && MaybeChurn(churn_from, next_event)) return false;
    clock_ = std::max(clock_, next_event);
    if (next_event == target && !is_renewal && !is_survey) return true;
    if (is_renewal) {
      Renewal(next_renewal_);
      next_renewal_ += 365 * kSecondsPerDay;
    } else {
      if (survey_waves_[wave_idx_] > signup_ts_) RelationshipSurvey(survey_waves_[wave_idx_]);
      ++wave_idx_;
    }
  }
  return false;
}

bool CustomerLife::MaybeChurn(std::int64_t from, std::int64_t to) {
  DecayTo(from);
  const double hazard_per_day = model_.churn_base_per_day *
                                std::exp(-model_.churn_attitude_slope * Attitude()) *
                                (model_.churn_inertia_base - model_.churn_inertia_slope * inertia_);
  const double days = static_cast<double>(to - from) / kSecondsPerDay;
  const double churn_probability = 1.0 - std::exp(-hazard_per_day * days);
  if (!rng_.Bernoulli(churn_probability)) return false;
  // When, given that it happens in (from, to]: the truncated exponential's inverse CDF.
  const double fraction = rng_.Uniform() * churn_probability;
  const double churn_days = -std::log(1.0 - fraction) / hazard_per_day;
  churn_ts_ = from + static_cast<std::int64_t>(churn_days * kSecondsPerDay);
  has_churned_ = true;
  WriteChurn();
  return true;
}

void CustomerLife::WriteChurn() {
  int reason = -1;
  if (last_failure_ == Failure::kLateDelivery) reason = kLateDeliveryReason;
  if (last_failure_ == Failure::kBillingError) reason = kBillingReason;
  if (last_failure_ == Failure::kDamagedItem || last_failure_ == Failure::kDefect) reason = kQuality;
  if (last_recovery_was_poor_ && rng_.Bernoulli(0.5)) reason = kPoorService;
  if (reason < 0 || rng_.Bernoulli(0.2)) {
    constexpr std::array<double, 3> kOtherReasons = {0.5, 0.3, 0.2};  // price, competitor, moved
    constexpr std::array<int, 3> kOther = {kPrice, kCompetitor, kMoved};
    reason = kOther[rng_.PickWeighted(kOtherReasons)];
  }
  RowWriter row(options_.format, SpecOf(OutputTable::kChurn),
                &Table(OutputTable::kChurn));
  row.Text(customer_id_).Time(churn_ts_);
  if (rng_.Bernoulli(0.3)) {
    row.Null();  // many leavers give no reason
  } else {
    text_.clear();
    Say(*phrases_->churn_reason[reason], &text_);
    row.Text(text_);
  }
  row.End();
}

}  // namespace cxm::simulate::life
