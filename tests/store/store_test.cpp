#include "store/store.h"

#include <gtest/gtest.h>

#include "store/schema.h"
#include "test_support.h"

namespace cxm::store {
namespace {

using cxm::testing::QueryInt;
using cxm::testing::TempDir;

TEST(StoreTest, CreatesEveryCanonicalTableWithItsPrimaryKey) {
  TempDir dir;
  Result<Store> store = Store::Open(dir.File("cxm.duckdb"), {});
  ASSERT_TRUE(store.has_value()) << store.error();
  EXPECT_EQ(store->schema_version(), kSchemaVersion);
  for (const TableSpec& table : CanonicalTables()) {
    EXPECT_EQ(QueryInt(store->connection(),
                       "SELECT count(*)::BIGINT FROM duckdb_constraints() WHERE table_name = '" +
                           table.name + "' AND constraint_type = 'PRIMARY KEY'"),
              1)
        << table.name;
  }
  for (const char* bookkeeping : {"rejects", "ingest_log", "schema_version"}) {
    EXPECT_EQ(QueryInt(store->connection(),
                       std::string("SELECT count(*)::BIGINT FROM duckdb_tables() WHERE table_name = '") +
                           bookkeeping + "'"),
              1)
        << bookkeeping;
  }
}

TEST(StoreTest, ReopeningDoesNotMigrateTwice) {
  TempDir dir;
  const std::string path = dir.File("cxm.duckdb");
  { ASSERT_TRUE(Store::Open(path, {}).has_value()); }
  Result<Store> reopened = Store::Open(path, {});
  ASSERT_TRUE(reopened.has_value()) << reopened.error();
  EXPECT_EQ(QueryInt(reopened->connection(), "SELECT count(*)::BIGINT FROM schema_version"), kSchemaVersion);
}

TEST(StoreTest, NewerDatabaseIsRefusedWithAClearError) {
  TempDir dir;
  const std::string path = dir.File("cxm.duckdb");
  {
    Result<Store> store = Store::Open(path, {});
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE(store->connection()
                    .Execute("INSERT INTO schema_version VALUES (99, TIMESTAMP '2030-01-01')")
                    .ok());
  }
  for (Store::Mode mode : {Store::Mode::kReadWrite, Store::Mode::kReadOnly}) {
    Result<Store> newer = Store::Open(path, {.mode = mode});
    ASSERT_FALSE(newer.has_value());
    EXPECT_EQ(newer.error().code(), Status::Code::kVersion);
    EXPECT_NE(newer.error().message().find("schema v99"), std::string::npos) << newer.error();
    EXPECT_NE(newer.error().message().find("Upgrade cxm"), std::string::npos) << newer.error();
  }
}

TEST(StoreTest, ReadOnlyOpenOfMissingFileSaysHowToCreateOne) {
  TempDir dir;
  Result<Store> missing = Store::Open(dir.File("absent.duckdb"), {.mode = Store::Mode::kReadOnly});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.error().message().find("cxm init"), std::string::npos);
}

TEST(StoreTest, ReadOnlyStoreRefusesWrites) {
  TempDir dir;
  const std::string path = dir.File("cxm.duckdb");
  { ASSERT_TRUE(Store::Open(path, {}).has_value()); }
  Result<Store> store = Store::Open(path, {.mode = Store::Mode::kReadOnly});
  ASSERT_TRUE(store.has_value()) << store.error();
  EXPECT_FALSE(store->connection().Execute("DELETE FROM customers").ok());
}

TEST(SchemaTest, KeyColumnsAreRequiredAndScoresHaveTheirRanges) {
  const TableSpec* feedback = FindCanonicalTable("feedback");
  ASSERT_NE(feedback, nullptr);
  EXPECT_TRUE(feedback->FindColumn("feedback_id")->is_required);
  EXPECT_EQ(feedback->FindColumn("nps")->max_value, 10.0);
  EXPECT_EQ(feedback->FindColumn("csat")->min_value, 1.0);
  EXPECT_EQ(feedback->FindColumn("ces")->max_value, 7.0);
  const TableSpec* messages = FindCanonicalTable("messages");
  EXPECT_EQ(messages->key, (std::vector<std::string>{"interaction_id", "seq"}));
}

}  // namespace
}  // namespace cxm::store
