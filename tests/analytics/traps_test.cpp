// Planted traps, each of which a correct engine flags in words: a column that is the outcome in
// disguise, a perfect separator, a satisfaction score that runs the wrong way, columns with
// missing values, a "not applicable" code, an unknown delay that is missing and not "no delay".
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "finding_json.h"
#include "test_support.h"

namespace cxm {
namespace {

using cxm::testing::CommandResult;
using cxm::testing::RunCxm;
using cxm::testing::TempDir;
using cxm::testing::WriteFile;
using nlohmann::json;

constexpr int kCustomers = 600;

// A churn extract of `kCustomers` rows, made deterministic by a fixed linear congruential draw.
std::string TrapExport() {
  std::uint64_t state = 20261201;
  const auto draw = [&state] {  // uniform in [0, 1)
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  std::string csv = "id,churned,cancel_code,account_closed,satisfaction,tenure_months,delay_minutes,plan\n";
  for (int row = 0; row < kCustomers; ++row) {
    const int churned = draw() < 0.3 ? 1 : 0;
    // The outcome in disguise: a cancellation code that agrees with churn but for 1 row in 150.
    const int cancel_code = row % 150 == 7 ? 1 - churned : churned;
    // Inverted: churners were the *more* satisfied (a scale coded 5 = worst, say).
    const int satisfaction = churned ? 3 + static_cast<int>(draw() * 3) : 1 + static_cast<int>(draw() * 5);
    // 5% missing (every 20th row), weakly related to staying.
    const std::string tenure = row % 20 == 3 ? "" : std::to_string(static_cast<int>(draw() * 48) + (churned ? 0 : 6));
    // A delay: unknown (empty) for some, "not applicable" (999: no delivery) for others.
    const std::string delay = row % 10 == 1 ? "" : row % 10 == 2 ? "999" : std::to_string(static_cast<int>(draw() * 30));
    csv += fmt::format("c{},{},{},{},{},{},{},{}\n", row, churned, cancel_code, churned ? "yes" : "no", satisfaction,
                       tenure, delay, row % 2 ? "basic" : "plus");
  }
  return csv;
}

constexpr char kTrapMapping[] = R"toml(
[sources.extract]
path = "extract.csv"

[[tables]]
source = "extract"
target = "customers"

[tables.columns]
customer_id = "id"

[tables.attributes]
churned = { expression = "churned", higher_is = "worse" }
cancel_code = "cancel_code"
account_closed = "CASE account_closed WHEN 'yes' THEN 1 WHEN 'no' THEN 0 END"
satisfaction = { expression = "satisfaction", kind = "rating" }
tenure_months = "tenure_months"
delay_minutes = { expression = "delay_minutes", higher_is = "worse", not_applicable = 999 }
plan = "plan"
)toml";

class Traps : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("extract.csv"), TrapExport());
    WriteFile(dir_.File("mapping.toml"), kTrapMapping);
    ASSERT_EQ(RunCxm({"--db", db_, "init"}).exit_code, 0);
    const CommandResult loaded = RunCxm({"--db", db_, "ingest", "--map", dir_.File("mapping.toml")});
    ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  }
  json Finding(std::vector<std::string> args) { return cxm::testing::RunFinding(db_, std::move(args)); }
  static std::string Diagnostic(const json& finding, const std::string& kind) {
    std::string messages;
    for (const json& diagnostic : finding["diagnostics"]) {
      if (diagnostic["kind"] == kind) messages += diagnostic["message"].get<std::string>() + "\n";
    }
    return messages;
  }
  static json Row(const json& finding, const std::string& attribute) {
    for (const json& row : finding["rows"]) {
      if (row["attribute"] == attribute) return row;
    }
    ADD_FAILURE() << attribute << " is not a row of " << finding.dump();
    return json::object();
  }
  std::int64_t Count(const std::string& sql) {
    const CommandResult result = RunCxm({"--db", db_, "query", "--format", "csv", sql});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return std::stoll(result.out.substr(result.out.find('\n') + 1));
  }

  TempDir dir_;
  std::string db_ = dir_.File("cxm.duckdb");
};

TEST_F(Traps, TheOutcomeInDisguiseIsNamedAndLeftOutOfTheRanking) {
  const json drivers = Finding({"drivers", "--outcome", "churned"});
  const std::string leakage = Diagnostic(drivers, "leakage");
  EXPECT_NE(leakage.find("cancel_code"), std::string::npos) << leakage;
  EXPECT_NE(leakage.find("excluded from the ranking"), std::string::npos) << leakage;
  EXPECT_EQ(Row(drivers, "cancel_code")["quadrant"], "not ranked");
  EXPECT_TRUE(Row(drivers, "cancel_code")["relative_weight_pct"].is_null());
  // What matters most is an attribute that is not a suspect.
  const std::string summary = drivers["summary"];
  EXPECT_EQ(summary.find("cancel_code matters most"), std::string::npos) << summary;
  EXPECT_NE(summary.find("likely leakage"), std::string::npos) << summary;
  // Asked to, the suspects are ranked too, still marked.
  const json kept = Finding({"drivers", "--outcome", "churned", "--keep-suspects"});
  EXPECT_FALSE(Row(kept, "cancel_code")["relative_weight_pct"].is_null());
  EXPECT_NE(Row(kept, "cancel_code")["note"].get<std::string>().find("likely leakage"), std::string::npos);
}

TEST_F(Traps, APerfectSeparatorIsReportedAsSuchNeverAsAnEstimate) {
  const json drivers = Finding({"drivers", "--outcome", "churned"});
  EXPECT_NE(Diagnostic(drivers, "separation").find("no finite coefficient"), std::string::npos);
  const json closed = Row(drivers, "account_closed");
  EXPECT_EQ(closed["auc"], 1.0);
  EXPECT_NE(closed["note"].get<std::string>().find("separates the outcome perfectly"), std::string::npos);
  EXPECT_TRUE(closed["relative_weight_pct"].is_null());
}

TEST_F(Traps, ASatisfactionScoreRunningTheWrongWayIsStated) {
  const json drivers = Finding({"drivers", "--outcome", "churned"});
  const std::string direction = Diagnostic(drivers, "direction");
  EXPECT_NE(direction.find("satisfaction"), std::string::npos) << drivers.dump();
  EXPECT_NE(Row(drivers, "satisfaction")["note"].get<std::string>().find("against the usual direction"),
            std::string::npos);
  // Tenure has no declared direction: nothing is claimed about it.
  EXPECT_EQ(direction.find("tenure_months"), std::string::npos);
}

TEST_F(Traps, MissingValuesAreCountedPerColumnAndHowTheyWereHandledIsSaid) {
  const json drivers = Finding({"drivers", "--outcome", "churned"});
  const std::string missing = Diagnostic(drivers, "missing_values");
  EXPECT_NE(missing.find("tenure_months 30 (5.0%)"), std::string::npos) << missing;
  EXPECT_NE(missing.find("pairwise deletion"), std::string::npos) << missing;
  EXPECT_EQ(Row(drivers, "tenure_months")["answers"], kCustomers - 30);
}

TEST_F(Traps, NotApplicableAndUnknownAreBothMissingAndNeitherIsZero) {
  // 60 unknown delays (empty) and 60 "not applicable" (999): no number for either, and the
  // code is kept apart from an unanswered question.
  EXPECT_EQ(Count("SELECT count(*) FROM attributes WHERE name = 'delay_minutes' AND number IS NULL"), 120);
  EXPECT_EQ(Count("SELECT count(*) FROM attributes WHERE name = 'delay_minutes' AND not_applicable"), 60);
  EXPECT_EQ(Count("SELECT count(*) FROM attributes WHERE name = 'delay_minutes' AND value IS NULL"), 60);
  const json delay = Finding({"metrics", "--outcome", "delay_minutes"});
  EXPECT_EQ(delay["rows"][0]["customers"], kCustomers - 120);  // customers with a delay
  EXPECT_EQ(delay["rows"][0]["missing"], 120);
  EXPECT_NE(Diagnostic(delay, "missing_values").find("120 of 600 customers have no delay_minutes"), std::string::npos);
}

TEST_F(Traps, AMetricsGroupByAnAttributeComparesEachGroupWithTheOthers) {
  const json by_plan = Finding({"metrics", "--outcome", "churned", "--by", "plan"});
  ASSERT_EQ(by_plan["rows"].size(), 2u);
  EXPECT_EQ(by_plan["rows"][0]["plan"], "basic");
  EXPECT_EQ(by_plan["rows"][0]["customers"], kCustomers / 2);
  // An attribute that does not exist is named with what does.
  const CommandResult unknown = RunCxm({"--db", db_, "metrics", "--outcome", "churned", "--by", "colour"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("plan"), std::string::npos) << unknown.err;
}

TEST_F(Traps, StatusListsTheDeclaredAttributes) {
  const CommandResult status = RunCxm({"--db", db_, "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const std::size_t listed = status.out.find("\nattributes\n");
  ASSERT_NE(listed, std::string::npos) << status.out;
  // delay_minutes: a number, worse when higher, 999 not applicable, 540 values of which 480 numbers.
  const std::size_t delay = status.out.find("delay_minutes", listed);
  ASSERT_NE(delay, std::string::npos) << status.out;
  const std::string line = status.out.substr(delay, status.out.find('\n', delay) - delay);
  for (const char* cell : {"number", "worse", "999", "540", "480"}) {
    EXPECT_NE(line.find(cell), std::string::npos) << cell << " in " << line;
  }
}

TEST_F(Traps, AnErasureRemovesTheCustomersAttributes) {
  ASSERT_EQ(Count("SELECT count(*) FROM attributes WHERE customer_id = 'c5'"), 7);
  const CommandResult erased = RunCxm({"--db", db_, "erase", "--customer", "c5"});
  ASSERT_EQ(erased.exit_code, 0) << erased.err;
  EXPECT_EQ(Count("SELECT count(*) FROM attributes WHERE customer_id = 'c5' OR entity_id = 'c5'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM attributes"), 7 * (kCustomers - 1));
}

// Amounts keep their currency: without the company's rates nothing converts (no built-in rate,
// no amount taken at par), the finding says what was left out, and no headline names a
// currency the data do not have.
TEST(Currency, AmountsConvertOnlyThroughTheCompanysRates) {
  TempDir dir;
  const std::string db = dir.File("cxm.duckdb");
  ASSERT_EQ(RunCxm({"generate", "--customers", "400", "--seed", "5", "--out", dir.File("co")}).exit_code, 0);
  for (const char* table : {"customers", "employees", "interactions", "transactions", "churn", "feedback"}) {
    const CommandResult loaded = RunCxm({"--db", db, "ingest", "--table", table, dir.File(std::string("co/") + table + ".csv")});
    ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  }
  // A currency neither the transactions nor the rates name is refused, naming those there are.
  const CommandResult usd = RunCxm({"--db", db, "analyze", "--currency", "USD"});
  EXPECT_EQ(usd.exit_code, 1);
  EXPECT_NE(usd.err.find("--currency USD: no transaction is in USD"), std::string::npos) << usd.err;
  EXPECT_NE(usd.err.find("SEK"), std::string::npos) << usd.err;
  ASSERT_EQ(RunCxm({"--db", db, "analyze"}).exit_code, 0);
  const auto loyalty = [&] { return cxm::testing::RunFinding(db, {"loyalty"}); };
  const auto revenue = [](const json& finding) {
    double total = 0;
    for (const json& row : finding["rows"]) total += row["revenue_sek"].get<double>();
    return total;
  };
  // The reporting currency defaults to the transactions' most common one (SEK here); amounts in
  // NOK, DKK, RON and EUR have no rate yet and are left out, and said to be.
  const json without_rates = loyalty();
  EXPECT_EQ(without_rates["settings"]["currency"], "SEK");
  std::string currency_note;
  for (const json& diagnostic : without_rates["diagnostics"]) {
    if (diagnostic["kind"] == "currency") currency_note = diagnostic["message"];
  }
  EXPECT_NE(currency_note.find("left out of every revenue figure"), std::string::npos) << without_rates.dump();
  EXPECT_NE(currency_note.find(" in NOK"), std::string::npos) << currency_note;
  EXPECT_EQ(currency_note.find(" in SEK"), std::string::npos) << currency_note;
  // With the company's rates loaded, every amount converts and the note is gone.
  ASSERT_EQ(RunCxm({"--db", db, "ingest", "--table", "currency_rates", dir.File("co/currency_rates.csv")}).exit_code, 0);
  ASSERT_EQ(RunCxm({"--db", db, "analyze"}).exit_code, 0);
  const json with_rates = loyalty();
  for (const json& diagnostic : with_rates["diagnostics"]) EXPECT_NE(diagnostic["kind"], "currency");
  EXPECT_GT(revenue(with_rates), revenue(without_rates));
}

}  // namespace
}  // namespace cxm
