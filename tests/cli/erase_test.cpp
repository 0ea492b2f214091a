// `cxm erase` end to end on an analysed company: every row of the customer leaves every table,
// canonical and derived, the other customers keep theirs, and a scan of every text column of
// every table finds neither the id nor any of the customer's texts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/strings.h"
#include "test_support.h"

namespace cxm {
namespace {

using cxm::testing::CommandResult;
using cxm::testing::QueryInt;
using cxm::testing::RunCxm;
using cxm::testing::TempDir;

// Rows of `needle` in any VARCHAR column of any table, equal to it or containing it.
std::int64_t OccurrencesEverywhere(store::Connection& connection, const std::string& needle) {
  Result<store::QueryResult> columns = connection.Query(
      "SELECT table_name, column_name FROM duckdb_columns() WHERE data_type = 'VARCHAR' AND NOT internal "
      "AND schema_name = 'main' AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE NOT temporary)");
  EXPECT_TRUE(columns.has_value());
  std::int64_t found = 0;
  for (const auto& row : columns->AllRowsAsText()) {
    Result<store::Statement> count = connection.Prepare(
        "SELECT count(*)::BIGINT FROM " + QuoteIdentifier(*row[0]) + " WHERE contains(" + QuoteIdentifier(*row[1]) + ", $1)");
    EXPECT_TRUE(count.has_value()) << count.error();
    EXPECT_TRUE(count->Bind(1, needle).ok());
    Result<store::QueryResult> result = count->Execute();
    const std::int64_t rows = result->ScalarInt64().value_or(0);
    if (rows > 0) ADD_FAILURE() << needle.substr(0, 60) << " remains in " << *row[0] << "." << *row[1];
    found += rows;
  }
  return found;
}

TEST(EraseTest, RemovesTheCustomerFromEveryTableAndVerifies) {
  TempDir dir;
  const std::string db = dir.File("cxm.duckdb");
  ASSERT_EQ(RunCxm({"generate", "--customers", "150", "--seed", "3", "--out", dir.File("co")}).exit_code, 0);
  for (const char* table : {"customers", "employees", "self_assessment", "currency_rates", "interactions", "transactions", "churn",
                            "messages", "feedback"}) {
    const CommandResult loaded = RunCxm({"--db", db, "ingest", "--table", table, dir.File(std::string("co/") + table + ".csv")});
    ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  }
  // The generated texts come from phrase banks that many customers share: give one customer
  // texts of their own (a review and a chat turn) before the analysis scores them.
  const std::string customer = "C0000005";
  std::string interaction;
  {
    Result<store::Store> store = store::Store::Open(db, {.mode = store::Store::Mode::kReadOnly});
    ASSERT_TRUE(store.has_value()) << store.error();
    Result<store::QueryResult> first = store->connection().Query(
        "SELECT min(interaction_id) FROM interactions WHERE customer_id = 'C0000005'");
    interaction = first->ScalarText().value();
  }
  const std::vector<std::string> texts = {
      "Paketet till Storgatan 5 i Umeå kom aldrig fram och ingen svarar, jag är så besviken",
      "Jeg venter stadig på refusionen for ordren til min søster i Aarhus, det er uacceptabelt"};
  cxm::testing::WriteFile(dir.File("own_feedback.csv"),
                          "feedback_id,customer_id,ts,kind,nps,text\nown-1," + customer +
                              ",2026-01-05 10:00,review,2,\"" + texts[0] + "\"\n");
  cxm::testing::WriteFile(dir.File("own_messages.csv"), "interaction_id,seq,speaker,text\n" + interaction +
                                                            ",99,customer,\"" + texts[1] + "\"\n");
  for (const char* file : {"own_feedback.csv", "own_messages.csv"}) {
    const CommandResult loaded = RunCxm({"--db", db, "ingest", dir.File(file)});
    ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
    ASSERT_NE(loaded.out.find("rejected 0"), std::string::npos) << loaded.out;
  }
  ASSERT_EQ(RunCxm({"--db", db, "analyze"}).exit_code, 0);
  std::int64_t rows_before = 0;
  std::int64_t others_before = 0;
  {
    Result<store::Store> store = store::Store::Open(db, {.mode = store::Store::Mode::kReadOnly});
    ASSERT_TRUE(store.has_value()) << store.error();
    rows_before = QueryInt(store->connection(), "SELECT count(*) FROM customer_state");
    others_before = QueryInt(store->connection(), "SELECT count(*) FROM text_emotions");
    // The texts are there to be found before the erasure (the scan can see them).
    for (const std::string& text : texts) {
      Result<store::Statement> present = store->connection().Prepare(
          "SELECT (SELECT count(*) FROM feedback WHERE text = $1) + (SELECT count(*) FROM messages WHERE text = $1)");
      ASSERT_TRUE(present->Bind(1, text).ok());
      EXPECT_EQ(present->Execute()->ScalarInt64().value_or(0), 1) << text;
    }
  }

  // A dry run changes nothing.
  const CommandResult dry = RunCxm({"--db", db, "erase", "--customer", customer, "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("nothing changed"), std::string::npos) << dry.out;
  EXPECT_EQ(RunCxm({"--db", db, "erase", "--verify", customer}).exit_code, 1);

  const CommandResult erased = RunCxm({"--db", db, "erase", "--customer", customer});
  ASSERT_EQ(erased.exit_code, 0) << erased.err;
  for (const char* table : {"customers", "interactions", "messages", "text_emotions", "interaction_experience",
                            "customer_state"}) {
    EXPECT_NE(erased.out.find(table), std::string::npos) << table << " in\n" << erased.out;
  }
  const CommandResult verified = RunCxm({"--db", db, "erase", "--verify", customer});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

  {
  Result<store::Store> store = store::Store::Open(db, {.mode = store::Store::Mode::kReadOnly});
  ASSERT_TRUE(store.has_value()) << store.error();
  EXPECT_EQ(OccurrencesEverywhere(store->connection(), customer), 0);
  for (const std::string& text : texts) EXPECT_EQ(OccurrencesEverywhere(store->connection(), text), 0);
  // Only this customer went: one customer_state row fewer, the others' scored texts stay.
  EXPECT_EQ(QueryInt(store->connection(), "SELECT count(*) FROM customer_state"), rows_before - 1);
  EXPECT_GT(QueryInt(store->connection(), "SELECT count(*) FROM text_emotions"), others_before / 2);
  // The erasure is logged without the id.
  EXPECT_EQ(QueryInt(store->connection(), "SELECT count(*) FROM erasures"), 1);
  }

  // Erasing again finds nothing: a user error, not a silent success.
  const CommandResult again = RunCxm({"--db", db, "erase", "--customer", customer});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_NE(again.err.find("nothing erased"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace cxm
