// The analysis interface end to end, through the cxm binary: settings stored by analyze and
// used by every analysis and the report, touchpoint roles instead of names, and the employee
// analysis on a hand-made answer set.
#include "analytics/registry.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/duckdb_engine.h"
#include "test_support.h"

namespace cxm::analytics {
namespace {

using Json = nlohmann::json;
using testing::CommandResult;
using testing::QueryInt;
using testing::RunCxm;
using testing::TempDir;

constexpr const char* kTables[] = {"customers", "employees", "self_assessment", "currency_rates", "interactions", "transactions",
                                   "churn", "employee_feedback", "messages", "feedback"};

// A 1,500-customer company (seed 7, the golden one) in `dir`/data.
void Generate(const TempDir& dir) {
  const CommandResult generated = RunCxm({"generate", "--customers", "1500", "--seed", "7", "--out", dir.File("data")});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
}

void IngestAll(const TempDir& dir, const std::string& db, const std::vector<std::string>& skip = {}) {
  for (const char* table : kTables) {
    if (std::find(skip.begin(), skip.end(), table) != skip.end()) continue;
    const CommandResult loaded = RunCxm({"--db", db, "ingest", "--table", table, dir.File(std::string("data/") + table + ".csv")});
    ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  }
}

Json Analysis(const std::string& db, const std::string& key) {
  const CommandResult result = RunCxm({"--db", db, key, "--format", "json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.exit_code == 0 ? Json::parse(result.out) : Json();
}

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Compares two findings' rows: texts exactly, numbers to 1e-9 relative (the renamed company's
// touchpoints sort in another order, and so do the columns of its regressions).
void ExpectSameRows(const Json& actual, const Json& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t row = 0; row < expected.size(); ++row) {
    for (const auto& [column, value] : expected[row].items()) {
      const Json& other = actual[row][column];
      if (value.is_number() && other.is_number()) {
        EXPECT_NEAR(other.get<double>(), value.get<double>(), 1e-9 * std::max(1.0, std::abs(value.get<double>())))
            << what << " row " << row << " " << column;
      } else {
        EXPECT_EQ(other, value) << what << " row " << row << " " << column;
      }
    }
  }
}

TEST(SettingsTest, AnalyzeStoresThemAndEverySectionOfTheReportSaysAndUsesThem) {
  TempDir dir;
  Generate(dir);
  const std::string db = dir.File("cxm.duckdb");
  IngestAll(dir, db);
  // Before any analysis the analyses that need one say so (exit 1).
  const CommandResult early = RunCxm({"--db", db, "moments"});
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_NE(early.err.find("run `cxm analyze` first"), std::string::npos) << early.err;

  ASSERT_EQ(RunCxm({"--db", db, "analyze"}).exit_code, 0);
  const Json defaults = Analysis(db, "moments");
  EXPECT_EQ(defaults["moments"]["settings"]["negativity_lambda"], 2.0);

  const CommandResult analyzed = RunCxm({"--db", db, "analyze", "--lambda", "3", "--half-life", "90"});
  ASSERT_EQ(analyzed.exit_code, 0) << analyzed.err;
  // The analyses take no settings of their own: a later analysis cannot mix them.
  EXPECT_EQ(RunCxm({"--db", db, "moments", "--lambda", "2"}).exit_code, 1);
  EXPECT_EQ(RunCxm({"--db", db, "report", "--lambda", "2"}).exit_code, 1);
  const Json moments = Analysis(db, "moments");
  EXPECT_EQ(moments["moments"]["settings"]["negativity_lambda"], 3.0);
  EXPECT_EQ(moments["moments"]["settings"]["memory_half_life_days"], 90.0);
  EXPECT_NE(moments["moments"]["rows"], defaults["moments"]["rows"]);  // and used: other figures
  const Json memory = Analysis(db, "memory");
  EXPECT_EQ(memory["settings"]["negativity_lambda"], 3.0);

  const std::string report = dir.File("report.html");
  const CommandResult reported = RunCxm({"--db", db, "report", "--out", report});
  ASSERT_EQ(reported.exit_code, 0) << reported.err;
  const std::string html = ReadWhole(report);
  const std::string open = "<script type=\"application/json\" id=\"cxm-data\">";
  const std::size_t start = html.find(open) + open.size();
  const Json data = Json::parse(html.substr(start, html.find("</script>", start) - start));
  int with_settings = 0;
  for (const auto& [key, finding] : data["findings"].items()) {
    if (finding["settings"].empty()) continue;  // metrics, gap, drivers, employees use none
    ++with_settings;
    EXPECT_EQ(finding["settings"]["negativity_lambda"], 3.0) << key;
    EXPECT_EQ(finding["settings"]["memory_half_life_days"], 90.0) << key;
  }
  EXPECT_GE(with_settings, 9);
  // The report's moments are the moments computed with 3 / 90 (to the last bits, which the order
  // of a parallel sum may move).
  ExpectSameRows(data["findings"]["moments"]["rows"], moments["moments"]["rows"], "report moments");

  // A run that did not finish (derived tables at other settings than the stored ones) is refused.
  {
    Result<store::Store> store = store::Store::Open(db, {});
    ASSERT_TRUE(store.has_value()) << store.error();
    ASSERT_TRUE(store->connection().Execute("UPDATE interaction_experience SET negativity_lambda = 5").ok());
  }
  const CommandResult stale = RunCxm({"--db", db, "moments"});
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_NE(stale.err.find("did not finish"), std::string::npos) << stale.err;

  // A reference date and a reporting currency: the outcomes count from that date, and value
  // figures are in that currency (11 SEK to the euro in the company's currency_rates).
  double kronor = 0;
  {
    Result<store::Store> store = store::Store::Open(db, {.mode = store::Store::Mode::kReadOnly});
    ASSERT_TRUE(store.has_value());
    EXPECT_EQ(testing::QueryText(store->connection(), "SELECT currency FROM analysis_settings"), "SEK");
    kronor = static_cast<double>(testing::QueryInt(store->connection(), "SELECT round(sum(revenue))::BIGINT FROM customer_state"));
  }
  EXPECT_EQ(RunCxm({"--db", db, "analyze", "--reference-date", "2026-13-01"}).exit_code, 1);
  EXPECT_EQ(RunCxm({"--db", db, "analyze", "--currency", "USD"}).exit_code, 1);
  const CommandResult dated = RunCxm({"--db", db, "analyze", "--reference-date", "2026-01-15", "--currency", "EUR"});
  ASSERT_EQ(dated.exit_code, 0) << dated.err;
  const Json in_euro = Analysis(db, "moments");
  EXPECT_EQ(in_euro["moments"]["settings"]["reference_date"], "2026-01-15");
  EXPECT_EQ(in_euro["moments"]["settings"]["currency"], "EUR");
  EXPECT_TRUE(in_euro["moments"]["rows"][0].contains("value_at_stake_eur"));
  EXPECT_NE(in_euro["moments"]["summary"].get<std::string>().find(" EUR in the year before"), std::string::npos);
  const Json loyalty = Analysis(db, "loyalty");
  double euros = 0;
  for (const Json& row : loyalty["rows"]) euros += row["revenue_eur"].get<double>();
  EXPECT_NEAR(euros * 11.0, kronor, 1.0);
}

TEST(TouchpointRolesTest, SupportUnderAnotherNameGetsTheSameRecoveryFindings) {
  TempDir dir;
  Generate(dir);
  const std::string db = dir.File("cxm.duckdb");
  IngestAll(dir, db);
  ASSERT_EQ(RunCxm({"--db", db, "analyze"}).exit_code, 0);
  const Json recovery = Analysis(db, "recovery");
  const Json moments = Analysis(db, "moments");

  // The same company whose exports call support "customer_service", said so by its mapping.
  const std::string renamed_db = dir.File("renamed.duckdb");
  IngestAll(dir, renamed_db, {"self_assessment"});
  {
    Result<store::Store> store = store::Store::Open(renamed_db, {});
    ASSERT_TRUE(store.has_value()) << store.error();
    ASSERT_TRUE(store->connection().Execute(
        "UPDATE interactions SET touchpoint = 'customer_service' WHERE touchpoint = 'support'; "
        "UPDATE feedback SET touchpoint = 'customer_service' WHERE touchpoint = 'support'").ok());
  }
  std::string beliefs = ReadWhole(dir.File("data/self_assessment.csv"));
  for (std::size_t at = beliefs.find("\nsupport,"); at != std::string::npos; at = beliefs.find("\nsupport,", at + 1)) {
    beliefs.replace(at, 9, "\ncustomer_service,");
  }
  testing::WriteFile(dir.File("data/self_assessment.csv"), beliefs);
  testing::WriteFile(dir.File("data/mapping.toml"), R"toml(
[sources.beliefs]
path = "self_assessment.csv"

[[tables]]
source = "beliefs"
target = "self_assessment"
[tables.columns]
touchpoint = "touchpoint"
metric = "metric"
believed_value = "believed_value"
ts = "ts"

[touchpoint_roles]
support = ["customer_service"]
)toml");
  const CommandResult mapped = RunCxm({"--db", renamed_db, "ingest", "--map", dir.File("data/mapping.toml")});
  ASSERT_EQ(mapped.exit_code, 0) << mapped.err;
  {
    Result<store::Store> store = store::Store::Open(renamed_db, {.mode = store::Store::Mode::kReadOnly});
    ASSERT_TRUE(store.has_value());
    EXPECT_EQ(QueryInt(store->connection(), "SELECT count(*) FROM interactions WHERE touchpoint = 'support'"), 0);
    EXPECT_GT(QueryInt(store->connection(), "SELECT count(*) FROM interactions WHERE touchpoint = 'customer_service'"), 0);
  }
  ASSERT_EQ(RunCxm({"--db", renamed_db, "analyze"}).exit_code, 0);
  const Json renamed = Analysis(renamed_db, "recovery");
  ExpectSameRows(renamed["recovery_groups"]["rows"], recovery["recovery_groups"]["rows"], "recovery_groups");
  ExpectSameRows(renamed["recovery_justice"]["rows"], recovery["recovery_justice"]["rows"], "recovery_justice");
  EXPECT_EQ(renamed["recovery_groups"]["summary"], recovery["recovery_groups"]["summary"]);
  EXPECT_GT(recovery["recovery_justice"]["rows"].size(), 0u);
  // Moments: the same figures, under the company's own name.
  const Json renamed_moments = Analysis(renamed_db, "moments");
  Json expected = moments["moments"]["rows"];
  for (Json& row : expected) {
    std::string name = row["touchpoint"];
    if (name == "support") name = "customer_service";
    if (name == "support: recovery after a failure") name = "customer_service: recovery after a failure";
    row["touchpoint"] = name;
  }
  ExpectSameRows(renamed_moments["moments"]["rows"], expected, "moments");
  // A mapping naming a role cxm does not know is refused where it says so.
  testing::WriteFile(dir.File("data/bad.toml"), "[sources.b]\npath = \"self_assessment.csv\"\n[[tables]]\nsource = \"b\"\n"
                     "target = \"self_assessment\"\n[tables.columns]\ntouchpoint = \"touchpoint\"\nmetric = \"metric\"\n"
                     "ts = \"ts\"\n[touchpoint_roles]\nsupprt = [\"x\"]\n");
  const CommandResult bad = RunCxm({"--db", renamed_db, "ingest", "--map", dir.File("data/bad.toml")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.toml:11:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("'supprt' is not a touchpoint role"), std::string::npos) << bad.err;
}

TEST(EmployeeVoiceTest, EnpsAndNmiByTeamOnAHandMadeAnswerSet) {
  TempDir dir;
  Result<store::Store> store = store::Store::Open(dir.File("cxm.duckdb"), {});
  ASSERT_TRUE(store.has_value()) << store.error();
  // Team north: 20 tens, 10 eights, 10 fives (eNPS 50 - 25 = 25; mean 8.25, NMI 82.5).
  // Team south: 40 answers of 3 (eNPS -100, NMI 30). Team east: 4 answers (a small group).
  ASSERT_TRUE(store->connection().Execute(R"sql(
    INSERT INTO employees (agent_id, team, source) VALUES ('A1', 'north', 't'), ('A2', 'south', 't'), ('A3', 'east', 't');
    INSERT INTO employee_feedback (response_id, agent_id, ts, enps, source)
      SELECT 'n' || i, 'A1', TIMESTAMP '2026-01-01', CASE WHEN i < 20 THEN 10 WHEN i < 30 THEN 8 ELSE 5 END, 't'
      FROM range(40) t(i);
    INSERT INTO employee_feedback (response_id, agent_id, ts, enps, source)
      SELECT 's' || i, 'A2', TIMESTAMP '2026-01-01', 3, 't' FROM range(40) t(i);
    INSERT INTO employee_feedback (response_id, agent_id, ts, enps, source)
      SELECT 'e' || i, 'A3', TIMESTAMP '2026-01-01', CASE WHEN i = 0 THEN NULL ELSE 9 END, 't' FROM range(5) t(i);
  )sql").ok());
  store::DuckDbEngine engine(store->connection());
  Result<std::vector<Finding>> findings = RunAnalysis(*FindAnalysis("employees"), engine, {});
  ASSERT_TRUE(findings.has_value()) << findings.error();
  const Finding& finding = findings->front();
  ASSERT_EQ(finding.rows.size(), 3u);  // east, north, south
  EXPECT_EQ(std::get<std::string>(finding.rows[0][0]), "east");
  EXPECT_EQ(std::get<std::int64_t>(finding.rows[0][1]), 4);
  EXPECT_EQ(std::get<std::string>(finding.rows[0][10]), "small group");
  EXPECT_NEAR(std::get<double>(finding.rows[1][2]), 25.0, 1e-9);   // north eNPS
  EXPECT_NEAR(std::get<double>(finding.rows[1][5]), 82.5, 1e-9);   // north NMI
  EXPECT_NEAR(std::get<double>(finding.rows[2][2]), -100.0, 1e-9);  // south eNPS
  EXPECT_NEAR(std::get<double>(finding.rows[2][5]), 30.0, 1e-9);
  EXPECT_EQ(std::get<std::string>(finding.rows[2][10]), "significant difference");
  ASSERT_EQ(finding.diagnostics.size(), 2u);
  EXPECT_EQ(finding.diagnostics[0].kind, "small_group");
  EXPECT_EQ(finding.diagnostics[1].kind, "missing_values");  // the one response without an answer
  EXPECT_NE(finding.summary.find("across 84 answers"), std::string::npos) << finding.summary;
}

}  // namespace
}  // namespace cxm::analytics
