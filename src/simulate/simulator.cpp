#include "simulate/simulator.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "common/check.h"

namespace cxm::simulate {
namespace {

constexpr std::int64_t kSecondsPerHour = 3600;
constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::string_view kCompany = "Norda";

const std::array<OutputTableSpec, kOutputTableCount> kSpecs = {{
    {"customers",
     {"customer_id", "segment", "persona", "country", "language", "signup_ts", "loyalty_member"}},
    {"interactions",
     {"interaction_id", "customer_id", "ts", "end_ts", "channel", "touchpoint", "journey_stage",
      "agent_id", "team", "outcome", "failure", "compensation_value", "transfers",
      "repeat_contact"}},
    {"messages", {"interaction_id", "seq", "ts", "speaker", "text"}},
    {"feedback",
     {"feedback_id", "customer_id", "interaction_id", "ts", "kind", "nps", "csat", "ces", "text",
      "touchpoint"}},
    {"transactions", {"transaction_id", "customer_id", "ts", "amount", "currency", "category"}},
    {"churn", {"customer_id", "ts", "reason"}},
    {"employees", {"agent_id", "team", "name", "hired_ts"}},
    {"employee_feedback", {"response_id", "agent_id", "ts", "enps", "text"}},
    {"self_assessment", {"touchpoint", "metric", "believed_value", "ts"}},
    {"truth_customers",
     {"customer_id", "mood", "habit", "inertia", "memory", "attitudinal", "behavioural", "quadrant",
      "recovery_group", "churned"}},
    {"truth_interactions",
     {"interaction_id", "touchpoint", "experienced", "peak", "end", "remembered",
      "memory_contribution", "recovery_quality", "process_quality", "interaction_quality",
      "compensation_quality"}},
    {"truth_turns", {"interaction_id", "seq", "intended_valence"}},
}};

double Clip(double value, double low, double high) { return std::min(high, std::max(low, value)); }
int ClipRound(double value, int low, int high) {
  return static_cast<int>(Clip(std::round(value), low, high));
}

// Valence levels of the phrase banks.
enum class Level : std::uint8_t { kVeryNegative, kNegative, kNeutral, kPositive, kVeryPositive };
constexpr std::array<std::string_view, 5> kLevelKeys = {"vneg", "neg", "neu", "pos", "vpos"};
Level LevelOf(double valence) {
  if (valence < -0.55) return Level::kVeryNegative;
  if (valence < -0.15) return Level::kNegative;
  if (valence < 0.2) return Level::kNeutral;
  if (valence < 0.55) return Level::kPositive;
  return Level::kVeryPositive;
}
int LevelIdx(double valence) { return static_cast<int>(LevelOf(valence)); }

struct Country {
  std::string_view code;
  std::string_view currency;
  double price_level;  // local currency units per SEK of the same basket
};
constexpr std::array<Country, 5> kCountries = {{{"SE", "SEK", 1.0},
                                                {"NO", "NOK", 1.0},
                                                {"DK", "DKK", 0.7},
                                                {"RO", "RON", 0.45},
                                                {"IE", "EUR", 0.09}}};

struct Product {
  double price_sek;
  std::string_view category;
};
// In the order of [word.product] in every phrase bank.
constexpr std::array<Product, 10> kProducts = {{{900, "electronics"},
                                                {1500, "kitchen"},
                                                {2500, "home"},
                                                {250, "electronics"},
                                                {1800, "furniture"},
                                                {700, "kitchen"},
                                                {2800, "electronics"},
                                                {600, "personal_care"},
                                                {1900, "home"},
                                                {300, "kitchen"}}};

struct Persona {
  std::string_view name;
  double habit_factor;        // purchase frequency relative to the typical customer
  std::array<double, 3> order_channels;    // web, app, store
  std::array<double, 4> contact_channels;  // chat, phone, email, store
};
constexpr std::array<Persona, 6> kPersonas = {{
    {"bargain_hunter", 1.1, {0.55, 0.30, 0.15}, {0.50, 0.25, 0.20, 0.05}},
    {"family", 1.15, {0.45, 0.35, 0.20}, {0.40, 0.35, 0.20, 0.05}},
    {"tech_enthusiast", 1.2, {0.35, 0.55, 0.10}, {0.65, 0.10, 0.22, 0.03}},
    {"busy_professional", 0.9, {0.40, 0.45, 0.15}, {0.35, 0.25, 0.38, 0.02}},
    {"occasional", 0.55, {0.50, 0.15, 0.35}, {0.30, 0.40, 0.15, 0.15}},
    {"small_business", 1.3, {0.80, 0.10, 0.10}, {0.25, 0.35, 0.40, 0.00}},
}};
constexpr std::array<double, 5> kConsumerPersonaWeights = {0.25, 0.25, 0.20, 0.20, 0.10};

constexpr std::array<std::string_view, 3> kOrderChannels = {"web", "app", "store"};
constexpr std::array<std::string_view, 4> kContactChannels = {"chat", "phone", "email", "store"};
enum ContactChannel { kChat, kPhone, kEmail, kStore };

// Emoji by level: customers add them to strongly felt turns.
const std::array<std::vector<std::string_view>, 5> kEmoji = {{
    {"😡", "🤬", "😤", "😠"},
    {"😞", "🙁", "😒"},
    {},
    {"🙂", "👍"},
    {"😊", "🙏", "❤️", "😍", "👏"},
}};

// Relationship NPS surveys and employee pulse surveys: the 15th of March, June, September and
// December.
std::vector<std::int64_t> SurveyWaves(const CompanyModel& model) {
  std::vector<std::int64_t> waves;
  for (int year = 2020; year <= 2030; ++year) {
    for (int month : {3, 6, 9, 12}) {
      const std::int64_t ts = EpochSeconds(year, month, 15) + 9 * kSecondsPerHour;
      if (ts >= model.window_start && ts < model.window_end) waves.push_back(ts);
    }
  }
  return waves;
}

using List = std::vector<std::string>;

// A language's phrase lists, looked up once (the keys are checked here, not per text).
struct Phrases {
  std::array<const List*, kSituationCount> open{};
  std::array<const List*, 5> feel{}, reply{}, close{}, survey_comment{};
  const List* effort = nullptr;
  const List* transferred = nullptr;
  const List* pii = nullptr;
  const List* browse = nullptr;
  const List* agent_greet = nullptr;
  const List* agent_empathy = nullptr;
  const List* agent_plain_ack = nullptr;
  const List* agent_check = nullptr;
  const List* agent_transfer = nullptr;
  const List* agent_compensate = nullptr;
  const List* agent_unresolved = nullptr;
  const List* agent_close = nullptr;
  std::array<const List*, 5> agent_resolve{};  // delivery, billing, tech, product, membership
  const List* bot_greet = nullptr;
  const List* bot_handover = nullptr;
  const List* bot_answer = nullptr;
  std::array<const List*, 3> review_negative{};  // delivery, product, service
  std::array<const List*, 3> review_positive{};
  const List* recommend_positive = nullptr;
  const List* recommend_negative = nullptr;
  std::array<const List*, 7> churn_reason{};
  std::array<const List*, 3> employee_comment{};  // neg, neu, pos
  const List* products = nullptr;
  const List* first_names = nullptr;
  const List* last_names = nullptr;
};

constexpr std::array<std::string_view, 7> kChurnReasons = {
    "price", "late_delivery", "poor_service", "billing", "quality", "competitor", "moved"};
enum ChurnReason { kPrice, kLateDeliveryReason, kPoorService, kBillingReason, kQuality,
                   kCompetitor, kMoved };

Phrases ResolvePhrases(const PhraseBank& bank) {
  Phrases phrases;
  for (int idx = 0; idx < kSituationCount; ++idx) {
    phrases.open[idx] = &bank.Get(fmt::format("customer.open.{}", kSituationNames[idx]));
  }
  for (int level = 0; level < 5; ++level) {
    phrases.feel[level] = &bank.Get(fmt::format("customer.feel.{}", kLevelKeys[level]));
    phrases.reply[level] = &bank.Get(fmt::format("customer.reply.{}", kLevelKeys[level]));
    phrases.close[level] = &bank.Get(fmt::format("customer.close.{}", kLevelKeys[level]));
    phrases.survey_comment[level] = &bank.Get(fmt::format("survey.comment.{}", kLevelKeys[level]));
  }
  phrases.effort = &bank.Get("customer.effort");
  phrases.transferred = &bank.Get("customer.transferred");
  phrases.pii = &bank.Get("customer.pii");
  phrases.browse = &bank.Get("customer.browse");
  phrases.agent_greet = &bank.Get("agent.greet");
  phrases.agent_empathy = &bank.Get("agent.empathy");
  phrases.agent_plain_ack = &bank.Get("agent.plain_ack");
  phrases.agent_check = &bank.Get("agent.check");
  phrases.agent_transfer = &bank.Get("agent.transfer");
  phrases.agent_compensate = &bank.Get("agent.compensate");
  phrases.agent_unresolved = &bank.Get("agent.unresolved");
  phrases.agent_close = &bank.Get("agent.close");
  constexpr std::array<std::string_view, 5> kResolveGroups = {"delivery", "billing", "tech",
                                                              "product", "membership"};
  for (int idx = 0; idx < 5; ++idx) {
    phrases.agent_resolve[idx] = &bank.Get(fmt::format("agent.resolve.{}", kResolveGroups[idx]));
  }
  phrases.bot_greet = &bank.Get("bot.greet");
  phrases.bot_handover = &bank.Get("bot.handover");
  phrases.bot_answer = &bank.Get("bot.answer");
  constexpr std::array<std::string_view, 3> kReviewTopics = {"delivery", "product", "service"};
  for (int idx = 0; idx < 3; ++idx) {
    phrases.review_negative[idx] = &bank.Get(fmt::format("review.{}.neg", kReviewTopics[idx]));
    phrases.review_positive[idx] = &bank.Get(fmt::format("review.{}.pos", kReviewTopics[idx]));
  }
  phrases.recommend_positive = &bank.Get("review.recommend.pos");
  phrases.recommend_negative = &bank.Get("review.recommend.neg");
  for (int idx = 0; idx < 7; ++idx) {
    phrases.churn_reason[idx] = &bank.Get(fmt::format("churn.reason.{}", kChurnReasons[idx]));
  }
  phrases.employee_comment = {&bank.Get("employee.comment.neg"), &bank.Get("employee.comment.neu"),
                              &bank.Get("employee.comment.pos")};
  phrases.products = &bank.Get("word.product");
  phrases.first_names = &bank.Get("name.first");
  phrases.last_names = &bank.Get("name.last");
  CXM_CHECK(phrases.products->size() == kProducts.size()) << "[word.product] needs 10 products";
  return phrases;
}

const Phrases& PhrasesFor(Language language) {
  static const std::array<Phrases, kLanguageCount> kPhrases = [] {
    std::array<Phrases, kLanguageCount> all;
    for (int idx = 0; idx < kLanguageCount; ++idx) {
      all[idx] = ResolvePhrases(PhraseBank::Builtin(static_cast<Language>(idx)));
    }
    return all;
  }();
  return kPhrases[static_cast<int>(language)];
}

// Values for a phrase's placeholders.
struct Slots {
  std::string_view order;
  std::string_view product;
  std::string_view amount;
  std::string_view agent;
  std::string_view email;
  std::string_view phone;
  int days = 3;
};

void Expand(std::string_view phrase, const Slots& slots, std::string* out) {
  std::size_t position = 0;
  while (position < phrase.size()) {
    const std::size_t open = phrase.find('{', position);
    if (open == std::string_view::npos) {
      out->append(phrase.substr(position));
      return;
    }
    out->append(phrase.substr(position, open - position));
    const std::size_t close = phrase.find('}', open);
    if (close == std::string_view::npos) {
      out->append(phrase.substr(open));
      return;
    }
    const std::string_view name = phrase.substr(open + 1, close - open - 1);
    if (name == "order") {
      out->append(slots.order);
    } else if (name == "product") {
      out->append(slots.product);
    } else if (name == "amount") {
      out->append(slots.amount);
    } else if (name == "agent") {
      out->append(slots.agent);
    } else if (name == "company") {
      out->append(kCompany);
    } else if (name == "email") {
      out->append(slots.email);
    } else if (name == "phone") {
      out->append(slots.phone);
    } else if (name == "days") {
      fmt::format_to(std::back_inserter(*out), "{}", slots.days);
    } else {
      out->append(phrase.substr(open, close - open + 1));
    }
    position = close + 1;
  }
}

bool IsAsciiLower(char ch) { return ch >= 'a' && ch <= 'z'; }

void CapitaliseFirst(std::string* text) {
  if (!text->empty() && IsAsciiLower((*text)[0])) (*text)[0] = static_cast<char>((*text)[0] - 32);
}

// Ends a clause with a full stop unless it already ends in punctuation.
void EndSentence(std::string* text) {
  if (text->empty()) return;
  const char last = text->back();
  if (last != '.' && last != '?' && last != '!') text->push_back('.');
}

// The messiness of real customer writing: typos (ASCII letters only, so UTF-8 stays valid),
// lower-case starts, doubled exclamation marks and emoji by how strongly the turn is felt.
void Humanise(Rng& rng, Level level, std::string* text) {
  const auto typo = [&](bool is_swap) {
    for (int attempt = 0; attempt < 6 && text->size() > 4; ++attempt) {
      const std::size_t idx = 1 + rng.Pick(text->size() - 3);
      if (IsAsciiLower((*text)[idx]) && IsAsciiLower((*text)[idx + 1]) &&
          (*text)[idx] != (*text)[idx + 1]) {
        if (is_swap) {
          std::swap((*text)[idx], (*text)[idx + 1]);
        } else {
          text->erase(idx, 1);
        }
        return;
      }
    }
  };
  if (rng.Bernoulli(0.12)) typo(true);
  if (rng.Bernoulli(0.05)) typo(false);
  if (rng.Bernoulli(0.08) && !text->empty() && (*text)[0] >= 'A' && (*text)[0] <= 'Z') {
    (*text)[0] = static_cast<char>((*text)[0] + 32);
  }
  const int level_idx = static_cast<int>(level);
  const bool is_strong = level == Level::kVeryNegative || level == Level::kVeryPositive;
  if (is_strong && rng.Bernoulli(0.2) && !text->empty() && text->back() == '!') text->append("!!");
  const double emoji_chance = is_strong ? 0.25 : (level == Level::kNeutral ? 0.0 : 0.1);
  if (!kEmoji[level_idx].empty() && rng.Bernoulli(emoji_chance)) {
    text->push_back(' ');
    text->append(kEmoji[level_idx][rng.Pick(kEmoji[level_idx].size())]);
  }
}

// One customer's life. Owns nothing beyond the scratch strings; writes into the chunk.
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
  bool AdvanceTo(std::int64_t target) {
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

  bool MaybeChurn(std::int64_t from, std::int64_t to) {
    DecayTo(from);
    const double hazard_per_day = model_.churn_base_per_day *
                                  std::exp(-model_.churn_attitude_slope * Attitude()) *
                                  (1.3 - 0.6 * inertia_);
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

  void WriteChurn() {
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
    RowWriter row(options_.format, kSpecs[static_cast<int>(OutputTable::kChurn)],
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
  const OutputTableSpec& Spec(OutputTable table) const { return kSpecs[static_cast<int>(table)]; }

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
                           std::int64_t ts, double remembered, std::optional<int> ces) {
    ++out_->realised.csat_invitations;
    if (!rng_.Bernoulli(0.12 + 0.15 * std::abs(remembered))) return;
    ++out_->realised.csat_responses;
    const int csat = ClipRound(3.1 + 2.0 * remembered + rng_.Normal(0, 0.6), 1, 5);
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

  void RelationshipSurvey(std::int64_t ts) {
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

  // ---- episodes ----
  void Onboarding(std::int64_t ts) {
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

  void Renewal(std::int64_t ts) {
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

  struct OrderInfo {
    int product = 0;
    double value_local = 0;
    std::string code;
    std::string amount_text;
  };

  std::string AmountText(double amount_local) const {
    const std::string_view currency = kCountries[country_idx_].currency;
    if (currency == "RON") return fmt::format("{:.0f} lei", amount_local);
    if (currency == "EUR") return fmt::format("€{:.0f}", amount_local);
    return fmt::format("{:.0f} kr", amount_local);
  }

  void SetOrderSlots(const OrderInfo& order) {
    slots_.order = order.code;
    slots_.product = (*phrases_->products)[order.product];
    slots_.amount = order.amount_text;
    slots_.days = rng_.UniformInt(2, 9);
  }

  void Order(std::int64_t ts) {
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

  void Return(std::int64_t ts, double base_valence) {
    InteractionRow interaction{.id = NextId('I', &interaction_seq_), .ts = ts,
                               .end_ts = ts + static_cast<std::int64_t>(rng_.Uniform(120, 900)),
                               .channel = rng_.Bernoulli(0.6) ? "web" : "store",
                               .touchpoint = Touchpoint::kReturns, .outcome = "resolved"};
    const double valence = base_valence + mood_ + rng_.Normal(0, 0.15);
    SingleMoment(interaction, valence, ts);
    if (rng_.Bernoulli(0.15)) TransactionalSurvey(interaction.id, Touchpoint::kReturns, ts, valence, {});
    if (current_order_ != nullptr) WriteTransaction(ts, -current_order_->value_local, "refund");
  }

  void Review(std::int64_t ts, double worst, double best) {
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

  // A discovery chat with the bot; returns when it ended.
  std::int64_t BotChat(const std::string& interaction_id, std::int64_t ts, double valence) {
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
  double HandleFailure(Failure failure, Situation situation, std::int64_t ts, double failure_hit) {
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

  SupportResult SupportContact(Situation situation, Failure failure, std::int64_t ts, int repeat_idx) {
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

  static int ResolveGroup(Situation situation) {
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

  // Contact details a customer types into a chat (so that ingest's PII redaction has work).
  void MakeContactDetails(std::string* email, std::string* phone) {
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

}  // namespace

const OutputTableSpec& SpecOf(OutputTable table) { return kSpecs[static_cast<int>(table)]; }

void Realised::Add(const Realised& other) {
  const auto add = [](auto& into, const auto& from) {
    for (std::size_t idx = 0; idx < into.size(); ++idx) into[idx] += from[idx];
  };
  customers += other.customers;
  add(customers_by_language, other.customers_by_language);
  churned += other.churned;
  interactions += other.interactions;
  messages += other.messages;
  customer_turns += other.customer_turns;
  feedback += other.feedback;
  transactions += other.transactions;
  orders += other.orders;
  add(interactions_by_touchpoint, other.interactions_by_touchpoint);
  add(failures_by_touchpoint, other.failures_by_touchpoint);
  add(remembered_sum, other.remembered_sum);
  add(csat_answers, other.csat_answers);
  add(csat_top2, other.csat_top2);
  csat_invitations += other.csat_invitations;
  csat_responses += other.csat_responses;
  nps_invitations += other.nps_invitations;
  nps_responses += other.nps_responses;
  promoters += other.promoters;
  detractors += other.detractors;
  reviews += other.reviews;
  support_contacts += other.support_contacts;
  support_resolved += other.support_resolved;
  add(recovery_group_customers, other.recovery_group_customers);
  add(recovery_group_churned, other.recovery_group_churned);
  add(recovery_group_attitude_sum, other.recovery_group_attitude_sum);
  add(recovery_group_nps_responses, other.recovery_group_nps_responses);
  add(recovery_group_nps_net, other.recovery_group_nps_net);
  add(quadrant_customers, other.quadrant_customers);
  add(quadrant_revenue_sek, other.quadrant_revenue_sek);
  revenue_sek += other.revenue_sek;
}

Staff BuildStaff(const GeneratorOptions& options) {
  Staff staff;
  constexpr std::array<std::string_view, kLanguageCount> kTeamCities = {
      "Stockholm", "Oslo", "København", "București", "Dublin"};
  Rng rng(SeedFor(options.seed, 2, 0));
  int next_id = 1;
  for (int team = 0; team < kLanguageCount; ++team) {
    staff.team_names[team] = fmt::format("Support {}", kTeamCities[team]);
    const Phrases& phrases = PhrasesFor(static_cast<Language>(team));
    const double expected_customers =
        static_cast<double>(options.customers) * options.model.language_shares[team];
    const int agent_count = std::max(4, static_cast<int>(std::lround(expected_customers / 700.0)));
    for (int idx = 0; idx < agent_count; ++idx) {
      Agent agent;
      agent.agent_id = fmt::format("A{:05d}", next_id++);
      agent.name = fmt::format("{} {}", (*phrases.first_names)[rng.Pick(phrases.first_names->size())],
                               (*phrases.last_names)[rng.Pick(phrases.last_names->size())]);
      agent.team = team;
      agent.engagement = rng.Normal(0, 1);
      // Engaged agents show more empathy (the service-profit chain).
      agent.empathy = 1.0 / (1.0 + std::exp(-(0.9 * agent.engagement + rng.Normal(0.3, 0.6))));
      agent.hired_ts = static_cast<std::int64_t>(rng.Uniform(static_cast<double>(EpochSeconds(2017, 1, 1)),
                                                             static_cast<double>(options.model.window_start)));
      staff.agents_by_team[team].push_back(static_cast<int>(staff.agents.size()));
      staff.agents.push_back(std::move(agent));
    }
  }
  return staff;
}

void WriteStaffRows(const GeneratorOptions& options, const Staff& staff, std::string* employees,
                    std::string* employee_feedback) {
  Rng rng(SeedFor(options.seed, 3, 0));
  const std::vector<std::int64_t> waves = SurveyWaves(options.model);
  for (const Agent& agent : staff.agents) {
    RowWriter(options.format, SpecOf(OutputTable::kEmployees), employees)
        .Text(agent.agent_id).Text(staff.team_names[agent.team]).Text(agent.name)
        .Time(agent.hired_ts).End();
    const Phrases& phrases = PhrasesFor(static_cast<Language>(agent.team));
    for (std::size_t wave = 0; wave < waves.size(); ++wave) {
      if (!rng.Bernoulli(0.8)) continue;
      const int enps = ClipRound(6.6 + 2.2 * agent.engagement + rng.Normal(0, 1.2), 0, 10);
      RowWriter row(options.format, SpecOf(OutputTable::kEmployeeFeedback), employee_feedback);
      row.Text(fmt::format("E{}-{}", agent.agent_id.substr(1), wave + 1)).Text(agent.agent_id)
          .Time(waves[wave] + static_cast<std::int64_t>(rng.Uniform(0, 5 * kSecondsPerDay)))
          .Int(enps);
      if (rng.Bernoulli(0.5)) {
        const List& comments = *phrases.employee_comment[enps <= 6 ? 0 : (enps <= 8 ? 1 : 2)];
        row.Text(comments[rng.Pick(comments.size())]);
      } else {
        row.Null();
      }
      row.End();
    }
  }
}

CustomerSimulator::CustomerSimulator(const GeneratorOptions& options, const Staff& staff)
    : options_(options), staff_(staff), survey_waves_(SurveyWaves(options.model)) {}

void CustomerSimulator::Simulate(std::int64_t customer_idx, ChunkResult* out) {
  CustomerLife life(options_, staff_, survey_waves_, customer_idx, out);
  life.Run();
}

}  // namespace cxm::simulate
