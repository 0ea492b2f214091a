// One customer's life in the demo company (internal to simulate/): the state the causal model
// of company_model.h carries from event to event (memory, attitude, clock), the rows it writes,
// and the life events, each in its own file beside this one:
//
//   membership.cpp  onboarding and the yearly renewal
//   orders.cpp      an order: purchase, delivery (late or damaged), billing, returns, reviews
//   support.cpp     failures and their recovery: support contacts, the bot, the justice dimensions
//   surveys.cpp     transactional CSAT and relationship NPS surveys
//   churn.cpp       time passing: scheduled surveys and renewals, the churn hazard, the churn row
#pragma once

#include "simulate/life/world.h"

namespace cxm::simulate::life {

class CustomerLife {
 public:
  CustomerLife(const GeneratorOptions& options, const Staff& staff,
               const std::vector<std::int64_t>& survey_waves, std::int64_t customer_idx,
               ChunkResult* out)
      : options_(options),
        model_(options.model),
        staff_(staff),
        survey_waves_(survey_waves),
        out_(out),
        rng_(SeedFor(options.seed, 1, static_cast<std::uint64_t>(customer_idx))) {
    customer_id_ = fmt::format("C{:07d}", customer_idx + 1);
    language_idx_ = static_cast<int>(rng_.PickWeighted(model_.language_shares));
    language_ = static_cast<Language>(language_idx_);
    phrases_ = &PhrasesFor(language_);
    if (language_ == Language::kEn) {
      constexpr std::array<double, 5> kEnglishCountries = {0.30, 0.20, 0.20, 0.15, 0.15};
      country_idx_ = static_cast<int>(rng_.PickWeighted(kEnglishCountries));
    } else {
      country_idx_ = language_idx_;  // sv->SE, nb->NO, da->DK, ro->RO
    }
    is_business_ = rng_.Bernoulli(0.12);
    persona_idx_ = is_business_ ? 5 : static_cast<int>(rng_.PickWeighted(kConsumerPersonaWeights));
    mood_ = rng_.Normal(0.0, 0.15);
    habit_ = rng_.LogNormal(0.0, 0.55) * kPersonas[persona_idx_].habit_factor;
    inertia_ = rng_.Uniform();
    is_member_ = rng_.Bernoulli(Clip(0.15 + 0.2 * habit_, 0.1, 0.7));
    if (is_member_) inertia_ = Clip(inertia_ + 0.25, 0.0, 1.0);
    if (rng_.Bernoulli(0.35)) {
      signup_ts_ = rng_.Uniform(static_cast<double>(EpochSeconds(2019, 1, 1)),
                                static_cast<double>(model_.window_start));
      // Customers from before the window arrive with a history.
      memory_ = rng_.Normal(1.5, 1.5);
    } else {
      signup_ts_ = static_cast<std::int64_t>(
          rng_.Uniform(static_cast<double>(model_.window_start),
                       static_cast<double>(model_.window_end - 75 * kSecondsPerDay)));
    }
    memory_ts_ = std::max(signup_ts_, model_.window_start);
  }

  void Run() {
    const std::int64_t now = memory_ts_;
    clock_ = now;
    next_renewal_ = signup_ts_ + 365 * kSecondsPerDay;
    while (next_renewal_ < now) next_renewal_ += 365 * kSecondsPerDay;
    if (signup_ts_ >= model_.window_start) Onboarding(signup_ts_);
    std::int64_t next_order = signup_ts_ >= model_.window_start
                                  ? now + static_cast<std::int64_t>(rng_.Uniform(0.0, 14.0) * kSecondsPerDay)
                                  : now + NextOrderGap();
    while (next_order < model_.window_end && AdvanceTo(next_order)) {
      Order(next_order);
      next_order += NextOrderGap();
    }
    if (!has_churned_) AdvanceTo(model_.window_end);
    Finish();
  }

 private:
  // ---- memory and attitude (SPEC §4.3) ----
  void DecayTo(std::int64_t ts) {
    if (ts <= memory_ts_) return;
    const double days = static_cast<double>(ts - memory_ts_) / kSecondsPerDay;
    memory_ *= std::exp2(-days / model_.memory_half_life_days);
    memory_ts_ = ts;
  }
  double Weighted(double valence) const {
    return valence < 0 ? model_.negativity_lambda * valence : valence;
  }
  // Adds an interaction's remembered valence to memory; returns the contribution.
  double Remember(Touchpoint touchpoint, double remembered, std::int64_t ts) {
    DecayTo(ts);
    const double contribution =
        model_.touchpoint_impact[static_cast<int>(touchpoint)] * Weighted(remembered);
    memory_ += contribution;
    return contribution;
  }
  double Attitude() const {
    return std::tanh(model_.attitude_per_memory * memory_ + model_.attitude_per_mood * mood_);
  }
  std::int64_t NextOrderGap() {
    const double rate = habit_ * std::exp(model_.repurchase_attitude_slope * Attitude());
    return static_cast<std::int64_t>(rng_.Exponential(model_.mean_days_between_orders / rate) *
                                     kSecondsPerDay) + kSecondsPerHour;
  }

  // Moves time forward to `target`, handling scheduled surveys and renewals and the chance of
  // churning on the way. Returns false once the customer has churned.
  bool AdvanceTo(std::int64_t target);

  bool MaybeChurn(std::int64_t from, std::int64_t to);

  void WriteChurn();

  // ---- text ----
  void Say(const List& list, std::string* out) { Expand(list[rng_.Pick(list.size())], slots_, out); }

  // A customer turn: `first` then, optionally, a feeling at `valence`'s level; humanised.
  void CustomerTurn(const List* first, double valence, bool add_feeling, std::string* out) {
    out->clear();
    if (first != nullptr) {
      Say(*first, out);
      EndSentence(out);
    }
    if (add_feeling) {
      if (!out->empty()) out->push_back(' ');
      Say(*phrases_->feel[LevelIdx(valence)], out);
    }
    CapitaliseFirst(out);
    Humanise(rng_, LevelOf(valence), out);
  }

  // ---- rows ----
  std::string& Table(OutputTable table) { return out_->tables[static_cast<int>(table)]; }
  const OutputTableSpec& Spec(OutputTable table) const { return SpecOf(table); }

  std::string NextId(char prefix, int* counter) {
    return fmt::format("{}{}-{}", prefix, customer_id_.substr(1), ++*counter);
  }

  struct InteractionRow {
    std::string id;
    std::int64_t ts = 0;
    std::int64_t end_ts = 0;
    std::string_view channel;
    Touchpoint touchpoint = Touchpoint::kDiscovery;
    const Agent* agent = nullptr;
    std::string_view outcome;
    Failure failure = Failure::kNone;
    double compensation = 0;
    std::optional<int> transfers;
    std::optional<bool> repeat_contact;
  };

  void WriteInteraction(const InteractionRow& interaction) {
    RowWriter row(options_.format, Spec(OutputTable::kInteractions), &Table(OutputTable::kInteractions));
    row.Text(interaction.id).Text(customer_id_).Time(interaction.ts).Time(interaction.end_ts);
    row.Text(interaction.channel)
        .Text(kTouchpointNames[static_cast<int>(interaction.touchpoint)])
        .Text(kJourneyStages[static_cast<int>(interaction.touchpoint)]);
    if (interaction.agent != nullptr) {
      row.Text(interaction.agent->agent_id).Text(staff_.team_names[interaction.agent->team]);
    } else {
      row.Null().Null();
    }
    if (interaction.outcome.empty()) {
      row.Null();
    } else {
      row.Text(interaction.outcome);
    }
    if (interaction.failure == Failure::kNone) {
      row.Null();
    } else {
      row.Text(kFailureNames[static_cast<int>(interaction.failure)]);
    }
    if (interaction.compensation > 0) {
      row.Real(interaction.compensation, 2);
    } else {
      row.Null();
    }
    if (interaction.transfers) {
      row.Int(*interaction.transfers);
    } else {
      row.Null();
    }
    if (interaction.repeat_contact) {
      row.Bool(*interaction.repeat_contact);
    } else {
      row.Null();
    }
    row.End();
    last_activity_ts_ = std::max(last_activity_ts_, interaction.end_ts);
    Realised& realised = out_->realised;
    ++realised.interactions;
    ++realised.interactions_by_touchpoint[static_cast<int>(interaction.touchpoint)];
    if (interaction.failure != Failure::kNone) {
      ++realised.failures_by_touchpoint[static_cast<int>(interaction.touchpoint)];
    }
  }

  // Truth of one interaction: its remembered experience (and recovery, for support contacts).
  struct ExperienceTruth {
    double experienced = 0;
    double peak = 0;
    double end = 0;
    double remembered = 0;
    double contribution = 0;
    std::optional<std::array<double, 4>> recovery;  // quality, process, interaction, compensation
  };

  void RecordExperience(const std::string& interaction_id, Touchpoint touchpoint,
                        const ExperienceTruth& truth) {
    out_->realised.remembered_sum[static_cast<int>(touchpoint)] += truth.remembered;
    if (!options_.write_truth_detail) return;
    RowWriter row(options_.format, Spec(OutputTable::kTruthInteractions),
                  &Table(OutputTable::kTruthInteractions));
    row.Text(interaction_id).Text(kTouchpointNames[static_cast<int>(touchpoint)]);
    row.Real(truth.experienced, 4).Real(truth.peak, 4).Real(truth.end, 4).Real(truth.remembered, 4);
    row.Real(truth.contribution, 4);
    if (truth.recovery) {
      for (double value : *truth.recovery) row.Real(value, 4);
    } else {
      row.Null().Null().Null().Null();
    }
    row.End();
  }

  // A single-moment interaction (no conversation): remembered = experienced = its valence.
  double SingleMoment(const InteractionRow& interaction, double valence, std::int64_t remember_ts) {
    WriteInteraction(interaction);
    valence = Clip(valence, -1.0, 1.0);
    ExperienceTruth truth{.experienced = valence, .peak = valence, .end = valence,
                          .remembered = valence};
    truth.contribution = Remember(interaction.touchpoint, valence, remember_ts);
    RecordExperience(interaction.id, interaction.touchpoint, truth);
    return truth.contribution;
  }

  void WriteMessage(const std::string& interaction_id, int seq, std::int64_t ts,
                    std::string_view speaker, const std::string& text,
                    std::optional<double> intended_valence) {
    RowWriter row(options_.format, Spec(OutputTable::kMessages), &Table(OutputTable::kMessages));
    row.Text(interaction_id).Int(seq).Time(ts).Text(speaker).Text(text).End();
    ++out_->realised.messages;
    if (!intended_valence) return;
    ++out_->realised.customer_turns;
    if (!options_.write_truth_detail) return;
    RowWriter truth(options_.format, Spec(OutputTable::kTruthTurns), &Table(OutputTable::kTruthTurns));
    truth.Text(interaction_id).Int(seq).Real(*intended_valence, 4).End();
  }

  void WriteTransaction(std::int64_t ts, double amount_local, std::string_view category) {
    const Country& country = kCountries[country_idx_];
    RowWriter row(options_.format, Spec(OutputTable::kTransactions), &Table(OutputTable::kTransactions));
    row.Text(NextId('T', &transaction_seq_)).Text(customer_id_).Time(ts).Real(amount_local, 2);
    row.Text(country.currency).Text(category).End();
    ++out_->realised.transactions;
    const double amount_sek = amount_local / country.price_level;
    out_->realised.revenue_sek += amount_sek;
    revenue_sek_ += amount_sek;
  }

  struct FeedbackRow {
    std::string_view interaction_id;
    std::int64_t ts = 0;
    std::string_view kind;
    std::optional<int> nps, csat, ces;
    std::string_view text;
    std::optional<Touchpoint> touchpoint;
  };
  void WriteFeedback(const FeedbackRow& feedback) {
    RowWriter row(options_.format, Spec(OutputTable::kFeedback), &Table(OutputTable::kFeedback));
    row.Text(NextId('F', &feedback_seq_)).Text(customer_id_);
    if (feedback.interaction_id.empty()) {
      row.Null();
    } else {
      row.Text(feedback.interaction_id);
    }
    row.Time(feedback.ts).Text(feedback.kind);
    for (const std::optional<int>& score : {feedback.nps, feedback.csat, feedback.ces}) {
      if (score) {
        row.Int(*score);
      } else {
        row.Null();
      }
    }
    if (feedback.text.empty()) {
      row.Null();
    } else {
      row.Text(feedback.text);
    }
    if (feedback.touchpoint) {
      row.Text(kTouchpointNames[static_cast<int>(*feedback.touchpoint)]);
    } else {
      row.Null();
    }
    row.End();
    ++out_->realised.feedback;
    if (feedback.csat && feedback.touchpoint && feedback.kind == "survey") {
      const int tp = static_cast<int>(*feedback.touchpoint);
      ++out_->realised.csat_answers[tp];
      if (*feedback.csat >= 4) ++out_->realised.csat_top2[tp];
    }
  }

  // A transactional CSAT survey after an interaction; responses lean to the extremes.
  void TransactionalSurvey(const std::string& interaction_id, Touchpoint touchpoint,
                           std::int64_t ts, double remembered, std::optional<int> ces);

  void RelationshipSurvey(std::int64_t ts);

  // ---- episodes ----
  void Onboarding(std::int64_t ts);

  void Renewal(std::int64_t ts);

  struct OrderInfo {
    int product = 0;
    double value_local = 0;
    std::string code;
    std::string amount_text;
  };

  std::string AmountText(double amount_local) const;

  void SetOrderSlots(const OrderInfo& order);

  void Order(std::int64_t ts);

  void Return(std::int64_t ts, double base_valence);

  void Review(std::int64_t ts, double worst, double best);

  // A discovery chat with the bot; returns when it ended.
  std::int64_t BotChat(const std::string& interaction_id, std::int64_t ts, double valence);

  struct SupportResult {
    double quality = 0;
    bool is_resolved = false;
    double remembered = 0;
    std::int64_t end_ts = 0;
  };

  // A failure's recovery: the customer may contact support (again, while unresolved). Each
  // recovery of quality q takes back forgiveness * q of the failure's memory hit; a good one
  // adds the recovery paradox. Returns the best remembered valence of the contacts (or the
  // failure's own hit when they never contact).
  double HandleFailure(Failure failure, Situation situation, std::int64_t ts, double failure_hit);

  SupportResult SupportContact(Situation situation, Failure failure, std::int64_t ts, int repeat_idx);

  static int ResolveGroup(Situation situation);

  // Contact details a customer types into a chat (so that ingest's PII redaction has work).
  void MakeContactDetails(std::string* email, std::string* phone);

  void Finish() {
    const std::int64_t end_ts = has_churned_ ? churn_ts_ : model_.window_end;
    DecayTo(end_ts);
    const double attitude = Attitude();
    const double behaviour =
        has_churned_ ? 0.0 : habit_ * std::exp(model_.repurchase_attitude_slope * attitude);
    const bool is_attitude_high = attitude >= model_.attitudinal_cut;
    const bool is_behaviour_high = behaviour >= model_.behavioural_cut;
    const int quadrant = is_attitude_high ? (is_behaviour_high ? 0 : 1) : (is_behaviour_high ? 2 : 3);
    const int group = !has_failed_ ? 0 : (has_poor_recovery_ ? 2 : 1);

    RowWriter row(options_.format, Spec(OutputTable::kCustomers), &Table(OutputTable::kCustomers));
    row.Text(customer_id_).Text(is_business_ ? "business" : "consumer")
        .Text(kPersonas[persona_idx_].name).Text(kCountries[country_idx_].code)
        .Text(kLanguageCodes[language_idx_]).Time(signup_ts_).Bool(is_member_).End();

    RowWriter truth(options_.format, Spec(OutputTable::kTruthCustomers), &Table(OutputTable::kTruthCustomers));
    truth.Text(customer_id_).Real(mood_, 4).Real(habit_, 4).Real(inertia_, 4).Real(memory_, 4)
        .Real(attitude, 4).Real(behaviour, 4).Text(kQuadrantNames[quadrant])
        .Text(kRecoveryGroupNames[group]).Bool(has_churned_).End();

    Realised& realised = out_->realised;
    ++realised.customers;
    ++realised.customers_by_language[language_idx_];
    realised.churned += has_churned_;
    // Recovery groups compare outcomes over the same horizon after the reference event, so that
    // customers who had more time (and more orders) to fail are not favoured.
    constexpr std::int64_t kHorizon = 180 * kSecondsPerDay;
    if (reference_ts_ >= 0 && reference_ts_ + kHorizon <= model_.window_end) {
      ++realised.recovery_group_customers[group];
      realised.recovery_group_churned[group] += has_churned_ && churn_ts_ <= reference_ts_ + kHorizon;
      realised.recovery_group_attitude_sum[group] += attitude;
      for (const auto& [ts, net] : nps_answers_) {
        if (ts < reference_ts_ || ts > reference_ts_ + kHorizon) continue;
        ++realised.recovery_group_nps_responses[group];
        realised.recovery_group_nps_net[group] += net;
      }
    }
    ++realised.quadrant_customers[quadrant];
    realised.quadrant_revenue_sek[quadrant] += revenue_sek_;
  }

  const GeneratorOptions& options_;
  const CompanyModel& model_;
  const Staff& staff_;
  const std::vector<std::int64_t>& survey_waves_;
  ChunkResult* out_;
  Rng rng_;

  std::string customer_id_;
  Language language_ = Language::kEn;
  int language_idx_ = 0;
  int country_idx_ = 0;
  int persona_idx_ = 0;
  bool is_business_ = false;
  const Phrases* phrases_ = nullptr;
  double mood_ = 0;
  double habit_ = 1;
  double inertia_ = 0;
  bool is_member_ = false;
  std::int64_t signup_ts_ = 0;

  double memory_ = 0;
  std::int64_t memory_ts_ = 0;
  std::int64_t clock_ = 0;
  std::size_t wave_idx_ = 0;
  std::int64_t next_renewal_ = 0;
  bool has_churned_ = false;
  std::int64_t churn_ts_ = 0;
  std::int64_t last_activity_ts_ = 0;

  bool has_failed_ = false;
  bool has_poor_recovery_ = false;
  bool last_recovery_was_poor_ = false;
  Failure last_failure_ = Failure::kNone;
  // The reference event of the recovery groups: the first failure, or (without one) the first
  // order; -1 before either.
  std::int64_t reference_ts_ = -1;
  std::vector<std::pair<std::int64_t, int>> nps_answers_;  // (ts, +1 promoter / -1 detractor / 0)
  double revenue_sek_ = 0;

  int interaction_seq_ = 0;
  int feedback_seq_ = 0;
  int transaction_seq_ = 0;
  const OrderInfo* current_order_ = nullptr;
  Slots slots_;
  std::string compensation_text_;
  std::string text_;
};

}  // namespace cxm::simulate::life
