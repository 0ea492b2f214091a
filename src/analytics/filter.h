// Filters as data: `--where` (and the HTTP API's filter) parsed into conditions on named
// dimensions, never pasted into SQL. Values are bound as parameters; a dimension must be one the
// analysis declares. Anything else is a clear error naming what was wrong and where.
//
//   language = 'sv'
//   segment IN ('b2b', 'vip') AND month >= '2024-03'
//   touchpoint != delivery
//
// Grammar: condition (AND condition)*; condition: dimension op value | dimension [NOT] IN
// (value, ...); op: = != <> < <= > >=; value: 'quoted' ('' for a quote) or a bare word of
// letters, digits, _ . : / -. Keywords are case-insensitive; there is no OR, no expression and no
// function: a filter selects rows, it computes nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/engine.h"

namespace cxm::analytics {

struct Condition {
  enum class Op { kEqual, kNotEqual, kLess, kLessOrEqual, kGreater, kGreaterOrEqual, kIn, kNotIn };
  std::string dimension;
  Op op = Op::kEqual;
  std::vector<std::string> values;
};

struct Filter {
  std::vector<Condition> conditions;  // all must hold
  bool empty() const { return conditions.empty(); }
  bool Names(std::string_view dimension) const;
};

// Parses `text` against the dimensions allowed. `what` names the option in messages ("--where").
Result<Filter> ParseFilter(std::string_view text, const std::vector<std::string>& dimensions,
                           std::string_view what = "--where");

// The filter as a SQL condition over `expression_of(dimension)`, its values appended to
// `parameters` as $n placeholders; "" for an empty filter.
template <typename ExpressionOf>
std::string FilterSql(const Filter& filter, ExpressionOf expression_of, std::vector<store::Parameter>& parameters);

const char* OpSql(Condition::Op op);

template <typename ExpressionOf>
std::string FilterSql(const Filter& filter, ExpressionOf expression_of, std::vector<store::Parameter>& parameters) {
  std::string sql;
  for (const Condition& condition : filter.conditions) {
    if (!sql.empty()) sql += " AND ";
    std::string placeholders;
    for (const std::string& value : condition.values) {
      parameters.emplace_back(value);
      if (!placeholders.empty()) placeholders += ", ";
      placeholders += "$" + std::to_string(parameters.size());
    }
    const bool is_list = condition.op == Condition::Op::kIn || condition.op == Condition::Op::kNotIn;
    sql += "(" + std::string(expression_of(condition.dimension)) + " " + OpSql(condition.op) + " " +
           (is_list ? "(" + placeholders + ")" : placeholders) + ")";
  }
  return sql;
}

}  // namespace cxm::analytics
