#include "analytics/attributes.h"

#include <algorithm>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "common/strings.h"

namespace cxm::analytics {
namespace {

int EntityRank(std::string_view entity) { return entity == "feedback" ? 0 : entity == "interaction" ? 1 : 2; }

}  // namespace

std::string_view LevelNoun(Level level) {
  switch (level) {
    case Level::kFeedback: return "feedback answers";
    case Level::kInteraction: return "interactions";
    case Level::kCustomer: return "customers";
  }
  return "rows";
}

std::string_view LevelTable(Level level) {
  switch (level) {
    case Level::kFeedback: return "feedback";
    case Level::kInteraction: return "interactions";
    case Level::kCustomer: return "customers";
  }
  return "customers";
}

std::string LevelFromSql(Level level) {
  return std::string(LevelTable(level)) + " " + std::string(LevelTable(level).substr(0, 1));
}

Level AttributeInfo::level() const {
  return entity == "feedback" ? Level::kFeedback : entity == "interaction" ? Level::kInteraction : Level::kCustomer;
}

Result<std::vector<AttributeInfo>> ReadAttributes(store::Engine& engine) {
  CXM_ASSIGN_OR_RETURN(const store::Frame frame, Run(engine, "attributes.specs",
      "SELECT name, entity, kind, coalesce(higher_is, ''), not_applicable FROM attribute_specs ORDER BY name, entity"));
  std::vector<AttributeInfo> attributes;
  for (std::size_t row = 0; row < frame.RowCount(); ++row) {
    AttributeInfo attribute{.name = frame.Text(0, row), .entity = frame.Text(1, row), .kind = frame.Text(2, row),
                            .higher_is = frame.Text(3, row)};
    if (!frame.IsNull(4, row)) attribute.not_applicable = frame.Text(4, row);
    attributes.push_back(std::move(attribute));
  }
  std::stable_sort(attributes.begin(), attributes.end(), [](const AttributeInfo& a, const AttributeInfo& b) {
    return a.name != b.name ? a.name < b.name : EntityRank(a.entity) < EntityRank(b.entity);
  });
  return attributes;
}

const AttributeInfo* FindAttribute(const std::vector<AttributeInfo>& attributes, std::string_view name) {
  for (const AttributeInfo& attribute : attributes) {
    if (attribute.name == name) return &attribute;
  }
  return nullptr;
}

std::vector<std::string> AttributeNames(const std::vector<AttributeInfo>& attributes) {
  std::vector<std::string> names;
  for (const AttributeInfo& attribute : attributes) {
    if (names.empty() || names.back() != attribute.name) names.push_back(attribute.name);
  }
  return names;
}

Result<std::string> AttributeJoinSql(const AttributeInfo& attribute, Level level, std::string_view alias,
                                     std::vector<store::Parameter>& parameters) {
  std::string id;
  const Level of = attribute.level();
  if (of == Level::kCustomer) {
    id = level == Level::kFeedback ? "f.customer_id" : level == Level::kInteraction ? "i.customer_id" : "c.customer_id";
  } else if (of == Level::kInteraction && level != Level::kCustomer) {
    id = level == Level::kFeedback ? "f.interaction_id" : "i.interaction_id";
  } else if (of == Level::kFeedback && level == Level::kFeedback) {
    id = "f.feedback_id";
  } else {
    return Status::InvalidArgument(fmt::format(
        "{} is an attribute of each {}, and this analysis counts {}: one of them may have several values",
        attribute.name, attribute.entity, LevelNoun(level)));
  }
  parameters.emplace_back(attribute.entity);
  const std::size_t entity_parameter = parameters.size();
  parameters.emplace_back(attribute.name);
  return fmt::format(" LEFT JOIN attributes {0} ON {0}.entity = ${1} AND {0}.entity_id = {2} AND {0}.name = ${3}",
                     alias, entity_parameter, id, parameters.size());
}

Result<Outcome> ResolveOutcome(store::Engine& engine, const std::vector<AttributeInfo>& attributes,
                               const std::string& name, std::vector<store::Parameter>& parameters) {
  if (name == "churn") {
    CXM_ASSIGN_OR_RETURN(const bool has_churn, HasRowsIn(engine, "churn"));
    if (!has_churn) {
      return Status::InvalidArgument("--outcome churn: the churn table is empty; a churn flag loaded as a customer "
                                     "attribute is named by its attribute name (--outcome churned)");
    }
    return Outcome{.name = name, .level = Level::kCustomer,
                   .sql = "CASE WHEN c.customer_id IN (SELECT customer_id FROM churn) THEN 1.0 ELSE 0.0 END",
                   .polarity = -1};
  }
  const AttributeInfo* attribute = FindAttribute(attributes, name);
  if (attribute == nullptr || !attribute->is_numeric()) {
    std::vector<std::string> numeric;
    for (const AttributeInfo& known : attributes) {
      if (known.is_numeric()) numeric.push_back(known.name);
    }
    return Status::InvalidArgument(fmt::format("--outcome {}: not a numeric attribute of the store; use churn{}{}",
                                               name, numeric.empty() ? "" : ", ", Join(numeric, ", ")));
  }
  Outcome outcome{.name = name, .level = attribute->level(), .sql = "o.number", .polarity = attribute->polarity()};
  CXM_ASSIGN_OR_RETURN(outcome.join, AttributeJoinSql(*attribute, outcome.level, "o", parameters));
  return outcome;
}

}  // namespace cxm::analytics
