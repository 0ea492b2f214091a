// The world of the demo company's customers (internal to simulate/): time, countries,
// products, personas, channels, the phrase banks resolved per language, and the writing helpers
// that make customer text read like customers'. Shared by the life events under life/.
#pragma once

#include <array>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <fmt/format.h>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "common/check.h"
#include "simulate/simulator.h"

namespace cxm::simulate::life {
inline constexpr std::int64_t kSecondsPerHour = 3600;
inline constexpr std::int64_t kSecondsPerDay = 86400;
inline constexpr std::string_view kCompany = "Norda";


inline double Clip(double value, double low, double high) { return std::min(high, std::max(low, value)); }
inline int ClipRound(double value, int low, int high) {
  return static_cast<int>(Clip(std::round(value), low, high));
}

// Valence levels of the phrase banks.
enum class Level : std::uint8_t { kVeryNegative, kNegative, kNeutral, kPositive, kVeryPositive };
inline constexpr std::array<std::string_view, 5> kLevelKeys = {"vneg", "neg", "neu", "pos", "vpos"};
inline Level LevelOf(double valence) {
  if (valence < -0.55) return Level::kVeryNegative;
  if (valence < -0.15) return Level::kNegative;
  if (valence < 0.2) return Level::kNeutral;
  if (valence < 0.55) return Level::kPositive;
  return Level::kVeryPositive;
}
inline int LevelIdx(double valence) { return static_cast<int>(LevelOf(valence)); }

struct Country {
  std::string_view code;
  std::string_view currency;
  double price_level;  // local currency units per SEK of the same basket
  double sek_per_unit;  // the exchange rate the company's finance team books (currency_rates)
};
inline constexpr std::array<Country, 5> kCountries = {{{"SE", "SEK", 1.0, 1.0},
                                                {"NO", "NOK", 1.0, 0.95},
                                                {"DK", "DKK", 0.7, 1.45},
                                                {"RO", "RON", 0.45, 2.2},
                                                {"IE", "EUR", 0.09, 11.0}}};

struct Product {
  double price_sek;
  std::string_view category;
};
// In the order of [word.product] in every phrase bank.
inline constexpr std::array<Product, 10> kProducts = {{{900, "electronics"},
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
inline constexpr std::array<Persona, 6> kPersonas = {{
    {"bargain_hunter", 1.1, {0.55, 0.30, 0.15}, {0.50, 0.25, 0.20, 0.05}},
    {"family", 1.15, {0.45, 0.35, 0.20}, {0.40, 0.35, 0.20, 0.05}},
    {"tech_enthusiast", 1.2, {0.35, 0.55, 0.10}, {0.65, 0.10, 0.22, 0.03}},
    {"busy_professional", 0.9, {0.40, 0.45, 0.15}, {0.35, 0.25, 0.38, 0.02}},
    {"occasional", 0.55, {0.50, 0.15, 0.35}, {0.30, 0.40, 0.15, 0.15}},
    {"small_business", 1.3, {0.80, 0.10, 0.10}, {0.25, 0.35, 0.40, 0.00}},
}};
inline constexpr std::array<double, 5> kConsumerPersonaWeights = {0.25, 0.25, 0.20, 0.20, 0.10};

inline constexpr std::array<std::string_view, 3> kOrderChannels = {"web", "app", "store"};
inline constexpr std::array<std::string_view, 4> kContactChannels = {"chat", "phone", "email", "store"};
enum ContactChannel { kChat, kPhone, kEmail, kStore };

// Emoji by level: customers add them to strongly felt turns.
inline const std::array<std::vector<std::string_view>, 5> kEmoji = {{
    {"😡", "🤬", "😤", "😠"},
    {"😞", "🙁", "😒"},
    {},
    {"🙂", "👍"},
    {"😊", "🙏", "❤️", "😍", "👏"},
}};

// Relationship NPS surveys and employee pulse surveys: the 15th of March, June, September and
// December.
inline std::vector<std::int64_t> SurveyWaves(const CompanyModel& model) {
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

inline constexpr std::array<std::string_view, 7> kChurnReasons = {
    "price", "late_delivery", "poor_service", "billing", "quality", "competitor", "moved"};
enum ChurnReason { kPrice, kLateDeliveryReason, kPoorService, kBillingReason, kQuality,
                   kCompetitor, kMoved };

inline Phrases ResolvePhrases(const PhraseBank& bank) {
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

inline const Phrases& PhrasesFor(Language language) {
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

inline void Expand(std::string_view phrase, const Slots& slots, std::string* out) {
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

inline bool IsAsciiLower(char ch) { return ch >= 'a' && ch <= 'z'; }

inline void CapitaliseFirst(std::string* text) {
  if (!text->empty() && IsAsciiLower((*text)[0])) (*text)[0] = static_cast<char>((*text)[0] - 32);
}

// Ends a clause with a full stop unless it already ends in punctuation.
inline void EndSentence(std::string* text) {
  if (text->empty()) return;
  const char last = text->back();
  if (last != '.' && last != '?' && last != '!') text->push_back('.');
}

// The messiness of real customer writing: typos (ASCII letters only, so UTF-8 stays valid),
// lower-case starts, doubled exclamation marks and emoji by how strongly the turn is felt.
inline void Humanise(Rng& rng, Level level, std::string* text) {
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

}  // namespace cxm::simulate::life
