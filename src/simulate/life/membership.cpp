// Life events: onboarding, and the yearly membership renewal.
#include "simulate/life/customer_life.h"

namespace cxm::simulate::life {

void CustomerLife::Onboarding(std::int64_t ts) {
  const bool is_outage = rng_.Bernoulli(0.04);
  InteractionRow interaction{.id = NextId('I', &interaction_seq_), .ts = ts,
                             .end_ts = ts + static_cast<std::int64_t>(rng_.Uniform(120, 900)),
                             .channel = rng_.Bernoulli(0.6) ? "app" : "web",
                             .touchpoint = Touchpoint::kOnboarding,
                             .failure = is_outage ? Failure::kOutage : Failure::kNone};
  const double valence = is_outage ? rng_.Normal(-0.45, 0.1) : 0.3 + mood_ + rng_.Normal(0, 0.15);
  const double contribution = SingleMoment(interaction, valence, ts);
  if (rng_.Bernoulli(0.15)) TransactionalSurvey(interaction.id, Touchpoint::kOnboarding, ts, valence, {});
  if (is_outage) HandleFailure(Failure::kOutage, Situation::kOutage, ts, contribution);
}

void CustomerLife::Renewal(std::int64_t ts) {
  DecayTo(ts);
  const bool cancels = Attitude() < -0.25 && rng_.Bernoulli(0.7);
  InteractionRow interaction{.id = NextId('I', &interaction_seq_), .ts = ts, .end_ts = ts + 60,
                             .channel = "email", .touchpoint = Touchpoint::kRenewal,
                             .outcome = cancels ? "unresolved" : "resolved"};
  SingleMoment(interaction, 0.1 + 0.5 * mood_ + rng_.Normal(0, 0.1), ts);
  if (cancels) {
    is_member_ = false;
  } else {
    WriteTransaction(ts, std::round(399 * kCountries[country_idx_].price_level), "membership");
  }
}

}  // namespace cxm::simulate::life
