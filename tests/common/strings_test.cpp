#include "common/strings.h"

#include <gtest/gtest.h>

namespace cxm {
namespace {

TEST(StringsTest, QuoteIdentifierDoublesEmbeddedQuotes) {
  EXPECT_EQ(QuoteIdentifier("Customer No"), "\"Customer No\"");
  EXPECT_EQ(QuoteIdentifier("a\"b"), "\"a\"\"b\"");
}

TEST(StringsTest, QuoteLiteralDoublesEmbeddedQuotes) {
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
}

TEST(StringsTest, SplitKeepsEmptyParts) {
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
}

TEST(StringsTest, TrimAndLowerAreAsciiOnly) {
  EXPECT_EQ(Trim("  Nöjd \t\n"), "Nöjd");
  EXPECT_EQ(ToLower("NPS Ö"), "nps Ö");
}

TEST(StringsTest, ReadWholeFileNamesTheMissingFile) {
  const Result<std::string> missing = ReadWholeFile("/no/such/file.toml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.error().message().find("/no/such/file.toml"), std::string::npos);
}

}  // namespace
}  // namespace cxm
