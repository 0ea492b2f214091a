// The cxm binary end to end: exit codes, output formats, the read-only query path.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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
  for (const char* expected : {"[1/4]", "[2/4]", "[3/4]", "[4/4] What cxm finds", "Moments of truth",
                               "Service recovery: the paradox test", "Loyalty: behaviour x attitude",
                               "Delivery gap", "Remembered vs experienced", "Report: "}) {
    EXPECT_NE(demo.out.find(expected), std::string::npos) << expected << " in\n" << demo.out;
  }
  const std::string report = dir.File("demo/report.html");
  ASSERT_TRUE(std::filesystem::exists(report));
  std::ifstream in(report);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("\"recovery_groups\""), std::string::npos);
  EXPECT_NE(html.find("echarts"), std::string::npos);  // the renderer is inline, not fetched
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  // Every customer text got a score, and nothing was rejected.
  const std::string db = dir.File("demo/cxm.duckdb");
  const CommandResult counts = RunCxm({"--db", db, "query", "--format", "csv",
      "SELECT (SELECT count(*) FROM text_emotions) = (SELECT count(*) FROM messages WHERE speaker = 'customer') "
      "+ (SELECT count(*) FROM feedback WHERE text IS NOT NULL) AS all_scored, (SELECT count(*) FROM rejects) AS rejects"});
  EXPECT_EQ(counts.out, "all_scored,rejects\ntrue,0\n") << counts.err;

  // The analysis commands over the demo's store.
  const CommandResult metrics = RunCxm({"--db", db, "metrics", "--by", "language", "--format", "json"});
  ASSERT_EQ(metrics.exit_code, 0) << metrics.err;
  EXPECT_EQ(metrics.out.rfind("{\"key\":\"metrics\"", 0), 0u) << metrics.out;
  for (const char* language : {"\"sv\"", "\"nb\"", "\"da\"", "\"ro\"", "\"en\""}) {
    EXPECT_NE(metrics.out.find(language), std::string::npos) << language;
  }
  for (const char* command : {"journeys", "moments", "loyalty", "recovery", "gap", "memory", "drivers"}) {
    const CommandResult result = RunCxm({"--db", db, command});
    EXPECT_EQ(result.exit_code, 0) << command << ": " << result.err;
    EXPECT_FALSE(result.out.empty()) << command;
  }
  const CommandResult bad_dimension = RunCxm({"--db", db, "metrics", "--by", "shoe_size"});
  EXPECT_EQ(bad_dimension.exit_code, 1);
  EXPECT_NE(bad_dimension.err.find("--by shoe_size: not a dimension"), std::string::npos) << bad_dimension.err;
  const CommandResult bad_where = RunCxm({"--db", db, "metrics", "--where", "language = 'sv'; DROP TABLE customers"});
  EXPECT_EQ(bad_where.exit_code, 1) << bad_where.err;
  EXPECT_EQ(RunCxm({"--db", db, "query", "--format", "csv", "SELECT count(*) AS n FROM customers"}).out, "n\n400\n");
  // A second analyze finds nothing new.
  const CommandResult again = RunCxm({"--db", db, "analyze"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto count_after = [&](const std::string& label) {
    const std::size_t at = again.out.find(label);
    if (at == std::string::npos) return std::int64_t{-1};
    std::istringstream line(again.out.substr(at + label.size()));
    std::int64_t count = -1;
    line >> count;
    return count;
  };
  EXPECT_EQ(count_after("texts scored:"), 0) << again.out;
  EXPECT_EQ(count_after("interactions updated:"), 0) << again.out;
}

// The real example exports of the foundation, analysed end to end.
TEST(ReportCliTest, AnalysesTheRealExamples) {
  TempDir dir;
  const std::string db = dir.File("cxm.duckdb");
  ASSERT_EQ(RunCxm({"--db", db, "ingest", "--map", testing::ExamplePath("ecommerce/mapping.toml")}).exit_code, 0);
  ASSERT_EQ(RunCxm({"--db", db, "ingest", "--map", testing::ExamplePath("natcs-banking/mapping.toml"),
                    testing::SharedDataPath("dstc11-natcs-intents/banking-task1-intent-turns.jsonl")}).exit_code, 0);
  const CommandResult analyze = RunCxm({"--db", db, "analyze"});
  ASSERT_EQ(analyze.exit_code, 0) << analyze.err;
  // Every customer turn and review text scored; every interaction with words or ratings has an experience.
  const CommandResult counts = RunCxm({"--db", db, "query", "--format", "csv",
      "SELECT (SELECT count(*) FROM text_emotions) = (SELECT count(*) FROM messages WHERE speaker = 'customer') "
      "+ (SELECT count(*) FROM feedback WHERE text IS NOT NULL) AS all_scored, "
      "(SELECT count(*) FROM interaction_experience) = (SELECT count(DISTINCT interaction_id) FROM ("
      "SELECT interaction_id FROM messages WHERE speaker = 'customer' UNION ALL "
      "SELECT interaction_id FROM feedback WHERE interaction_id IS NOT NULL AND (text IS NOT NULL OR csat IS NOT NULL))) "
      "AS all_experienced, (SELECT count(*) FROM customer_state) = (SELECT count(*) FROM customers) AS all_customers"});
  EXPECT_EQ(counts.out, "all_scored,all_experienced,all_customers\ntrue,true,true\n") << counts.err;
  // The orders export has 13 of 70 deliveries late: the journey map says 18.6%.
  const CommandResult journeys = RunCxm({"--db", db, "journeys", "--format", "json"});
  ASSERT_EQ(journeys.exit_code, 0) << journeys.err;
  const nlohmann::json map = nlohmann::json::parse(journeys.out)["journey_touchpoints"];
  bool has_delivery = false;
  for (const nlohmann::json& row : map["rows"]) {
    if (row["touchpoint"] != "delivery") continue;
    has_delivery = true;
    EXPECT_EQ(row["interactions"], 70);
    EXPECT_NEAR(row["failure_pct"].get<double>(), 100.0 * 13 / 70, 1e-9);
  }
  EXPECT_TRUE(has_delivery) << journeys.out;
  // Too little data for some analyses: the report says so instead of failing.
  const CommandResult report = RunCxm({"--db", db, "report", "--out", dir.File("examples.html")});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const CommandResult moments = RunCxm({"--db", db, "moments"});
  EXPECT_NE(moments.out.find("Too few customers answered NPS twice"), std::string::npos) << moments.out;
  // These exports hold no NPS: nothing is made up in its place.
  const CommandResult metrics = RunCxm({"--db", db, "metrics"});
  ASSERT_EQ(metrics.exit_code, 0) << metrics.err;
  EXPECT_EQ(metrics.out.find("nan"), std::string::npos) << metrics.out;
  EXPECT_EQ(metrics.out.find("NPS +"), std::string::npos) << metrics.out;
  const CommandResult loyalty = RunCxm({"--db", db, "loyalty", "--format", "json"});
  ASSERT_EQ(loyalty.exit_code, 0) << loyalty.err;
  const nlohmann::json quadrants = nlohmann::json::parse(loyalty.out);
  EXPECT_EQ(quadrants["summary"].get<std::string>().find("would not recommend"), std::string::npos) << loyalty.out;
  ASSERT_EQ(quadrants["rows"].size(), 1u) << loyalty.out;
  EXPECT_EQ(quadrants["rows"][0]["quadrant"], "unknown");
  const CommandResult drivers = RunCxm({"--db", db, "drivers"});
  EXPECT_EQ(drivers.exit_code, 1);
  EXPECT_NE(drivers.err.find("this store has no NPS answers; pass --outcome"), std::string::npos)
      << drivers.err;
}

TEST(UnknownCommandTest, NamesTheCommandsThereAre) {
  const CommandResult result = RunCxm({"--db", "unused.duckdb", "churn"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("'churn' is not a cxm command; the commands are: init, ingest"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("employees"), std::string::npos) << result.err;
}

std::string ReadText(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

TEST(ReportCliTest, QuotesSayWhetherTheyWereRedacted) {
  // The quotes were titled "(redacted)" even for a store loaded with --keep-pii.
  TempDir dir;
  const std::string db = dir.File("cxm.duckdb");
  ASSERT_EQ(RunCxm({"--db", db, "ingest", "--map", testing::ExamplePath("ecommerce/mapping.toml")}).exit_code, 0);
  ASSERT_EQ(RunCxm({"--db", db, "analyze"}).exit_code, 0);
  ASSERT_EQ(RunCxm({"--db", db, "report", "--out", dir.File("redacted.html")}).exit_code, 0);
  const std::string redacted = ReadText(dir.File("redacted.html"));
  EXPECT_NE(redacted.find("What customers said (redacted)"), std::string::npos);

  ASSERT_EQ(RunCxm({"--db", db, "ingest", "--keep-pii", "--map", testing::ExamplePath("ecommerce/mapping.toml")}).exit_code, 0);
  ASSERT_EQ(RunCxm({"--db", db, "analyze"}).exit_code, 0);
  ASSERT_EQ(RunCxm({"--db", db, "report", "--out", dir.File("kept.html")}).exit_code, 0);
  const std::string kept = ReadText(dir.File("kept.html"));
  EXPECT_NE(kept.find("What customers said (not redacted)"), std::string::npos);
  EXPECT_EQ(kept.find("What customers said (redacted)"), std::string::npos);
  EXPECT_NE(kept.find("--keep-pii"), std::string::npos);
}

TEST(ReportCliTest, AsksForAnalyzeFirst) {
  TempDir dir;
  const std::string db = dir.File("cxm.duckdb");
  ASSERT_EQ(RunCxm({"--db", db, "init"}).exit_code, 0);
  const CommandResult report = RunCxm({"--db", db, "report", "--out", dir.File("r.html")});
  EXPECT_EQ(report.exit_code, 1);
  EXPECT_NE(report.err.find("run `cxm analyze` first"), std::string::npos) << report.err;
}

}  // namespace
}  // namespace cxm
