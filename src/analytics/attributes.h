// The attributes a mapping declared (docs/mapping.md, "Attributes"): an export's own columns —
// contract, plan, seat class, a delay, a rating — as analyses read them: a dimension to group
// by (`metrics --by contract`), an outcome (`metrics --outcome churned`, `drivers --outcome`) or
// a driver.
//
// An analysis runs over rows of one level: feedback answers (aliases f, i, c for the feedback,
// its interaction and its customer), interactions (i, c) or customers (c). An attribute of that
// level or of a level above joins as one value per row; one below (a feedback rating on a
// customer row) does not, and is refused by name.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/engine.h"

namespace cxm::analytics {

enum class Level { kFeedback, kInteraction, kCustomer };
std::string_view LevelNoun(Level level);   // "feedback answers", "interactions", "customers"
std::string_view LevelTable(Level level);  // "feedback", "interactions", "customers"
std::string LevelFromSql(Level level);     // "feedback f", "interactions i", "customers c"

struct AttributeInfo {
  std::string name;
  std::string entity;     // customer, interaction, feedback
  std::string kind;       // number, rating, category
  std::string higher_is;  // better, worse, "" (no usual direction)
  std::optional<std::string> not_applicable;

  bool is_numeric() const { return kind != "category"; }
  Level level() const;
  // +1 when more is better, -1 when more is worse, 0 unknown.
  int polarity() const { return higher_is == "better" ? 1 : higher_is == "worse" ? -1 : 0; }
};

// The store's attributes, the most specific entity first when a name is declared at several.
Result<std::vector<AttributeInfo>> ReadAttributes(store::Engine& engine);
const AttributeInfo* FindAttribute(const std::vector<AttributeInfo>& attributes, std::string_view name);
std::vector<std::string> AttributeNames(const std::vector<AttributeInfo>& attributes);

// "LEFT JOIN attributes <alias> ON ..." for one attribute on rows of `level`, the name bound as
// the next parameter; InvalidArgument when the attribute sits below the level.
Result<std::string> AttributeJoinSql(const AttributeInfo& attribute, Level level, std::string_view alias,
                                     std::vector<store::Parameter>& parameters);

// What an analysis explains or counts (`--outcome`): `churn` (customers with a row in churn:
// cross-sectional, whenever it happened) or a numeric attribute, on rows of its own level.
struct Outcome {
  std::string name;
  Level level = Level::kCustomer;
  std::string sql;   // the value per row: "o.number", or the churn flag
  std::string join;  // the attribute's join (alias o), "" for churn
  int polarity = 0;  // as AttributeInfo::polarity; churn is -1
};
// Binds the join's values into `parameters`; the message names the numeric attributes there are.
Result<Outcome> ResolveOutcome(store::Engine& engine, const std::vector<AttributeInfo>& attributes,
                               const std::string& name, std::vector<store::Parameter>& parameters);

}  // namespace cxm::analytics
