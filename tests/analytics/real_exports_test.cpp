// Real exports through cxm, as an analyst would load them (examples/<fixture>/mapping.toml), and
// the facts each fixture's PROVENANCE.md says a correct engine must reproduce.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "finding_json.h"
#include "test_support.h"

namespace cxm {
namespace {

using cxm::testing::CommandResult;
using cxm::testing::ExamplePath;
using cxm::testing::RunCxm;
using cxm::testing::SharedDataPath;
using cxm::testing::TempDir;
using nlohmann::json;

// The rows of a finding (JSON rows are objects keyed by column name).
std::vector<json> Rows(const json& finding) { return finding["rows"].get<std::vector<json>>(); }

json RowWhere(const json& finding, const std::string& column, const std::string& value) {
  for (const json& row : Rows(finding)) {
    if (row[column] == value) return row;
  }
  ADD_FAILURE() << "no row with " << column << " = " << value << " in " << finding.dump();
  return json::object();
}

class RealExport : public ::testing::Test {
 protected:
  void Load(const std::string& mapping, const std::string& file) {
    ASSERT_EQ(RunCxm({"--db", db_, "init"}).exit_code, 0);
    ingest_ = RunCxm({"--db", db_, "ingest", "--map", ExamplePath(mapping), SharedDataPath(file)});
    ASSERT_EQ(ingest_.exit_code, 0) << ingest_.err;
  }
  json Finding(std::vector<std::string> args) { return cxm::testing::RunFinding(db_, std::move(args)); }

  TempDir dir_;
  std::string db_ = dir_.File("cxm.duckdb");
  CommandResult ingest_;
};

TEST_F(RealExport, IranianChurnSnapshotReproducesItsFacts) {
  Load("iranian-churn/mapping.toml", "iranian-churn/Customer Churn.csv");
  // 5. Duplicates: 300 rows repeat another row exactly; said on ingest, kept.
  EXPECT_NE(ingest_.out.find("300 rows repeat an earlier row in every column"), std::string::npos) << ingest_.out;
  // 1. Churn rate 15.71 % (495 / 3,150), a snapshot flag: no dates needed.
  const json overall = Finding({"metrics", "--outcome", "churned"});
  EXPECT_NEAR(Rows(overall)[0]["churned_pct"].get<double>(), 100.0 * 495 / 3150, 1e-9);
  EXPECT_EQ(Rows(overall)[0]["customers"], 3150);
  // 2. Complaint -> churn: 82.99 % (200/241) vs 10.14 % (295/2,909).
  const json complains = Finding({"metrics", "--outcome", "churned", "--by", "complains"});
  EXPECT_NEAR(RowWhere(complains, "complains", "1")["churned_pct"].get<double>(), 100.0 * 200 / 241, 1e-9);
  EXPECT_NEAR(RowWhere(complains, "complains", "0")["churned_pct"].get<double>(), 100.0 * 295 / 2909, 1e-9);
  EXPECT_EQ(RowWhere(complains, "complains", "1")["customers"], 241);
  // 3. Status and plan.
  const json status = Finding({"metrics", "--outcome", "churned", "--by", "status"});
  EXPECT_NEAR(RowWhere(status, "status", "non-active")["churned_pct"].get<double>(), 100.0 * 370 / 782, 1e-9);
  EXPECT_NEAR(RowWhere(status, "status", "active")["churned_pct"].get<double>(), 100.0 * 125 / 2368, 1e-9);
  const json plan = Finding({"metrics", "--outcome", "churned", "--by", "tariff_plan"});
  EXPECT_NEAR(RowWhere(plan, "tariff_plan", "contractual")["churned_pct"].get<double>(), 100.0 * 6 / 245, 1e-9);
  EXPECT_NEAR(RowWhere(plan, "tariff_plan", "pay-as-you-go")["churned_pct"].get<double>(), 100.0 * 489 / 2905, 1e-9);
  const json charge = Finding({"metrics", "--outcome", "churned", "--by", "charge_amount"});
  EXPECT_NEAR(RowWhere(charge, "charge_amount", "0")["churned_pct"].get<double>(), 100.0 * 421 / 1768, 1e-9);
  // Numeric attributes group in numeric order: 0, 1, 2, ... 10.
  EXPECT_EQ(Rows(charge).front()["charge_amount"], "0");
  EXPECT_EQ(Rows(charge).back()["charge_amount"], "10");
  // 4. Single-driver AUCs in the direction that predicts churn (PROVENANCE to 3 decimals).
  const json drivers = Finding({"drivers", "--outcome", "churned"});
  const std::pair<const char*, double> aucs[] = {
      {"inactive", 0.796}, {"seconds_of_use", 0.791}, {"customer_value", 0.786}, {"frequency_of_use", 0.772},
      {"distinct_called_numbers", 0.739}, {"complains", 0.694}, {"charge_amount", 0.679}, {"frequency_of_sms", 0.677},
      {"age", 0.504}, {"age_group", 0.504}, {"call_failures", 0.525}, {"subscription_months", 0.527}};
  for (const auto& [name, auc] : aucs) {
    EXPECT_NEAR(RowWhere(drivers, "attribute", name)["auc"].get<double>(), auc, 0.0005) << name;
  }
  EXPECT_EQ(RowWhere(drivers, "attribute", "seconds_of_use")["goes_with_more"], "lower");  // less use -> churn
  EXPECT_EQ(RowWhere(drivers, "attribute", "complains")["goes_with_more"], "higher");
  // The duplicates are said where a model is fitted, too.
  bool says_duplicates = false;
  for (const json& diagnostic : drivers["diagnostics"]) {
    says_duplicates |= diagnostic["kind"] == "duplicates" &&
                       diagnostic["message"].get<std::string>().find("300 of the 3150 customers") != std::string::npos;
  }
  EXPECT_TRUE(says_duplicates) << drivers["diagnostics"].dump();
  // No attribute of this snapshot is the outcome in disguise; nothing is set aside as leakage.
  for (const json& diagnostic : drivers["diagnostics"]) EXPECT_NE(diagnostic["kind"], "leakage") << diagnostic.dump();
  // The design is said: a cross-sectional association, not an effect.
  EXPECT_NE(drivers["summary"].get<std::string>().find("over 3150 customers"), std::string::npos);
}

TEST_F(RealExport, SomervilleSurveyReproducesItsDriversAndDoesNotFixHousingFirst) {
  // UTF-16 with a byte order mark and CRLF, as distributed.
  Load("somerville-happiness/mapping.toml", "somerville-happiness-survey/SomervilleHappinessSurvey2015.csv");
  // 5. 18 rows repeat an earlier one: said, and kept (no respondent id to tell them apart).
  EXPECT_NE(ingest_.out.find("18 rows repeat an earlier row"), std::string::npos) << ingest_.out;
  const json happy = Finding({"metrics", "--outcome", "happy"});
  EXPECT_EQ(Rows(happy)[0]["customers"], 143);  // kept, not de-duplicated
  EXPECT_NEAR(Rows(happy)[0]["happy_pct"].get<double>(), 100.0 * 77 / 143, 1e-9);  // 1. 53.85 %
  // 2. and 3.: importance (AUC, r) and performance (mean, top-2-box) per service.
  const json drivers = Finding({"drivers", "--outcome", "happy"});
  struct Fact {
    const char* name;
    double auc, r, mean, top2;
  };
  const Fact facts[] = {{"city_services_information", 0.669, 0.313, 4.315, 82.5},
                        {"community_events", 0.620, 0.221, 4.217, 81.1},
                        {"streets_and_sidewalks", 0.616, 0.207, 3.615, 62.9},
                        {"public_schools", 0.598, 0.164, 3.266, 37.1},
                        {"police_trust", 0.566, 0.113, 3.699, 60.1},
                        {"housing_cost", 0.504, 0.019, 2.538, 18.9}};
  for (const Fact& fact : facts) {
    const json row = RowWhere(drivers, "attribute", fact.name);
    EXPECT_NEAR(row["auc"].get<double>(), fact.auc, 0.0005) << fact.name;
    EXPECT_NEAR(row["correlation"].get<double>(), fact.r, 0.0005) << fact.name;
    EXPECT_NEAR(row["mean"].get<double>(), fact.mean, 0.0005) << fact.name;
    EXPECT_NEAR(row["top2_pct"].get<double>(), fact.top2, 0.05) << fact.name;
  }
  // The ranking follows importance: information first, housing cost last.
  EXPECT_EQ(Rows(drivers).front()["attribute"], "city_services_information");
  EXPECT_EQ(Rows(drivers).back()["attribute"], "housing_cost");
  // Housing cost is the worst-rated item but not a driver: never "fix first".
  EXPECT_EQ(RowWhere(drivers, "attribute", "housing_cost")["quadrant"], "low priority");
  EXPECT_EQ(drivers["summary"].get<std::string>().find("housing_cost"), std::string::npos) << drivers["summary"];
  // 4. Group means: information 4.545 happy vs 4.045 unhappy; housing 2.558 vs 2.515.
  const json information = Finding({"metrics", "--outcome", "city_services_information", "--by", "happy"});
  EXPECT_NEAR(RowWhere(information, "happy", "1")["city_services_information_mean"].get<double>(), 4.545, 0.0005);
  EXPECT_NEAR(RowWhere(information, "happy", "0")["city_services_information_mean"].get<double>(), 4.045, 0.0005);
  const json housing = Finding({"metrics", "--outcome", "housing_cost", "--by", "happy"});
  EXPECT_NEAR(RowWhere(housing, "happy", "1")["housing_cost_mean"].get<double>(), 2.558, 0.0005);
  EXPECT_NEAR(RowWhere(housing, "happy", "0")["housing_cost_mean"].get<double>(), 2.515, 0.0005);
}

TEST_F(RealExport, ClothingReviewsReproduceRatingsRecommendationAndDepartments) {
  Load("womens-clothing-reviews/mapping.toml", "womens-clothing-reviews/Womens Clothing E-Commerce Reviews.csv.gz");
  // 1. Ratings: mean 4.196, top-2-box 77.53 %, <= 2 stars 10.25 % (2,407).
  const json overall = Finding({"metrics"});
  EXPECT_EQ(Rows(overall)[0]["csat_answers"], 23486);
  EXPECT_NEAR(Rows(overall)[0]["csat_mean"].get<double>(), 4.196, 0.0005);
  EXPECT_NEAR(Rows(overall)[0]["csat_top2_pct"].get<double>(), 100.0 * (5077 + 13131) / 23486, 1e-9);
  // No NPS in these data: no finding mentions it.
  EXPECT_EQ(overall.dump().find("NPS"), std::string::npos) << overall.dump();
  EXPECT_EQ(overall.dump().find("nps"), std::string::npos);
  const json low = Finding({"metrics", "--outcome", "low_rating"});
  EXPECT_NEAR(Rows(low)[0]["low_rating_pct"].get<double>(), 100.0 * 2407 / 23486, 1e-9);
  // 2. Recommend 82.24 % (19,314); by rating 1.90 / 6.01 / 41.41 / 96.69 / 99.81 %, and the
  // contradictions that follow: 193 reviews of 4-5 stars not recommending, 110 of 1-2 recommending.
  const json recommended = Finding({"metrics", "--outcome", "recommended"});
  EXPECT_NEAR(Rows(recommended)[0]["recommended_pct"].get<double>(), 100.0 * 19314 / 23486, 1e-9);
  const json by_stars = Finding({"metrics", "--outcome", "recommended", "--by", "stars"});
  const double shares[] = {1.90, 6.01, 41.41, 96.69, 99.81};
  const int counts[] = {842, 1565, 2871, 5077, 13131};
  double high_not = 0, low_yes = 0;
  for (int stars = 1; stars <= 5; ++stars) {
    const json row = RowWhere(by_stars, "stars", std::to_string(stars));
    EXPECT_EQ(row["answers"], counts[stars - 1]) << stars;
    EXPECT_NEAR(row["recommended_pct"].get<double>(), shares[stars - 1], 0.005) << stars;
    const double yes = row["answers"].get<double>() * row["recommended_pct"].get<double>() / 100;
    if (stars >= 4) high_not += row["answers"].get<double>() - yes;
    if (stars <= 2) low_yes += yes;
  }
  EXPECT_NEAR(high_not, 193, 1e-6);
  EXPECT_NEAR(low_yes, 110, 1e-6);
  // 3. By department: Trend lowest (119 rows, 3.815 / 73.95 %); 14 rows without a department.
  const json departments = Finding({"metrics", "--by", "department"});
  EXPECT_NEAR(RowWhere(departments, "department", "Tops")["csat_mean"].get<double>(), 4.172, 0.0005);
  EXPECT_NEAR(RowWhere(departments, "department", "Bottoms")["csat_mean"].get<double>(), 4.289, 0.0005);
  EXPECT_NEAR(RowWhere(departments, "department", "Trend")["csat_mean"].get<double>(), 3.815, 0.0005);
  EXPECT_EQ(RowWhere(departments, "department", "Trend")["csat_answers"], 119);
  EXPECT_EQ(RowWhere(departments, "department", "(none)")["csat_answers"], 14);
  const json recommend_by_department = Finding({"metrics", "--outcome", "recommended", "--by", "department"});
  EXPECT_NEAR(RowWhere(recommend_by_department, "department", "Trend")["recommended_pct"].get<double>(), 73.95, 0.005);
  EXPECT_NEAR(RowWhere(recommend_by_department, "department", "Tops")["recommended_pct"].get<double>(), 81.52, 0.005);
  EXPECT_EQ(RowWhere(recommend_by_department, "department", "(missing)")["answers"], 14);
  // The weak, U-shaped age effect.
  const json ages = Finding({"metrics", "--by", "age_band"});
  const std::pair<const char*, double> bands[] = {
      {"18-29", 4.202}, {"30-39", 4.170}, {"40-49", 4.158}, {"50-59", 4.236}, {"60+", 4.288}};
  for (const auto& [band, mean] : bands) {
    EXPECT_NEAR(RowWhere(ages, "age_band", band)["csat_mean"].get<double>(), mean, 0.0005) << band;
  }
  // Undated reviews belong to no month: a trend says so instead of drawing one "(none)" period.
  const json trend = Finding({"metrics", "--by", "month"});
  EXPECT_TRUE(Rows(trend).empty()) << trend.dump();
  EXPECT_NE(trend["summary"].get<std::string>().find("None of the answers has a date"), std::string::npos);
  // 4. 845 reviews have no text: none is scored (as neutral or otherwise); 22,641 are.
  const CommandResult analyzed = RunCxm({"--db", db_, "analyze"});
  ASSERT_EQ(analyzed.exit_code, 0) << analyzed.err;
  const CommandResult scored = RunCxm({"--db", db_, "query", "--format", "csv",
                                       "SELECT count(*) FROM text_emotions WHERE source = 'feedback'"});
  EXPECT_NE(scored.out.find("22641"), std::string::npos) << scored.out;
}

TEST_F(RealExport, AirlineTweetsReportTheirDuplicateIdsAndReproduceSentimentAndReasons) {
  // Evaluation only (CC BY-NC-SA): read here, never trained on.
  Load("us-airline-tweets/mapping.toml", "twitter-us-airline-sentiment/Tweets.csv");
  // 4. 14,640 rows, 14,485 distinct tweet ids: the 155 repeats are rejects naming the line kept,
  // not 155 extra tweets; 36 of them repeat their row exactly.
  EXPECT_NE(ingest_.out.find("feedback: loaded 14485, rejected 155"), std::string::npos) << ingest_.out;
  EXPECT_NE(ingest_.out.find("36 rows repeat an earlier row in every column"), std::string::npos) << ingest_.out;
  const CommandResult rejects = RunCxm({"--db", db_, "query", "--format", "csv",
      "SELECT count(*) FROM rejects WHERE reason LIKE 'repeats the key of line %, which was kept (the last row wins)'"});
  EXPECT_NE(rejects.out.find("155"), std::string::npos) << rejects.out;
  // 1. Sentiment with the later row of each repeated id kept (PROVENANCE counts all rows, 9,178
  // negative, or the first of each, 9,082: this rule gives 9,088 / 3,065 / 2,332, computed the
  // same way with Python's csv module).
  const json negative = Finding({"metrics", "--outcome", "negative"});
  EXPECT_NEAR(Rows(negative)[0]["negative_pct"].get<double>(), 100.0 * 9088 / 14485, 1e-9);
  const json sentiment = Finding({"metrics", "--outcome", "negative", "--by", "sentiment"});
  EXPECT_EQ(RowWhere(sentiment, "sentiment", "neutral")["answers"], 3065);
  EXPECT_EQ(RowWhere(sentiment, "sentiment", "positive")["answers"], 2332);
  // 2. Complaint reasons: Customer Service Issue first, Late Flight second; set on negatives only.
  const json reasons = Finding({"metrics", "--outcome", "negative", "--by", "reason"});
  EXPECT_EQ(RowWhere(reasons, "reason", "Customer Service Issue")["answers"], 2883);
  EXPECT_EQ(RowWhere(reasons, "reason", "Late Flight")["answers"], 1653);
  EXPECT_EQ(RowWhere(reasons, "reason", "Damaged Luggage")["answers"], 74);
  EXPECT_EQ(RowWhere(reasons, "reason", "Late Flight")["negative_pct"], 100.0);
  EXPECT_EQ(RowWhere(reasons, "reason", "(missing)")["negative_pct"], 0.0);
  // 3. Negative share by airline (every repeated id is American's: the others match PROVENANCE).
  const json airlines = Finding({"metrics", "--outcome", "negative", "--by", "airline"});
  EXPECT_NEAR(RowWhere(airlines, "airline", "US Airways")["negative_pct"].get<double>(), 100.0 * 2263 / 2913, 1e-9);
  EXPECT_NEAR(RowWhere(airlines, "airline", "United")["negative_pct"].get<double>(), 100.0 * 2633 / 3822, 1e-9);
  EXPECT_NEAR(RowWhere(airlines, "airline", "Delta")["negative_pct"].get<double>(), 100.0 * 955 / 2222, 1e-9);
  EXPECT_NEAR(RowWhere(airlines, "airline", "Virgin America")["negative_pct"].get<double>(), 100.0 * 181 / 504, 1e-9);
  EXPECT_NEAR(RowWhere(airlines, "airline", "American")["negative_pct"].get<double>(), 100.0 * 1870 / 2604, 1e-9);
  // Delta is the one airline whose top reason is Late Flight (269 vs 199).
  const json delta = Finding({"metrics", "--outcome", "negative", "--by", "reason", "--where", "airline = 'Delta'"});
  EXPECT_EQ(RowWhere(delta, "reason", "Late Flight")["answers"], 269);
  EXPECT_EQ(RowWhere(delta, "reason", "Customer Service Issue")["answers"], 199);
  // 5. The coverage trap: the 22-23 Feb volume is American's batch arriving (4 tweets before
  // 22 Feb), which a per-airline, per-day view shows as coverage, not as a surge.
  const json days = Finding({"metrics", "--outcome", "negative", "--by", "local_day"});
  EXPECT_EQ(RowWhere(days, "local_day", "2015-02-22")["answers"], 3073);
  EXPECT_EQ(RowWhere(days, "local_day", "2015-02-23")["answers"], 3026);
  EXPECT_EQ(RowWhere(days, "local_day", "2015-02-16")["answers"], 4);
  const json american = Finding({"metrics", "--outcome", "negative", "--by", "local_day", "--where",
                                 "airline = 'American' AND local_day < '2015-02-22'"});
  double before = 0;
  for (const json& row : Rows(american)) before += row["answers"].get<double>();
  EXPECT_EQ(before, 4);
  // Timestamps written with a space before their offset (-0800) are read and kept in UTC.
  const CommandResult range = RunCxm({"--db", db_, "query", "--format", "csv",
                                      "SELECT min(ts)::VARCHAR || ' ' || max(ts)::VARCHAR FROM feedback"});
  EXPECT_NE(range.out.find("2015-02-17 07:36:05 2015-02-24 19:53:37"), std::string::npos) << range.out;
  // No name, location or time zone of an author is stored.
  const CommandResult names = RunCxm({"--db", db_, "query", "--format", "csv",
                                      "SELECT count(*) FROM attributes WHERE name IN ('name', 'tweet_location', 'user_timezone')"});
  EXPECT_NE(names.out.find("\n0"), std::string::npos) << names.out;
}

}  // namespace
}  // namespace cxm
