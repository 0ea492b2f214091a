#include "analytics/filter.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "common/strings.h"

namespace cxm::analytics {
namespace {

struct Token {
  enum class Kind { kWord, kQuoted, kSymbol, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;
  std::size_t position = 0;  // 1-based column in the filter
};

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' || c == '/' || c == '-' ||
         (static_cast<unsigned char>(c) & 0x80) != 0;
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

Result<std::vector<Token>> Tokenize(std::string_view text, std::string_view what) {
  std::vector<Token> tokens;
  std::size_t idx = 0;
  while (idx < text.size()) {
    const char c = text[idx];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++idx;
      continue;
    }
    Token token{.position = idx + 1};
    if (c == '\'') {
      token.kind = Token::Kind::kQuoted;
      ++idx;
      bool is_closed = false;
      while (idx < text.size()) {
        if (text[idx] == '\'') {
          if (idx + 1 < text.size() && text[idx + 1] == '\'') {
            token.text += '\'';
            idx += 2;
            continue;
          }
          ++idx;
          is_closed = true;
          break;
        }
        token.text += text[idx++];
      }
      if (!is_closed) {
        return Status::InvalidArgument(fmt::format("{}: the quote at column {} is not closed", what, token.position));
      }
    } else if (IsWordChar(c)) {
      token.kind = Token::Kind::kWord;
      while (idx < text.size() && IsWordChar(text[idx])) token.text += text[idx++];
    } else {
      token.kind = Token::Kind::kSymbol;
      const std::string_view two = text.substr(idx, 2);
      if (two == "!=" || two == "<>" || two == "<=" || two == ">=") {
        token.text = std::string(two);
        idx += 2;
      } else if (c == '=' || c == '<' || c == '>' || c == '(' || c == ')' || c == ',') {
        token.text = std::string(1, c);
        ++idx;
      } else {
        return Status::InvalidArgument(fmt::format(
            "{}: '{}' at column {} is not part of a filter (conditions are dimension op value, joined by AND)", what,
            c, token.position));
      }
    }
    tokens.push_back(std::move(token));
  }
  tokens.push_back({.kind = Token::Kind::kEnd, .position = text.size() + 1});
  return tokens;
}

}  // namespace

bool Filter::Names(std::string_view dimension) const {
  return std::any_of(conditions.begin(), conditions.end(),
                     [&](const Condition& condition) { return condition.dimension == dimension; });
}

const char* OpSql(Condition::Op op) {
  switch (op) {
    case Condition::Op::kEqual: return "=";
    case Condition::Op::kNotEqual: return "<>";
    case Condition::Op::kLess: return "<";
    case Condition::Op::kLessOrEqual: return "<=";
    case Condition::Op::kGreater: return ">";
    case Condition::Op::kGreaterOrEqual: return ">=";
    case Condition::Op::kIn: return "IN";
    case Condition::Op::kNotIn: return "NOT IN";
  }
  return "=";
}

Result<Filter> ParseFilter(std::string_view text, const std::vector<std::string>& dimensions, std::string_view what) {
  CXM_ASSIGN_OR_RETURN(const std::vector<Token> tokens, Tokenize(text, what));
  Filter filter;
  std::size_t at = 0;
  auto fail = [&](const Token& token, const std::string& expected) {
    const std::string found = token.kind == Token::Kind::kEnd ? "the end" : "'" + token.text + "'";
    return Status::InvalidArgument(fmt::format("{}: expected {} at column {}, found {}", what, expected,
                                               token.position, found));
  };
  auto value = [&](std::vector<std::string>& values) -> Status {
    const Token& token = tokens[at];
    if (token.kind != Token::Kind::kQuoted && token.kind != Token::Kind::kWord) return fail(token, "a value");
    values.push_back(token.text);
    ++at;
    return Status::Ok();
  };
  if (tokens.front().kind == Token::Kind::kEnd) return filter;
  while (true) {
    const Token& name = tokens[at];
    if (name.kind != Token::Kind::kWord) return fail(name, "a dimension");
    if (std::find(dimensions.begin(), dimensions.end(), name.text) == dimensions.end()) {
      return Status::InvalidArgument(fmt::format("{}: '{}' (column {}) is not a dimension; use one of {}", what,
                                                 name.text, name.position, Join(dimensions, ", ")));
    }
    Condition condition{.dimension = name.text};
    ++at;
    const Token& op = tokens[at];
    const std::string keyword = op.kind == Token::Kind::kWord ? Lower(op.text) : "";
    if (keyword == "in" || keyword == "not") {
      if (keyword == "not") {
        ++at;
        if (tokens[at].kind != Token::Kind::kWord || Lower(tokens[at].text) != "in") return fail(tokens[at], "IN");
      }
      condition.op = keyword == "not" ? Condition::Op::kNotIn : Condition::Op::kIn;
      ++at;
      if (tokens[at].text != "(" || tokens[at].kind != Token::Kind::kSymbol) return fail(tokens[at], "'('");
      ++at;
      CXM_TRY(value(condition.values));
      while (tokens[at].kind == Token::Kind::kSymbol && tokens[at].text == ",") {
        ++at;
        CXM_TRY(value(condition.values));
      }
      if (tokens[at].kind != Token::Kind::kSymbol || tokens[at].text != ")") return fail(tokens[at], "',' or ')'");
      ++at;
    } else {
      static const std::pair<const char*, Condition::Op> kOps[] = {
          {"=", Condition::Op::kEqual},          {"!=", Condition::Op::kNotEqual}, {"<>", Condition::Op::kNotEqual},
          {"<", Condition::Op::kLess},           {"<=", Condition::Op::kLessOrEqual}, {">", Condition::Op::kGreater},
          {">=", Condition::Op::kGreaterOrEqual}};
      const auto* found = std::find_if(std::begin(kOps), std::end(kOps), [&](const auto& entry) {
        return op.kind == Token::Kind::kSymbol && op.text == entry.first;
      });
      if (found == std::end(kOps)) return fail(op, "an operator (= != < <= > >= IN NOT IN)");
      condition.op = found->second;
      ++at;
      CXM_TRY(value(condition.values));
    }
    filter.conditions.push_back(std::move(condition));
    const Token& next = tokens[at];
    if (next.kind == Token::Kind::kEnd) break;
    if (next.kind != Token::Kind::kWord || Lower(next.text) != "and") return fail(next, "AND or the end");
    ++at;
  }
  return filter;
}

}  // namespace cxm::analytics
