#include "store/duckdb.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace cxm::store {
namespace {

using cxm::testing::QueryInt;

class DuckDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Database> database = Database::Open(":memory:");
    ASSERT_TRUE(database.has_value()) << database.error();
    database_ = std::make_unique<Database>(std::move(database).value());
    Result<Connection> connection = database_->Connect();
    ASSERT_TRUE(connection.has_value()) << connection.error();
    connection_ = std::make_unique<Connection>(std::move(connection).value());
  }
  void TearDown() override {
    connection_.reset();  // connections close before their database
    database_.reset();
  }
  std::unique_ptr<Database> database_;
  std::unique_ptr<Connection> connection_;
};

TEST_F(DuckDbTest, SqlErrorCarriesDuckDbMessage) {
  const Status status = connection_->Execute("SELECT * FROM no_such_table");
  EXPECT_EQ(status.code(), Status::Code::kSql);
  EXPECT_NE(status.message().find("no_such_table"), std::string::npos) << status;
}

TEST_F(DuckDbTest, BoundValuesAreDataNeverSql) {
  ASSERT_TRUE(connection_->Execute("CREATE TABLE t (k VARCHAR, n BIGINT, x DOUBLE, b BOOLEAN)").ok());
  Result<Statement> insert = connection_->Prepare("INSERT INTO t VALUES ($1, $2, $3, $4)");
  ASSERT_TRUE(insert.has_value()) << insert.error();
  const std::string hostile = "x'); DROP TABLE t; --";
  ASSERT_TRUE(insert->Bind(1, hostile).ok());
  ASSERT_TRUE(insert->Bind(2, std::int64_t{42}).ok());
  ASSERT_TRUE(insert->Bind(3, 2.5).ok());
  ASSERT_TRUE(insert->Bind(4, true).ok());
  ASSERT_TRUE(insert->Execute().has_value());

  Result<QueryResult> result = connection_->Query("SELECT k, n, x, b FROM t");
  ASSERT_TRUE(result.has_value());
  std::optional<DataChunk> chunk = result->NextChunk();
  ASSERT_TRUE(chunk.has_value());
  ASSERT_EQ(chunk->RowCount(), 1u);
  EXPECT_EQ(chunk->Column(0).Text(0), hostile);
  EXPECT_EQ(chunk->Column(1).Int64(0), 42);
  EXPECT_DOUBLE_EQ(chunk->Column(2).Double(0), 2.5);
  EXPECT_TRUE(chunk->Column(3).Bool(0));
}

TEST_F(DuckDbTest, ChunksCoverEveryRowWithNulls) {
  // 5000 rows span three chunks of at most 2048; every third value is NULL.
  Result<QueryResult> result = connection_->Query(
      "SELECT i, CASE WHEN i % 3 = 0 THEN NULL ELSE 'v' || i END FROM range(5000) t(i)");
  ASSERT_TRUE(result.has_value());
  std::int64_t sum = 0, rows = 0, nulls = 0, chunks = 0;
  while (std::optional<DataChunk> chunk = result->NextChunk()) {
    ++chunks;
    for (std::uint64_t row_idx = 0; row_idx < chunk->RowCount(); ++row_idx) {
      sum += chunk->Column(0).Int64(row_idx);
      nulls += chunk->Column(1).IsNull(row_idx) ? 1 : 0;
      ++rows;
    }
  }
  EXPECT_EQ(rows, 5000);
  EXPECT_EQ(sum, 4999 * 5000 / 2);
  EXPECT_EQ(nulls, 1667);  // 0, 3, ..., 4998
  EXPECT_GE(chunks, 3);
}

TEST_F(DuckDbTest, AppenderWritesRowsAndReportsConstraintErrors) {
  ASSERT_TRUE(connection_->Execute("CREATE TABLE t (k VARCHAR PRIMARY KEY, n BIGINT)").ok());
  {
    Result<Appender> appender = connection_->CreateAppender("t");
    ASSERT_TRUE(appender.has_value()) << appender.error();
    for (std::int64_t value = 0; value < 3; ++value) {
      ASSERT_TRUE(appender->Append(std::string_view("k" + std::to_string(value))).ok());
      ASSERT_TRUE(appender->Append(value).ok());
      ASSERT_TRUE(appender->EndRow().ok());
    }
    ASSERT_TRUE(appender->Close().ok());
  }
  EXPECT_EQ(QueryInt(*connection_, "SELECT sum(n)::BIGINT FROM t"), 3);
  Result<Appender> duplicate = connection_->CreateAppender("t");
  ASSERT_TRUE(duplicate.has_value());
  ASSERT_TRUE(duplicate->Append(std::string_view("k0")).ok());
  ASSERT_TRUE(duplicate->Append(std::int64_t{9}).ok());
  ASSERT_TRUE(duplicate->EndRow().ok());
  EXPECT_EQ(duplicate->Close().code(), Status::Code::kSql);
}

TEST_F(DuckDbTest, TransactionRollsBackUnlessCommitted) {
  ASSERT_TRUE(connection_->Execute("CREATE TABLE t (n BIGINT)").ok());
  {
    Result<Transaction> transaction = Transaction::Begin(*connection_);
    ASSERT_TRUE(transaction.has_value());
    ASSERT_TRUE(connection_->Execute("INSERT INTO t VALUES (1)").ok());
  }  // no Commit: rolled back
  EXPECT_EQ(QueryInt(*connection_, "SELECT count(*)::BIGINT FROM t"), 0);
  {
    Result<Transaction> transaction = Transaction::Begin(*connection_);
    ASSERT_TRUE(connection_->Execute("INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(transaction->Commit().ok());
  }
  EXPECT_EQ(QueryInt(*connection_, "SELECT count(*)::BIGINT FROM t"), 1);
}

TEST_F(DuckDbTest, TextFunctionRunsOnEveryRowAndKeepsNulls) {
  ASSERT_TRUE(connection_
                  ->RegisterTextFunction("shout",
                                         [](std::string_view text) { return std::string(text) + "!"; })
                  .ok());
  EXPECT_EQ(QueryInt(*connection_,
                     "SELECT count(*)::BIGINT FROM (SELECT shout('x' || i) AS s FROM range(10000) "
                     "t(i)) WHERE s LIKE 'x%!'"),
            10000);
  EXPECT_EQ(QueryInt(*connection_, "SELECT (shout(NULL) IS NULL)::BIGINT"), 1);
}

TEST_F(DuckDbTest, PrepareErrorIsReported) {
  Result<Statement> statement = connection_->Prepare("SELEC 1");
  ASSERT_FALSE(statement.has_value());
  EXPECT_EQ(statement.error().code(), Status::Code::kSql);
  EXPECT_NE(statement.error().message().find("syntax error"), std::string::npos)
      << statement.error();
}

}  // namespace
}  // namespace cxm::store
