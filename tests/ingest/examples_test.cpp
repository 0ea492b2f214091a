// The examples/ exports load through their mappings with known counts.
#include <gtest/gtest.h>

#include "ingest/loader.h"
#include "test_support.h"

namespace cxm::ingest {
namespace {

using cxm::testing::ExamplePath;

class ExamplesTest : public cxm::testing::StoreTest {
 protected:
  // `files`: the export files to load, matched to the mapping's sources by name (none: the
  // mapping's own globs beside it).
  void LoadExample(const std::string& mapping_file, const std::vector<std::string>& files = {}) {
    Result<Mapping> mapping = Mapping::Load(ExamplePath(mapping_file));
    ASSERT_TRUE(mapping.has_value()) << mapping.error();
    Result<Loader> loader = Loader::Create(store_.get(), {});
    ASSERT_TRUE(loader.has_value()) << loader.error();
    Result<std::vector<TableLoad>> loads = loader->LoadWithMapping(*mapping, files);
    ASSERT_TRUE(loads.has_value()) << loads.error();
  }
};

TEST_F(ExamplesTest, EcommerceOrdersBecomePurchasesDeliveriesAndLateFailures) {
  LoadExample("ecommerce/mapping.toml");
  // Known from the export (checked with awk over orders.csv): 80 orders, 4 cancelled,
  // 70 delivered, of which 13 on a later day than promised.
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM customers"), 40);
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM interactions WHERE touchpoint = 'purchase'"), 76);
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM interactions WHERE touchpoint = 'delivery'"), 70);
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM interactions WHERE failure = 'late_delivery'"), 13);
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM transactions"), 76);
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM feedback"), 42);
  // The two defective reviews: a 6-star score and an unreadable date.
  EXPECT_EQ(Text("SELECT string_agg(line || ':' || column_name, ' ' ORDER BY line) FROM rejects"),
            "44:csat 45:ts");
  // "Club member" Ja/Nej became booleans; DD.MM.YYYY dates parsed.
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM customers WHERE loyalty_member IS NULL OR "
                  "signup_ts IS NULL"),
            0);
  // Reviews are tied to a delivery that exists.
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM feedback f ANTI JOIN interactions i USING "
                  "(interaction_id)"),
            0);
  // The e-mail address in a review comment did not reach the store.
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM feedback WHERE text LIKE '%@%'"), 0);
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM feedback WHERE text LIKE '%[EMAIL]%'"), 2);
}

TEST_F(ExamplesTest, NatcsTurnsBecomeDialoguesAndCustomerMessages) {
  LoadExample("natcs-banking/mapping.toml",
              {testing::SharedDataPath("dstc11-natcs-intents/banking-task1-intent-turns.jsonl")});
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM customers"), 857);
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM interactions"), 857);
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM messages"), 1503);
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM rejects"), 0);
  EXPECT_EQ(Count("SELECT seq FROM messages WHERE interaction_id = 'banking_0000' ORDER BY seq "
                  "DESC LIMIT 1"),
            45);
}

}  // namespace
}  // namespace cxm::ingest
