// The cxm binary end to end: exit codes, output formats, the read-only query path.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "test_support.h"

namespace cxm {
namespace {

using cxm::testing::CommandResult;
using cxm::testing::FixturePath;
using cxm::testing::RunCxm;
using cxm::testing::TempDir;
using cxm::testing::WriteFile;

class CliTest : public ::testing::Test {
 protected:
  CommandResult Cxm(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return RunCxm(args);
  }
  TempDir dir_;
  std::string db_ = dir_.File("cxm.duckdb");
};

TEST_F(CliTest, IngestReportsLoadedAndRejectedPerTableAndHowToSeeRejects) {
  ASSERT_EQ(Cxm({"init"}).exit_code, 0);
  const CommandResult result = Cxm({"ingest", FixturePath("ingest/out_of_range_scores.csv")});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("feedback: loaded 2, rejected 6"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("FROM rejects"), std::string::npos) << result.out;
}

TEST_F(CliTest, QueryFormatsAsCsvAndJson) {
  ASSERT_EQ(Cxm({"ingest", FixturePath("ingest/duplicate_keys.csv")}).exit_code, 0);
  const CommandResult csv =
      Cxm({"query", "--format", "csv", "SELECT customer_id, segment FROM customers ORDER BY 1"});
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out, "customer_id,segment\nc1,third\nc2,only\n");
  const CommandResult json = Cxm(
      {"query", "--format", "json", "SELECT customer_id, 2 AS n, NULL AS nothing FROM customers "
                                    "ORDER BY 1 LIMIT 1"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out, "[\n {\"customer_id\": \"c1\", \"n\": 2, \"nothing\": null}\n]\n");
  const CommandResult table = Cxm({"query", "SELECT count(*) AS customers FROM customers"});
  EXPECT_EQ(table.out, "customers\n---------\n2        \n(1 row)\n");
}

TEST_F(CliTest, QueryIsReadOnly) {
  ASSERT_EQ(Cxm({"init"}).exit_code, 0);
  const CommandResult result = Cxm({"query", "DELETE FROM customers"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("read-only"), std::string::npos) << result.err;
}

TEST_F(CliTest, UserErrorsExitWithOne) {
  const CommandResult missing_db = Cxm({"query", "SELECT 1"});
  EXPECT_EQ(missing_db.exit_code, 1);
  EXPECT_NE(missing_db.err.find("cxm init"), std::string::npos) << missing_db.err;

  ASSERT_EQ(Cxm({"init"}).exit_code, 0);
  const CommandResult bad_sql = Cxm({"query", "SELEC 1"});
  EXPECT_EQ(bad_sql.exit_code, 1);
  EXPECT_NE(bad_sql.err.find("syntax error"), std::string::npos) << bad_sql.err;

  const CommandResult missing_file = Cxm({"ingest", dir_.File("absent.csv")});
  EXPECT_EQ(missing_file.exit_code, 1);
  EXPECT_NE(missing_file.err.find("absent.csv: no such file"), std::string::npos) << missing_file.err;

  const CommandResult bad_format = Cxm({"query", "--format", "xml", "SELECT 1"});
  EXPECT_EQ(bad_format.exit_code, 1);

  const CommandResult unknown_column = Cxm({"ingest", FixturePath("ingest/unknown_column.csv")});
  EXPECT_EQ(unknown_column.exit_code, 1);
  EXPECT_NE(unknown_column.err.find("favourite_colour"), std::string::npos) << unknown_column.err;
}

TEST_F(CliTest, HostileFilesAreRefusedAsUserErrorsNamingTheFile) {
  // Random bytes as CSV and as Parquet, an empty file, a truncated JSON line: exit 1 (the
  // input is wrong), never a crash or an internal error, and the store is left as it was.
  std::string noise;
  std::uint32_t state = 12345;
  for (int byte = 0; byte < 5000; ++byte) {
    state = state * 1103515245u + 12345u;
    noise.push_back(static_cast<char>(state >> 24));
  }
  WriteFile(dir_.File("noise.csv"), noise);
  WriteFile(dir_.File("noise.parquet"), noise);
  WriteFile(dir_.File("empty.csv"), "");
  WriteFile(dir_.File("truncated.jsonl"), "{\"customer_id\": ");
  for (const char* name : {"noise.csv", "noise.parquet", "empty.csv", "truncated.jsonl"}) {
    const CommandResult result = Cxm({"ingest", dir_.File(name)});
    EXPECT_EQ(result.exit_code, 1) << name << ": " << result.err;
    EXPECT_NE(result.err.find(name), std::string::npos) << result.err;
  }
  EXPECT_EQ(Cxm({"query", "--format", "csv", "SELECT count(*) AS n FROM rejects"}).out, "n\n0\n");
}

TEST_F(CliTest, NewerDatabaseExitsWithOneAndSaysUpgrade) {
  ASSERT_EQ(Cxm({"init"}).exit_code, 0);
  {
    Result<store::Store> store = store::Store::Open(db_, {});
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE(store->connection().Execute("INSERT INTO schema_version VALUES (7, TIMESTAMP '2030-01-01')").ok());
  }
  const CommandResult result = Cxm({"status"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("Upgrade cxm"), std::string::npos) << result.err;
}

TEST_F(CliTest, DbComesFromTheEnvironmentWhenNotGiven) {
  ASSERT_EQ(::setenv("CXM_DB", db_.c_str(), 1), 0);
  const CommandResult init = RunCxm({"init"});
  ::unsetenv("CXM_DB");
  EXPECT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find(db_), std::string::npos) << init.out;
}

TEST(EmotionCliTest, OneJsonObjectWithEveryViewAndThePredictedLabels) {
  const CommandResult result = RunCxm({"emotion", "Thank you so much for your help!"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 1);
  for (const char* key : {"\"language\":\"en\"", "\"valence\":", "\"arousal\":", "\"goemotions\":{\"admiration\":",
                          "\"plutchik\":{\"anger\":", "\"ekman\":{", "\"sentiment\":{\"positive\":",
                          "\"predicted\":{\"goemotions\":[", "\"gratitude\""}) {
    EXPECT_NE(result.out.find(key), std::string::npos) << key << " in " << result.out;
  }
  // A missing model file is a user error naming it.
  const CommandResult missing = RunCxm({"emotion", "--model", "/nonexistent/model.cxm", "hello"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/model.cxm"), std::string::npos) << missing.err;
}


TEST(GenerateCliTest, JsonLinesThatIngestLoadsWithoutRejects) {
  TempDir dir;
  const CommandResult generated =
      RunCxm({"generate", "--customers", "60", "--seed", "4", "--format", "jsonl", "--out", dir.File("co")});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  EXPECT_NE(generated.out.find("60 customers"), std::string::npos) << generated.out;
  EXPECT_TRUE(std::filesystem::exists(dir.File("co/truth.json")));
  const std::string db = dir.File("cxm.duckdb");
  ASSERT_EQ(RunCxm({"--db", db, "init"}).exit_code, 0);
  for (const char* table : {"customers", "employees", "interactions", "messages", "feedback"}) {
    const CommandResult loaded = RunCxm({"--db", db, "ingest", dir.File(std::string("co/") + table + ".jsonl")});
    ASSERT_EQ(loaded.exit_code, 0) << table << ": " << loaded.err;
    EXPECT_NE(loaded.out.find("rejected 0"), std::string::npos) << loaded.out;
  }
  const CommandResult customers = RunCxm({"--db", db, "query", "--format", "csv", "SELECT count(*) FROM customers"});
  EXPECT_EQ(customers.out, "count_star()\n60\n");

  const CommandResult bad = RunCxm({"generate", "--customers", "5", "--format", "xml", "--out", dir.File("x")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("--format xml"), std::string::npos) << bad.err;
}

TEST(DemoCliTest, EndsInTheFindingsAndAReport) {
  TempDir dir;
  const CommandResult demo = RunCxm({"demo", "--customers", "400", "--out", dir.File("demo")});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  for (const char* expected : {"[1/4]", "[2/4]", "[3/4]", "[4/4] What cxm finds", "Net Promoter Score",
                               "Remembered vs experienced", "Failures and churn", "Service recovery",
                               "Delivery gap", "Report: "}) {
    EXPECT_NE(demo.out.find(expected), std::string::npos) << expected << " in\n" << demo.out;
  }
  const std::string report = dir.File("demo/report.md");
  ASSERT_TRUE(std::filesystem::exists(report));
  std::ifstream in(report);
  const std::string markdown((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(markdown.find("## Service recovery"), std::string::npos);
  EXPECT_NE(markdown.find("| delivery |"), std::string::npos);
  // Every customer text got a score, and nothing was rejected.
  const std::string db = dir.File("demo/cxm.duckdb");
  const CommandResult counts = RunCxm({"--db", db, "query", "--format", "csv",
      "SELECT (SELECT count(*) FROM text_emotions) = (SELECT count(*) FROM messages WHERE speaker = 'customer') "
      "+ (SELECT count(*) FROM feedback WHERE text IS NOT NULL) AS all_scored, (SELECT count(*) FROM rejects) AS rejects"});
  EXPECT_EQ(counts.out, "all_scored,rejects\ntrue,0\n") << counts.err;
}

}  // namespace
}  // namespace cxm
