#include "ingest/mapping.h"

#include <gtest/gtest.h>

namespace cxm::ingest {
namespace {

Status ParseError(const std::string& text, const std::string& path) {
  Result<Mapping> mapping = Mapping::Parse(text, path);
  EXPECT_FALSE(mapping.has_value()) << "expected an error for:\n" << text;
  return mapping.has_value() ? Status::Ok() : mapping.error();
}
Status ParseError(const std::string& text) { return ParseError(text, "shop.toml"); }

constexpr char kValid[] = R"toml(
[sources.orders]
path = "orders*.csv"
timezone = "Europe/Oslo"

[[tables]]
source = "orders"
target = "transactions"
filter = "status <> 'cancelled'"
[tables.columns]
transaction_id = "order_id"
customer_id = "customer"
ts = "ordered_at"
amount = "total"
[tables.constants]
currency = "NOK"
)toml";

TEST(MappingTest, ParsesSourcesDerivationsColumnsAndConstants) {
  Result<Mapping> mapping = Mapping::Parse(kValid, "maps/shop.toml");
  ASSERT_TRUE(mapping.has_value()) << mapping.error();
  EXPECT_EQ(mapping->folder, "maps");
  ASSERT_EQ(mapping->sources.size(), 1u);
  EXPECT_EQ(mapping->sources[0].pattern, "orders*.csv");
  EXPECT_EQ(mapping->sources[0].timezone, "Europe/Oslo");
  ASSERT_EQ(mapping->tables.size(), 1u);
  const Derivation& derivation = mapping->tables[0];
  EXPECT_EQ(derivation.target, "transactions");
  EXPECT_EQ(derivation.filter, "status <> 'cancelled'");
  ASSERT_EQ(derivation.columns.size(), 5u);
  const auto find = [&](const std::string& name) -> const ColumnMapping& {
    for (const ColumnMapping& column : derivation.columns) {
      if (column.column == name) return column;
    }
    ADD_FAILURE() << name << " not mapped";
    return derivation.columns[0];
  };
  EXPECT_TRUE(find("currency").is_constant);
  EXPECT_EQ(find("currency").expression, "NOK");
  EXPECT_FALSE(find("amount").is_constant);
  EXPECT_EQ(find("amount").expression, "total");
  // The raw string opens with a newline: [sources.orders] is line 2, transaction_id line 11.
  EXPECT_EQ(find("transaction_id").position.line, 11);
  EXPECT_EQ(find("transaction_id").position.column, 18);
}

TEST(MappingTest, UnknownColumnNamesFileLineAndColumn) {
  std::string text = kValid;
  text += "colour = \"blue\"\n";  // line 17, under [tables.constants]
  const Status error = ParseError(text);
  EXPECT_EQ(error.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(error.message(), "shop.toml:17:10: column 'colour' is not a column of transactions");
}

TEST(MappingTest, MissingKeyColumnIsNamed) {
  const Status error = ParseError(R"toml([sources.s]
path = "s.csv"
[[tables]]
source = "s"
target = "feedback"
[tables.columns]
ts = "created"
)toml");
  EXPECT_EQ(error.message(), "shop.toml:3:1: key column 'feedback_id' of feedback is not mapped");
}

TEST(MappingTest, UndeclaredSourceAndUnknownTargetAreNamed) {
  EXPECT_EQ(ParseError("[sources.s]\npath = \"s.csv\"\n[[tables]]\nsource = \"t\"\ntarget = \"churn\"\n")
                .message(),
            "shop.toml:4:10: source 't' is not declared under [sources]");
  EXPECT_EQ(ParseError("[sources.s]\npath = \"s.csv\"\n[[tables]]\nsource = \"s\"\ntarget = \"churners\"\n")
                .message(),
            "shop.toml:5:10: target 'churners' is not a canonical table");
}

TEST(MappingTest, TomlSyntaxErrorHasItsPosition) {
  const Status error = ParseError("[sources.s]\npath = \"unterminated\n");
  EXPECT_EQ(error.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(error.message().rfind("shop.toml:2:", 0), 0u) << error;
}

TEST(MappingTest, MissingFileIsNotFound) {
  Result<Mapping> mapping = Mapping::Load("/no/such/mapping.toml");
  ASSERT_FALSE(mapping.has_value());
  EXPECT_EQ(mapping.error().code(), Status::Code::kNotFound);
}

constexpr char kAttributes[] = R"toml(
[sources.s]
path = "s.csv"
[[tables]]
source = "s"
target = "customers"
[tables.columns]
customer_id = "'row-' || cxm_row"
[tables.attributes]
contract = "Contract"
satisfaction = { expression = "Sat", kind = "rating", not_applicable = 0 }
delay_minutes = { expression = "cxm_double(delay)", higher_is = "worse", not_applicable = "n/a" }
)toml";

TEST(MappingTest, AttributesKeepTheirExpressionKindDirectionAndNotApplicableCode) {
  Result<Mapping> mapping = Mapping::Parse(kAttributes, "survey.toml");
  ASSERT_TRUE(mapping.has_value()) << mapping.error();
  const std::vector<AttributeMapping>& attributes = mapping->tables[0].attributes;
  ASSERT_EQ(attributes.size(), 3u);
  const auto find = [&](const std::string& name) -> const AttributeMapping& {
    for (const AttributeMapping& attribute : attributes) {
      if (attribute.name == name) return attribute;
    }
    ADD_FAILURE() << name << " not declared";
    return attributes[0];
  };
  EXPECT_EQ(find("contract").expression, "Contract");
  EXPECT_EQ(find("contract").kind, "");  // inferred from the values on load
  EXPECT_FALSE(find("contract").not_applicable.has_value());
  EXPECT_EQ(find("satisfaction").kind, "rating");
  EXPECT_EQ(find("satisfaction").higher_is, "better");  // a rating's better side is up
  EXPECT_EQ(find("satisfaction").not_applicable, "0");  // a code written as a number
  EXPECT_EQ(find("delay_minutes").higher_is, "worse");
  EXPECT_EQ(find("delay_minutes").not_applicable, "n/a");
}

TEST(MappingTest, AttributeMistakesAreNamedWithTheirPosition) {
  std::string text = kAttributes;
  EXPECT_EQ(ParseError(text + "Seat = \"seat\"\n", "survey.toml").message(),
            "survey.toml:13:8: attribute name 'Seat' must be lower case letters, digits and _ (starting with a "
            "letter): it becomes an option value such as --by contract");
  EXPECT_EQ(ParseError(text + "seat = { expression = \"seat\", kind = \"ordinal\" }\n", "survey.toml").message(),
            "survey.toml:13:38: kind must be number, rating or category");
  EXPECT_EQ(ParseError(text + "seat = { kind = \"category\", higher_is = \"better\", expression = \"s\" }\n", "survey.toml").message(),
            "survey.toml:13:8: attribute 'seat': a category has no higher or lower");
  EXPECT_EQ(ParseError("[sources.s]\npath = \"s.csv\"\n[[tables]]\nsource = \"s\"\ntarget = \"transactions\"\n"
                       "[tables.columns]\ntransaction_id = \"id\"\ncustomer_id = \"c\"\nts = \"t\"\n"
                       "[tables.attributes]\nchannel = \"ch\"\n", "survey.toml")
                .message(),
            "survey.toml:10:1: attributes belong to customers, interactions or feedback, not to transactions");
}

}  // namespace
}  // namespace cxm::ingest
