// Life events: failures and their recovery (support contacts, the bot), SPEC §4.7.
#include "simulate/life/customer_life.h"

namespace cxm::simulate::life {

std::int64_t CustomerLife::BotChat(const std::string& interaction_id, std::int64_t ts, double valence) {
  int seq = 0;
  std::int64_t clock = ts;
  const auto next = [&] { clock += static_cast<std::int64_t>(rng_.Uniform(8, 60)); };
  text_.clear();
  Say(*phrases_->bot_greet, &text_);
  WriteMessage(interaction_id, seq++, clock, "bot", text_, {});
  next();
  CustomerTurn(phrases_->browse, valence, false, &text_);
  WriteMessage(interaction_id, seq++, clock, "customer", text_, valence);
  next();
  text_.clear();
  Say(*phrases_->bot_answer, &text_);
  CapitaliseFirst(&text_);
  WriteMessage(interaction_id, seq++, clock, "bot", text_, {});
  next();
  CustomerTurn(nullptr, valence, true, &text_);
  WriteMessage(interaction_id, seq++, clock, "customer", text_, valence);
  return clock;
}

double CustomerLife::HandleFailure(Failure failure, Situation situation, std::int64_t ts, double failure_hit) {
  if (!has_failed_) reference_ts_ = ts;
  has_failed_ = true;
  last_failure_ = failure;
  constexpr std::array<double, 5> kContactChance = {0.7, 0.85, 0.8, 0.35, 0.85};
  double best_remembered = -1.0;
  bool is_recovered_well = false;
  std::int64_t contact_ts = ts + static_cast<std::int64_t>(rng_.Uniform(0.1, 1.5) * kSecondsPerDay);
  if (rng_.Bernoulli(kContactChance[static_cast<int>(situation)])) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      const SupportResult result = SupportContact(situation, failure, contact_ts, attempt);
      best_remembered = std::max(best_remembered, result.remembered);
      if (result.is_resolved) {
        DecayTo(result.end_ts);
        memory_ += model_.forgiveness * result.quality * std::abs(failure_hit);
        if (result.quality >= model_.good_recovery_threshold) {
          memory_ += model_.recovery_paradox;
          is_recovered_well = true;
        }
        break;
      }
      if (!rng_.Bernoulli(0.65)) break;
      contact_ts = result.end_ts + static_cast<std::int64_t>(rng_.Uniform(1, 4) * kSecondsPerDay);
    }
  }
  if (!is_recovered_well) has_poor_recovery_ = true;
  last_recovery_was_poor_ = !is_recovered_well;
  return best_remembered;
}

CustomerLife::SupportResult CustomerLife::SupportContact(Situation situation, Failure failure, std::int64_t ts, int repeat_idx) {
  Realised& realised = out_->realised;
  ++realised.support_contacts;
  const bool is_failure = static_cast<int>(situation) < 5;
  const Persona& persona = kPersonas[persona_idx_];
  const auto channel = static_cast<ContactChannel>(rng_.PickWeighted(persona.contact_channels));
  const std::vector<int>& team = staff_.agents_by_team[language_idx_];
  const Agent* agent = &staff_.agents[team[rng_.Pick(team.size())]];

  constexpr std::array<double, 5> kStartValence = {-0.5, -0.6, -0.55, -0.4, -0.55};
  const double start = Clip((is_failure ? kStartValence[static_cast<int>(situation)] : 0.05) +
                                0.6 * mood_ + rng_.Normal(0, 0.12) - 0.2 * repeat_idx, -1, 1);
  const double transfer_draw = rng_.Uniform();
  constexpr std::array<std::array<double, 2>, 4> kTransferChance = {{{0.15, 0.04}, {0.22, 0.07},
                                                                     {0.0, 0.0}, {0.05, 0.0}}};
  const int transfers = transfer_draw < kTransferChance[channel][1] ? 2
                        : transfer_draw < kTransferChance[channel][0] ? 1 : 0;
  const int detail_exchanges = channel == kEmail ? 0 : rng_.UniformInt(3, 5);
  const bool is_empathic = rng_.Bernoulli(agent->empathy);
  const double hours = channel == kEmail ? rng_.Uniform(2, 30) : rng_.Exponential(6.0);
  double compensation = 0;
  if (is_failure && current_order_ != nullptr &&
      rng_.Bernoulli(failure == Failure::kDamagedItem || failure == Failure::kDefect ? 0.6 : 0.45)) {
    compensation = std::round(current_order_->value_local * rng_.Uniform(0.08, 0.4));
  }
  const double process = Clip(1.0 - 0.22 * transfers - 0.25 * repeat_idx - hours / 72.0 -
                                  0.06 * detail_exchanges, 0, 1);
  const double interaction_quality = is_empathic ? 0.55 + 0.45 * agent->empathy : 0.25 * agent->empathy;
  const double compensation_quality =
      compensation > 0 ? std::min(1.0, compensation / (0.25 * current_order_->value_local)) : 0.0;
  const double quality = is_failure ? model_.process_weight * process +
                                          model_.interaction_weight * interaction_quality +
                                          model_.compensation_weight * compensation_quality
                                    : 0.6 * process + 0.4 * interaction_quality;
  const bool is_resolved = rng_.Bernoulli(is_failure ? 0.25 + 0.7 * quality : 0.8 + 0.15 * quality);
  std::string_view outcome = "resolved";
  if (!is_resolved) {
    outcome = transfers >= 2 ? "escalated" : "unresolved";
    if ((channel == kChat || channel == kPhone) && start < -0.5 && rng_.Bernoulli(0.3)) outcome = "abandoned";
  }
  const bool is_abandoned = outcome == "abandoned";
  double end = is_resolved ? (is_failure ? -0.55 + 1.5 * quality : 0.15 + 0.6 * quality)
                           : -0.45 - 0.2 * (1 - quality);
  if (is_abandoned) end = -0.75;
  end = Clip(end + 0.4 * mood_ + rng_.Normal(0, 0.1), -1, 1);

  // The customer's turns: start, a little movement while details are exchanged, a dip at
  // each transfer, the reaction to the outcome, the close.
  std::vector<double> trajectory;
  trajectory.push_back(start);
  double current = start + (is_empathic && start < -0.1 ? 0.1 : 0.0);
  for (int idx = 0; idx < detail_exchanges; ++idx) {
    current = Clip(current + 0.1 * (end - current) + rng_.Normal(0, 0.08), -1, 1);
    trajectory.push_back(current);
  }
  for (int idx = 0; idx < transfers; ++idx) {
    current = Clip(current - 0.25 + rng_.Normal(0, 0.05), -1, 1);
    trajectory.push_back(current);
  }
  if (!is_abandoned) {
    if (channel != kEmail) trajectory.push_back(Clip(0.7 * end + 0.3 * current, -1, 1));
    if (channel != kEmail || rng_.Bernoulli(0.7)) trajectory.push_back(end);
  }

  // Write the conversation.
  const std::string interaction_id = NextId('I', &interaction_seq_);
  std::string email;
  std::string phone;
  const bool shares_pii = rng_.Bernoulli(0.015);
  if (shares_pii) MakeContactDetails(&email, &phone);
  slots_.agent = std::string_view(agent->name).substr(0, agent->name.find(' '));
  int seq = 0;
  std::int64_t clock = ts;
  std::size_t turn_idx = 0;
  const auto gap = [&] {
    switch (channel) {
      case kChat: return static_cast<std::int64_t>(rng_.Uniform(20, 120));
      case kPhone: return static_cast<std::int64_t>(rng_.Uniform(10, 60));
      case kStore: return static_cast<std::int64_t>(rng_.Uniform(15, 90));
      case kEmail: return static_cast<std::int64_t>(rng_.Uniform(1, 30) * kSecondsPerHour);
    }
    return std::int64_t{30};
  };
  const auto say_agent = [&](std::string text) {
    CapitaliseFirst(&text);
    WriteMessage(interaction_id, seq++, clock, "agent", text, {});
    clock += gap();
  };
  const auto say_customer = [&](const std::string& text) {
    WriteMessage(interaction_id, seq++, clock, "customer", text, trajectory[turn_idx++]);
    clock += gap();
  };
  const auto phrase = [&](const List& list) {
    std::string text;
    Say(list, &text);
    return text;
  };
  const auto add = [&](std::string* text, const List& list) {
    text->push_back(' ');
    Say(list, text);
  };

  if (channel == kChat) {
    WriteMessage(interaction_id, seq++, clock, "bot", phrase(*phrases_->bot_greet), {});
    clock += gap();
  }
  // Opening: effort cue on repeat contacts, the reason, the feeling, sometimes contact details.
  {
    std::string opening;
    if (repeat_idx > 0) {
      Say(*phrases_->effort, &opening);
      opening.push_back(' ');
    }
    std::string reason;
    Say(*phrases_->open[static_cast<int>(situation)], &reason);
    EndSentence(&reason);
    CapitaliseFirst(&reason);
    opening += reason;
    opening.push_back(' ');
    Say(*phrases_->feel[LevelIdx(start)], &opening);
    if (shares_pii) {
      slots_.email = email;
      slots_.phone = phone;
      opening.push_back(' ');
      Say(*phrases_->pii, &opening);
    }
    Humanise(rng_, LevelOf(start), &opening);
    say_customer(opening);
  }
  if (channel == kChat) {
    WriteMessage(interaction_id, seq++, clock, "bot", phrase(*phrases_->bot_handover), {});
    clock += gap();
  }
  const int resolve_group = ResolveGroup(situation);
  if (channel == kEmail) {
    std::string reply = phrase(*phrases_->agent_greet);
    if (start < -0.1) add(&reply, is_empathic ? *phrases_->agent_empathy : *phrases_->agent_plain_ack);
    add(&reply, is_resolved ? *phrases_->agent_resolve[resolve_group] : *phrases_->agent_unresolved);
    if (compensation > 0) {
      compensation_text_ = AmountText(compensation);
      slots_.amount = compensation_text_;
      add(&reply, *phrases_->agent_compensate);
    }
    add(&reply, *phrases_->agent_close);
    say_agent(reply);
    if (turn_idx < trajectory.size()) {
      std::string closing;
      CustomerTurn(phrases_->close[LevelIdx(trajectory[turn_idx])], trajectory[turn_idx], false, &closing);
      say_customer(closing);
    }
  } else {
    std::string greeting = phrase(*phrases_->agent_greet);
    if (start < -0.1) add(&greeting, is_empathic ? *phrases_->agent_empathy : *phrases_->agent_plain_ack);
    say_agent(greeting);
    for (int idx = 0; idx < detail_exchanges; ++idx) {
      say_agent(phrase(*phrases_->agent_check));
      std::string reply;
      CustomerTurn(phrases_->reply[LevelIdx(trajectory[turn_idx])], trajectory[turn_idx], false, &reply);
      say_customer(reply);
    }
    for (int idx = 0; idx < transfers; ++idx) {
      say_agent(phrase(*phrases_->agent_transfer));
      agent = &staff_.agents[team[rng_.Pick(team.size())]];
      slots_.agent = std::string_view(agent->name).substr(0, agent->name.find(' '));
      say_agent(phrase(*phrases_->agent_greet));
      std::string complaint;
      CustomerTurn(phrases_->transferred, trajectory[turn_idx], trajectory[turn_idx] < -0.15, &complaint);
      say_customer(complaint);
    }
    if (!is_abandoned) {
      std::string answer = phrase(is_resolved ? *phrases_->agent_resolve[resolve_group] : *phrases_->agent_unresolved);
      if (compensation > 0) {
        compensation_text_ = AmountText(compensation);
        slots_.amount = compensation_text_;
        add(&answer, *phrases_->agent_compensate);
      }
      say_agent(answer);
      std::string reaction;
      CustomerTurn(phrases_->reply[LevelIdx(trajectory[turn_idx])], trajectory[turn_idx], false, &reaction);
      say_customer(reaction);
      say_agent(phrase(*phrases_->agent_close));
      std::string closing;
      CustomerTurn(phrases_->close[LevelIdx(trajectory[turn_idx])], trajectory[turn_idx], false, &closing);
      say_customer(closing);
    }
  }
  if (current_order_ != nullptr) slots_.amount = current_order_->amount_text;

  // Remembered experience of the conversation (SPEC §4.3).
  ExperienceTruth truth;
  double intensity = -1;
  for (double valence : trajectory) {
    truth.experienced += valence;
    const double weighted = valence < 0 ? model_.negativity_lambda * -valence : valence;
    if (weighted > intensity) {
      intensity = weighted;
      truth.peak = valence;
    }
  }
  truth.experienced /= static_cast<double>(trajectory.size());
  truth.end = trajectory.back();
  truth.remembered = Clip((truth.peak + truth.end) / 2, -1, 1);
  truth.recovery = std::array<double, 4>{quality, process, interaction_quality, compensation_quality};

  const std::int64_t end_ts = clock;
  InteractionRow interaction{.id = interaction_id, .ts = ts, .end_ts = end_ts,
                             .channel = kContactChannels[channel], .touchpoint = Touchpoint::kSupport,
                             .agent = agent, .outcome = outcome, .compensation = compensation,
                             .transfers = transfers, .repeat_contact = repeat_idx > 0};
  WriteInteraction(interaction);
  truth.contribution = Remember(Touchpoint::kSupport, truth.remembered, end_ts);
  RecordExperience(interaction_id, Touchpoint::kSupport, truth);
  if (is_resolved) ++realised.support_resolved;
  if (compensation > 0) WriteTransaction(end_ts, -compensation, "compensation");

  // Customer effort (CES 1-7, 7 = very easy) and a transactional survey.
  const int ces = ClipRound(6.2 - 1.2 * transfers - 1.0 * repeat_idx - 0.3 * detail_exchanges -
                                (is_resolved ? 0.0 : 1.5) + rng_.Normal(0, 0.7), 1, 7);
  TransactionalSurvey(interaction_id, Touchpoint::kSupport, end_ts, truth.remembered, ces);
  return {.quality = quality, .is_resolved = is_resolved, .remembered = truth.remembered,
          .end_ts = end_ts};
}

int CustomerLife::ResolveGroup(Situation situation) {
  switch (situation) {
    case Situation::kLateDelivery:
    case Situation::kDamagedItem:
    case Situation::kOrderStatus:
    case Situation::kChangeOrder: return 0;
    case Situation::kBillingError:
    case Situation::kInvoiceQuestion: return 1;
    case Situation::kOutage: return 2;
    case Situation::kDefect:
    case Situation::kReturnItem:
    case Situation::kProductQuestion: return 3;
    case Situation::kMembership: return 4;
  }
  return 0;
}

void CustomerLife::MakeContactDetails(std::string* email, std::string* phone) {
  std::string local;
  for (char ch : (*phrases_->first_names)[rng_.Pick(phrases_->first_names->size())]) {
    if (static_cast<unsigned char>(ch) < 0x80) local.push_back(static_cast<char>(std::tolower(ch)));
  }
  constexpr std::array<std::string_view, 5> kDomains = {"mail.se", "epost.no", "post.dk",
                                                        "posta.ro", "mail.ie"};
  *email = fmt::format("{}.{}@{}", local, rng_.UniformInt(10, 99), kDomains[country_idx_]);
  const int a = rng_.UniformInt(100, 999);
  const int b = rng_.UniformInt(10, 99);
  const int c = rng_.UniformInt(10, 99);
  switch (country_idx_) {
    case 0: *phone = fmt::format("070-{} {} {}", a, b, c); break;
    case 1: *phone = fmt::format("+47 9{}{} {} {}", b % 10, c, a, b); break;
    case 2: *phone = fmt::format("+45 2{} {} {} {}", b % 10, c, b, c); break;
    case 3: *phone = fmt::format("0722 {} {}", a, rng_.UniformInt(100, 999)); break;
    default: *phone = fmt::format("+353 87 {} {}", a, rng_.UniformInt(1000, 9999)); break;
  }
}

}  // namespace cxm::simulate::life
