// Life events: an order and what follows it (delivery, billing, returns, a review).
#include "simulate/life/customer_life.h"

namespace cxm::simulate::life {

std::string CustomerLife::AmountText(double amount_local) const {
  const std::string_view currency = kCountries[country_idx_].currency;
  if (currency == "RON") return fmt::format("{:.0f} lei", amount_local);
  if (currency == "EUR") return fmt::format("€{:.0f}", amount_local);
  return fmt::format("{:.0f} kr", amount_local);
}

void CustomerLife::SetOrderSlots(const OrderInfo& order) {
  slots_.order = order.code;
  slots_.product = (*phrases_->products)[order.product];
  slots_.amount = order.amount_text;
  slots_.days = rng_.UniformInt(2, 9);
}

void CustomerLife::Order(std::int64_t ts) {
  ++out_->realised.orders;
  if (reference_ts_ < 0) reference_ts_ = ts;
  OrderInfo order;
  order.product = static_cast<int>(rng_.Pick(kProducts.size()));
  const double value_sek = std::max(79.0, kProducts[order.product].price_sek * rng_.LogNormal(0, 0.3));
  order.value_local = std::round(value_sek * kCountries[country_idx_].price_level * 100) / 100;
  order.code = fmt::format("#NH{}", rng_.UniformInt(10000, 99999));
  order.amount_text = AmountText(std::round(order.value_local * rng_.Uniform(0.1, 0.3)));
  current_order_ = &order;
  SetOrderSlots(order);

  const Persona& persona = kPersonas[persona_idx_];
  const auto channel_idx = rng_.PickWeighted(persona.order_channels);
  const std::string_view channel = kOrderChannels[channel_idx];
  const bool is_digital = channel_idx != 2;
  double worst = 1.0;
  double best = -1.0;
  const auto note = [&](double valence) {
    worst = std::min(worst, valence);
    best = std::max(best, valence);
  };

  // Discovery: browsing before the purchase, sometimes with the chat bot.
  if (is_digital && rng_.Bernoulli(0.6)) {
    const std::int64_t discovery_ts = ts - static_cast<std::int64_t>(rng_.Uniform(0.5, 72) * kSecondsPerHour);
    const bool is_outage = rng_.Bernoulli(0.02);
    InteractionRow interaction{.id = NextId('I', &interaction_seq_), .ts = discovery_ts,
                               .channel = channel, .touchpoint = Touchpoint::kDiscovery,
                               .failure = is_outage ? Failure::kOutage : Failure::kNone};
    const double valence = is_outage ? rng_.Normal(-0.45, 0.1) : 0.25 + mood_ + rng_.Normal(0, 0.15);
    interaction.end_ts = discovery_ts + static_cast<std::int64_t>(rng_.Uniform(60, 1800));
    if (!is_outage && rng_.Bernoulli(0.35)) {
      interaction.end_ts = BotChat(interaction.id, discovery_ts, valence);
    }
    note(valence);
    const double contribution = SingleMoment(interaction, valence, discovery_ts);
    if (is_outage) HandleFailure(Failure::kOutage, Situation::kOutage, discovery_ts, contribution);
  }

  // Purchase; a defective product is remembered when the customer finds the defect.
  const bool is_checkout_outage = is_digital && rng_.Bernoulli(0.02);
  const bool is_defect = rng_.Bernoulli(0.03);
  std::int64_t delivered_ts = ts + static_cast<std::int64_t>(rng_.Uniform(0.8, 2.0) * kSecondsPerDay);
  {
    InteractionRow interaction{.id = NextId('I', &interaction_seq_), .ts = ts,
                               .end_ts = ts + static_cast<std::int64_t>(rng_.Uniform(60, 1200)),
                               .channel = channel, .touchpoint = Touchpoint::kPurchase,
                               .failure = is_defect ? Failure::kDefect
                                                    : (is_checkout_outage ? Failure::kOutage : Failure::kNone)};
    double valence = 0.35 + mood_ + rng_.Normal(0, 0.15);
    std::int64_t remember_ts = ts;
    if (is_checkout_outage) valence = rng_.Normal(-0.4, 0.1);
    if (is_defect) {
      valence = rng_.Normal(-0.6, 0.1);
      remember_ts = delivered_ts + static_cast<std::int64_t>(rng_.Uniform(1, 20) * kSecondsPerDay);
    }
    note(valence);
    WriteTransaction(ts, order.value_local, kProducts[order.product].category);
    const double contribution = SingleMoment(interaction, valence, remember_ts);
    if (is_checkout_outage) HandleFailure(Failure::kOutage, Situation::kOutage, ts, contribution);
    if (is_defect) {
      const double recovered = HandleFailure(Failure::kDefect, Situation::kDefect, remember_ts, contribution);
      note(recovered);
    }
  }

  // Delivery (not for store purchases).
  if (is_digital) {
    const double draw = rng_.Uniform();
    const Failure failure = draw < 0.09 ? Failure::kLateDelivery
                                        : (draw < 0.12 ? Failure::kDamagedItem : Failure::kNone);
    const int days_late = rng_.UniformInt(2, 9);
    if (failure == Failure::kLateDelivery) delivered_ts += days_late * kSecondsPerDay;
    InteractionRow interaction{.id = NextId('I', &interaction_seq_), .ts = delivered_ts,
                               .end_ts = delivered_ts + 300, .channel = channel,
                               .touchpoint = Touchpoint::kDelivery, .failure = failure};
    double valence = 0.4 + mood_ + rng_.Normal(0, 0.15);
    if (failure == Failure::kLateDelivery) {
      valence = -0.3 - 0.06 * days_late + 0.5 * mood_ + rng_.Normal(0, 0.1);
    } else if (failure == Failure::kDamagedItem) {
      valence = rng_.Normal(-0.65, 0.1);
    }
    note(valence);
    const double contribution = SingleMoment(interaction, valence, delivered_ts);
    if (rng_.Bernoulli(0.10)) TransactionalSurvey(interaction.id, Touchpoint::kDelivery, delivered_ts, valence, {});
    if (failure == Failure::kLateDelivery) {
      // They contact while they wait, a few days into the delay.
      const std::int64_t contact_ts = delivered_ts - static_cast<std::int64_t>(rng_.Uniform(1, days_late) * kSecondsPerDay);
      note(HandleFailure(failure, Situation::kLateDelivery, contact_ts, contribution));
    } else if (failure == Failure::kDamagedItem) {
      note(HandleFailure(failure, Situation::kDamagedItem, delivered_ts, contribution));
    }
  }

  // Billing: invoice customers (Nordic pay-later) get one a week or two later.
  if (rng_.Bernoulli(0.55)) {
    const std::int64_t billing_ts = ts + static_cast<std::int64_t>(rng_.Uniform(7, 20) * kSecondsPerDay);
    const bool is_error = rng_.Bernoulli(0.04);
    InteractionRow interaction{.id = NextId('I', &interaction_seq_), .ts = billing_ts,
                               .end_ts = billing_ts + 60, .channel = "email",
                               .touchpoint = Touchpoint::kBilling,
                               .failure = is_error ? Failure::kBillingError : Failure::kNone};
    const double valence = is_error ? rng_.Normal(-0.55, 0.1) : 0.1 + 0.5 * mood_ + rng_.Normal(0, 0.1);
    note(valence);
    const double contribution = SingleMoment(interaction, valence, billing_ts);
    if (is_error) note(HandleFailure(Failure::kBillingError, Situation::kBillingError, billing_ts, contribution));
  }

  // Questions to support that are not about a failure.
  if (rng_.Bernoulli(0.65)) {
    constexpr std::array<double, 6> kQuestionWeights = {0.30, 0.15, 0.15, 0.12, 0.08, 0.20};
    const auto question = static_cast<Situation>(5 + rng_.PickWeighted(kQuestionWeights));
    const std::int64_t contact_ts = ts + static_cast<std::int64_t>(rng_.Uniform(0.2, 6) * kSecondsPerDay);
    const SupportResult result = SupportContact(question, Failure::kNone, contact_ts, 0);
    note(result.remembered);
    if (question == Situation::kReturnItem && result.is_resolved) Return(result.end_ts, 0.1);
  } else if (rng_.Bernoulli(0.04)) {
    Return(ts + static_cast<std::int64_t>(rng_.Uniform(3, 25) * kSecondsPerDay), 0.15);
  }

  // Reviews: more likely after strong experiences, most of all bad ones.
  const double review_chance = 0.03 + 0.12 * std::max(0.0, -worst) + 0.03 * (best > 0.55);
  if (rng_.Bernoulli(review_chance)) Review(delivered_ts, worst, best);
  current_order_ = nullptr;
}

void CustomerLife::Return(std::int64_t ts, double base_valence) {
  InteractionRow interaction{.id = NextId('I', &interaction_seq_), .ts = ts,
                             .end_ts = ts + static_cast<std::int64_t>(rng_.Uniform(120, 900)),
                             .channel = rng_.Bernoulli(0.6) ? "web" : "store",
                             .touchpoint = Touchpoint::kReturns, .outcome = "resolved"};
  const double valence = base_valence + mood_ + rng_.Normal(0, 0.15);
  SingleMoment(interaction, valence, ts);
  if (rng_.Bernoulli(0.15)) TransactionalSurvey(interaction.id, Touchpoint::kReturns, ts, valence, {});
  if (current_order_ != nullptr) WriteTransaction(ts, -current_order_->value_local, "refund");
}

void CustomerLife::Review(std::int64_t ts, double worst, double best) {
  ++out_->realised.reviews;
  // The review reflects the order as remembered: its worst moment and how it ended.
  const double remembered = Clip((worst + (worst < -0.2 ? 0.3 * best : best)) / 2, -1, 1);
  const int stars = ClipRound(3.0 + 2.4 * remembered + rng_.Normal(0, 0.5), 1, 5);
  int topic = 0;  // delivery
  Touchpoint touchpoint = Touchpoint::kDelivery;
  if (last_failure_ == Failure::kDefect) {
    topic = 1;
    touchpoint = Touchpoint::kPurchase;
  } else if (rng_.Bernoulli(0.35)) {
    topic = 2;
    touchpoint = Touchpoint::kSupport;
  } else if (rng_.Bernoulli(0.4)) {
    topic = 1;
    touchpoint = Touchpoint::kPurchase;
  }
  text_.clear();
  Say(stars >= 3 ? *phrases_->review_positive[topic] : *phrases_->review_negative[topic], &text_);
  if (stars >= 4 || stars <= 2) {
    text_.push_back(' ');
    Say(stars >= 4 ? *phrases_->recommend_positive : *phrases_->recommend_negative, &text_);
  }
  Humanise(rng_, stars <= 1 ? Level::kVeryNegative : stars == 2 ? Level::kNegative
                 : stars == 3 ? Level::kNeutral : stars == 4 ? Level::kPositive : Level::kVeryPositive,
           &text_);
  const bool is_social = stars <= 2 && rng_.Bernoulli(0.3);
  WriteFeedback({.ts = ts + static_cast<std::int64_t>(rng_.Uniform(0.5, 7) * kSecondsPerDay),
                 .kind = is_social ? "social" : "review", .csat = stars, .text = text_,
                 .touchpoint = touchpoint});
}

}  // namespace cxm::simulate::life
