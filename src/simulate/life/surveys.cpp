// Life events: transactional CSAT and relationship NPS surveys.
#include "simulate/life/customer_life.h"

namespace cxm::simulate::life {

void CustomerLife::TransactionalSurvey(const std::string& interaction_id, Touchpoint touchpoint,
                                       std::int64_t ts, double remembered, std::optional<int> ces) {
  ++out_->realised.csat_invitations;
  if (!rng_.Bernoulli(model_.csat_response_base + model_.csat_response_per_intensity * std::abs(remembered))) return;
  ++out_->realised.csat_responses;
  const int csat = ClipRound(model_.csat_intercept + model_.csat_per_remembered * remembered +
                                 rng_.Normal(0, model_.csat_noise_sd), 1, 5);
  text_.clear();
  if (rng_.Bernoulli(0.4)) {
    Say(*phrases_->survey_comment[csat - 1], &text_);
    Humanise(rng_, static_cast<Level>(csat - 1), &text_);
  }
  WriteFeedback({.interaction_id = interaction_id,
                 .ts = ts + static_cast<std::int64_t>(rng_.Uniform(1, 48) * kSecondsPerHour),
                 .kind = "survey", .csat = csat, .ces = ces, .text = text_,
                 .touchpoint = touchpoint});
}

void CustomerLife::RelationshipSurvey(std::int64_t ts) {
  ++out_->realised.nps_invitations;
  DecayTo(ts);
  const double attitude = Attitude();
  if (!rng_.Bernoulli(0.06 + 0.10 * std::abs(attitude))) return;
  ++out_->realised.nps_responses;
  const int nps = ClipRound(model_.nps_intercept + model_.nps_attitude_slope * attitude +
                                rng_.Normal(0, model_.nps_noise_sd), 0, 10);
  const int net = nps >= 9 ? 1 : (nps <= 6 ? -1 : 0);
  out_->realised.promoters += net > 0;
  out_->realised.detractors += net < 0;
  nps_answers_.emplace_back(ts, net);
  text_.clear();
  if (rng_.Bernoulli(0.35)) {
    const int level = nps <= 3 ? 0 : nps <= 6 ? 1 : nps <= 8 ? 2 : nps == 9 ? 3 : 4;
    Say(*phrases_->survey_comment[level], &text_);
    Humanise(rng_, static_cast<Level>(level), &text_);
  }
  WriteFeedback({.ts = ts + static_cast<std::int64_t>(rng_.Uniform(0, 96) * kSecondsPerHour),
                 .kind = "survey", .nps = nps, .text = text_});
}

}  // namespace cxm::simulate::life
