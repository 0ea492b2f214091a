#include "analytics/filter.h"

#include <gtest/gtest.h>

namespace cxm::analytics {
namespace {

const std::vector<std::string> kDimensions = {"language", "segment", "month", "touchpoint"};

TEST(FilterTest, ConditionsBecomeBoundParameters) {
  Result<Filter> filter = ParseFilter("language = 'sv' AND segment IN ('b2b', 'vip') and month >= 2024-03 "
                                      "AND touchpoint NOT IN (delivery)", kDimensions);
  ASSERT_TRUE(filter.has_value()) << filter.error();
  ASSERT_EQ(filter->conditions.size(), 4u);
  std::vector<store::Parameter> parameters = {std::int64_t{7}};  // placeholders continue after these
  const std::string sql = FilterSql(*filter, [](const std::string& name) { return "x." + name; }, parameters);
  EXPECT_EQ(sql, "(x.language = $2) AND (x.segment IN ($3, $4)) AND (x.month >= $5) AND (x.touchpoint NOT IN ($6))");
  ASSERT_EQ(parameters.size(), 6u);
  EXPECT_EQ(std::get<std::string>(parameters[1]), "sv");
  EXPECT_EQ(std::get<std::string>(parameters[4]), "2024-03");
  EXPECT_EQ(std::get<std::string>(parameters[5]), "delivery");
}

TEST(FilterTest, QuotesInValuesStayValues) {
  Result<Filter> filter = ParseFilter("segment = 'it''s; DROP TABLE customers --'", kDimensions);
  ASSERT_TRUE(filter.has_value()) << filter.error();
  EXPECT_EQ(filter->conditions[0].values[0], "it's; DROP TABLE customers --");
  EXPECT_TRUE(ParseFilter("", kDimensions)->empty());
}

TEST(FilterTest, AnythingButConditionsIsRefusedWithWhereAndWhy) {
  const std::pair<const char*, const char*> kRefused[] = {
      {"language = 'sv'; DROP TABLE customers", "';' at column 16"},
      {"language = 'sv' OR 1 = 1", "expected AND or the end at column 17, found 'OR'"},
      {"1 = 1", "'1' (column 1) is not a dimension"},
      {"no_such_column = 1", "'no_such_column' (column 1) is not a dimension"},
      {"language = (SELECT 'sv')", "expected a value at column 12"},
      {"language = read_text('/etc/passwd')", "expected AND or the end at column 21, found '('"},
      {"language = 'sv", "the quote at column 12 is not closed"},
      {"language", "expected an operator"},
      {"language LIKE 'sv%'", "expected an operator"},
      {"language IN ()", "expected a value at column 14"},
      {"language = 'sv' AND", "expected a dimension at column 20, found the end"},
      {"language = \"sv\"", "'\"' at column 12 is not part of a filter"},
      {"language = 'sv' -- comment", "expected AND or the end at column 17, found '--'"},
  };
  for (const auto& [text, message] : kRefused) {
    Result<Filter> filter = ParseFilter(text, kDimensions);
    ASSERT_FALSE(filter.has_value()) << text;
    EXPECT_EQ(filter.error().code(), Status::Code::kInvalidArgument) << text;
    EXPECT_NE(filter.error().message().find(message), std::string::npos) << text << ": " << filter.error().message();
    EXPECT_EQ(filter.error().message().rfind("--where: ", 0), 0u) << filter.error().message();
  }
}

}  // namespace
}  // namespace cxm::analytics
