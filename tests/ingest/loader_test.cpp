#include "ingest/loader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_support.h"

namespace cxm::ingest {
namespace {

using cxm::testing::FixturePath;
using cxm::testing::WriteFile;

class LoaderTest : public cxm::testing::StoreTest {
 protected:
  Result<std::vector<TableLoad>> Load(const std::string& path, LoadOptions options = {}) {
    Result<Loader> loader = Loader::Create(store_.get(), std::move(options));
    if (!loader.has_value()) return loader.error();
    return loader->LoadFile(path);
  }
  // "line:column" of every reject, in line order, for compact known answers.
  std::string RejectSummary() {
    return Text("SELECT string_agg(line || ':' || coalesce(column_name, '*'), ' ' ORDER BY line, "
                "column_name) FROM rejects");
  }
};

TEST_F(LoaderTest, BrokenUtf8LineIsRejectedAndTheRestLoads) {
  Result<std::vector<TableLoad>> loads = Load(FixturePath("ingest/broken_utf8.csv"));
  ASSERT_TRUE(loads.has_value()) << loads.error();
  ASSERT_EQ(loads->size(), 1u);
  EXPECT_EQ((*loads)[0].table, "customers");
  EXPECT_EQ((*loads)[0].loaded, 2);
  EXPECT_EQ((*loads)[0].rejected, 1);
  EXPECT_EQ(Text("SELECT string_agg(customer_id, ',' ORDER BY customer_id) FROM customers"), "c1,c3");
  EXPECT_EQ(Count("SELECT line FROM rejects"), 3);
  EXPECT_NE(Text("SELECT reason FROM rejects").find("nvalid unicode"), std::string::npos);
}

TEST_F(LoaderTest, EmbeddedQuotesAndNewlinesKeepValuesAndTrueLineNumbers) {
  Result<std::vector<TableLoad>> loads = Load(FixturePath("ingest/embedded_quotes_and_newlines.csv"));
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ((*loads)[0].loaded, 2);
  EXPECT_EQ(Text("SELECT text FROM feedback WHERE feedback_id = 'f1'"), "She said \"great\", then left");
  EXPECT_EQ(Text("SELECT text FROM feedback WHERE feedback_id = 'f2'"),
            "line one\nline two\nline three");
  // f3 starts on physical line 6: header 1, f1 2, f2 3-5.
  EXPECT_EQ(RejectSummary(), "6:nps");
  EXPECT_EQ(Text("SELECT value || ' ' || reason FROM rejects"), "15 is outside 0..10");
}

TEST_F(LoaderTest, WrongTypesAreRejectedPerColumn) {
  Result<std::vector<TableLoad>> loads = Load(FixturePath("ingest/wrong_types.csv"));
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ((*loads)[0].table, "interactions");
  EXPECT_EQ((*loads)[0].loaded, 1);
  EXPECT_EQ((*loads)[0].rejected, 6);
  EXPECT_EQ(RejectSummary(),
            "3:ts 4:transfers 5:compensation_value 6:repeat_contact 7:transfers 8:customer_id");
  EXPECT_EQ(Text("SELECT reason FROM rejects WHERE line = 7"), "is below 0");
  EXPECT_EQ(Text("SELECT value FROM rejects WHERE line = 4"), "two");
  // The good row arrives typed.
  EXPECT_EQ(Text("SELECT ts::VARCHAR || '|' || transfers || '|' || compensation_value || '|' || "
                 "repeat_contact FROM interactions"),
            "2024-03-01 10:00:00|2|10.5|true");
}

TEST_F(LoaderTest, ScoresOutsideTheirScalesAndUnknownKindsAreRejected) {
  Result<std::vector<TableLoad>> loads = Load(FixturePath("ingest/out_of_range_scores.csv"));
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ(Text("SELECT string_agg(feedback_id, ',' ORDER BY feedback_id) FROM feedback"), "f1,f7");
  EXPECT_EQ(RejectSummary(), "3:nps 4:nps 5:csat 6:csat 7:ces 9:kind");
  EXPECT_EQ(Text("SELECT reason FROM rejects WHERE line = 7"), "is outside 1..7");
  EXPECT_EQ(Text("SELECT reason FROM rejects WHERE line = 9"),
            "is not one of survey, review, social, email");
}

TEST_F(LoaderTest, RepeatedKeyKeepsTheLastRowAndRejectsTheEarlierOnes) {
  Result<std::vector<TableLoad>> loads = Load(FixturePath("ingest/duplicate_keys.csv"));
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ((*loads)[0].loaded, 2);
  EXPECT_EQ((*loads)[0].rejected, 2);
  EXPECT_EQ(Text("SELECT segment FROM customers WHERE customer_id = 'c1'"), "third");
  EXPECT_EQ(RejectSummary(), "2:customer_id 4:customer_id");
  EXPECT_EQ(Text("SELECT reason FROM rejects WHERE line = 2"),
            "repeats the key of line 5, which was kept (the last row wins)");
}

TEST_F(LoaderTest, SqlLookingStringsAreStoredVerbatim) {
  Result<std::vector<TableLoad>> loads = Load(FixturePath("ingest/sql_looking_strings.csv"));
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM customers"), 2);
  EXPECT_EQ(Text("SELECT segment FROM customers WHERE customer_id = 'c1'"),
            "'); DROP TABLE customers; --");
  EXPECT_EQ(Text("SELECT persona FROM customers WHERE customer_id = 'c1'"),
            "Robert'); DELETE FROM rejects; --");
  EXPECT_EQ(Text("SELECT persona FROM customers WHERE customer_id = 'c2'"), "$1");
}

TEST_F(LoaderTest, UnknownColumnRefusesTheFileAndNamesTheColumn) {
  Result<std::vector<TableLoad>> loads = Load(FixturePath("ingest/unknown_column.csv"));
  ASSERT_FALSE(loads.has_value());
  EXPECT_EQ(loads.error().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(loads.error().message().find("unknown_column.csv:1: column 'favourite_colour' is not a "
                                         "column of customers"),
            std::string::npos)
      << loads.error();
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM customers"), 0);
}

TEST_F(LoaderTest, OneMegabyteLineLoads) {
  const std::string comment(1 << 20, 'x');
  const std::string path = dir_.File("one_megabyte_line.csv");
  WriteFile(path, "feedback_id,customer_id,ts,kind,text\nf1,c1,2024-03-01,review,\"" + comment +
                      "\"\nf2,c1,2024-03-02,review,short\n");
  Result<std::vector<TableLoad>> loads = Load(path);
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ((*loads)[0].loaded, 2);
  EXPECT_EQ(Count("SELECT length(text)::BIGINT FROM feedback WHERE feedback_id = 'f1'"), 1 << 20);
}

TEST_F(LoaderTest, ReloadingTheSameFileUpdatesInsteadOfDuplicating) {
  const std::string path = dir_.File("customers.csv");
  WriteFile(path, "customer_id,segment\nc1,a\nc2,b\n");
  ASSERT_TRUE(Load(path).has_value());
  WriteFile(path, "customer_id,segment\nc1,a2\nc2,b\nc3,c\n");
  Result<std::vector<TableLoad>> again = Load(path);
  ASSERT_TRUE(again.has_value()) << again.error();
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM customers"), 3);
  EXPECT_EQ(Text("SELECT segment FROM customers WHERE customer_id = 'c1'"), "a2");
  ASSERT_TRUE(Load(path).has_value());
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM customers"), 3);
  EXPECT_EQ(Count("SELECT loaded FROM ingest_log"), 3);
}

TEST_F(LoaderTest, ParentCheckAppliesOnceTheParentIsLoaded) {
  const std::string orphans = dir_.File("transactions.csv");
  WriteFile(orphans, "transaction_id,customer_id,ts,amount\nt1,c1,2024-01-01,10\nt2,c9,2024-01-01,5\n");
  // No customers yet: nothing to check against, both load.
  Result<std::vector<TableLoad>> first = Load(orphans);
  ASSERT_TRUE(first.has_value()) << first.error();
  EXPECT_EQ((*first)[0].loaded, 2);

  const std::string customers = dir_.File("customers.csv");
  WriteFile(customers, "customer_id\nc1\n");
  ASSERT_TRUE(Load(customers).has_value());
  Result<std::vector<TableLoad>> second = Load(orphans);
  ASSERT_TRUE(second.has_value()) << second.error();
  EXPECT_EQ((*second)[0].rejected, 1);
  EXPECT_EQ(Text("SELECT value || ' ' || reason FROM rejects"), "c9 is not in customers");
}

TEST_F(LoaderTest, TimestampsInCommonFormatsAndZonesBecomeUtc) {
  const std::string path = dir_.File("churn.csv");
  WriteFile(path,
            "customer_id,ts\n"
            "a,2024-03-05T14:22:00+01:00\n"  // offset: 13:22 UTC
            "b,2024-03-05T14:22:00Z\n"
            "c,05.03.2024 14:22\n"           // Nordic dotted, no zone: UTC
            "d,05/03/2024\n"                 // day first
            "e,1709648520\n"                 // Unix seconds = 2024-03-05 14:22:00 UTC
            "f,2024/03/05 14:22:00\n");
  Result<std::vector<TableLoad>> loads = Load(path);
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ((*loads)[0].rejected, 0) << RejectSummary();
  EXPECT_EQ(Text("SELECT string_agg(customer_id || '=' || strftime(ts, '%Y-%m-%d %H:%M'), ' ' "
                 "ORDER BY customer_id) FROM churn"),
            "a=2024-03-05 13:22 b=2024-03-05 14:22 c=2024-03-05 14:22 d=2024-03-05 00:00 "
            "e=2024-03-05 14:22 f=2024-03-05 14:22");
}

TEST_F(LoaderTest, FreeTextIsRedactedUnlessPiiIsKept) {
  const std::string path = dir_.File("feedback.csv");
  WriteFile(path, "feedback_id,ts,kind,text\nf1,2024-01-01,email,mejla anna@example.se eller ring 070-123 45 67\n");
  ASSERT_TRUE(Load(path).has_value());
  EXPECT_EQ(Text("SELECT text FROM feedback"), "mejla [EMAIL] eller ring [PHONE]");
  ASSERT_TRUE(Load(path, {.redact_pii = false}).has_value());
  EXPECT_EQ(Text("SELECT text FROM feedback"), "mejla anna@example.se eller ring 070-123 45 67");
}

TEST_F(LoaderTest, JsonLinesWithInvalidLinesAndTsvAndGzipLoad) {
  const std::string jsonl = dir_.File("messages.jsonl");
  WriteFile(jsonl,
            "{\"interaction_id\":\"i1\",\"seq\":1,\"speaker\":\"customer\",\"text\":\"hej\"}\n"
            "\n"
            "{broken\n"
            "{\"interaction_id\":\"i1\",\"seq\":2,\"speaker\":\"Agent\",\"text\":\"hej hej\"}\n"
            "{\"interaction_id\":\"i1\",\"seq\":3,\"speaker\":\"robot\"}\n");
  Result<std::vector<TableLoad>> loads = Load(jsonl);
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ((*loads)[0].table, "messages");
  EXPECT_EQ((*loads)[0].loaded, 2);
  EXPECT_EQ(RejectSummary(), "3:* 5:speaker");
  EXPECT_EQ(Text("SELECT speaker FROM messages WHERE seq = 2"), "agent");

  const std::string tsv = dir_.File("employees.tsv");
  WriteFile(tsv, "agent_id\tteam\na1\tnorth\na2\tsouth\n");
  ASSERT_TRUE(Load(tsv).has_value());
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM employees"), 2);

  const std::string plain = dir_.File("churn.csv");
  WriteFile(plain, "customer_id,ts,reason\nc1,2024-01-01,price\n");
  ASSERT_EQ(std::system(("gzip -kf " + plain).c_str()), 0);
  Result<std::vector<TableLoad>> gz = Load(plain + ".gz");
  ASSERT_TRUE(gz.has_value()) << gz.error();
  EXPECT_EQ(Text("SELECT reason FROM churn"), "price");
}

TEST_F(LoaderTest, ParquetLoadsWithRowNumbersAsLines) {
  const std::string path = dir_.File("feedback.parquet");
  ASSERT_TRUE(store_->connection()
                  .Execute("COPY (SELECT 'f' || i AS feedback_id, DATE '2024-01-01' + i::INTEGER AS ts, "
                           "'survey' AS kind, i AS nps FROM range(12) t(i)) TO '" + path +
                           "' (FORMAT parquet)")
                  .ok());
  Result<std::vector<TableLoad>> loads = Load(path);
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ((*loads)[0].loaded, 11);  // nps 11 is out of range
  EXPECT_EQ(RejectSummary(), "12:nps");
}

TEST_F(LoaderTest, MappingExpressionErrorNamesMappingFileLineAndColumn) {
  WriteFile(dir_.File("orders.csv"), "order_id,customer\n1,c1\n");
  const std::string mapping_path = dir_.File("shop.toml");
  WriteFile(mapping_path,
            "[sources.orders]\npath = \"orders.csv\"\n\n[[tables]]\nsource = \"orders\"\n"
            "target = \"transactions\"\n[tables.columns]\ntransaction_id = \"order_id\"\n"
            "customer_id = \"customer\"\nts = \"ordered_at\"\n");
  Result<Mapping> mapping = Mapping::Load(mapping_path);
  ASSERT_TRUE(mapping.has_value()) << mapping.error();
  Result<Loader> loader = Loader::Create(store_.get(), {});
  ASSERT_TRUE(loader.has_value());
  Result<std::vector<TableLoad>> loads = loader->LoadWithMapping(*mapping, {});
  ASSERT_FALSE(loads.has_value());
  EXPECT_EQ(loads.error().code(), Status::Code::kInvalidArgument);
  const std::string& message = loads.error().message();
  EXPECT_EQ(message.rfind(mapping_path + ":10:6: column 'ts': ", 0), 0u) << message;
  EXPECT_NE(message.find("ordered_at"), std::string::npos) << message;
  EXPECT_NE(message.find("source columns: order_id, customer"), std::string::npos) << message;
}

TEST_F(LoaderTest, ScoresMustBePlainWholeNumbers) {
  // DuckDB's own cast stored 0x0A and 1e1 as 10 and rounded 7.5 to 8. A zero fraction (9.0,
  // as data frames write integers with gaps) and a sign or spaces are still whole numbers.
  const std::string path = dir_.File("feedback.csv");
  WriteFile(path,
            "feedback_id,ts,kind,nps\n"
            "f1,2024-01-01,survey,0x0A\n"
            "f2,2024-01-01,survey,7.5\n"
            "f3,2024-01-01,survey,1e1\n"
            "f4,2024-01-01,survey,1_0\n"
            "f5,2024-01-01,survey,9.0\n"
            "f6,2024-01-01,survey,+7\n"
            "f7,2024-01-01,survey, 8 \n");
  Result<std::vector<TableLoad>> loads = Load(path);
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ(RejectSummary(), "2:nps 3:nps 4:nps 5:nps");
  EXPECT_EQ(Text("SELECT string_agg(value, ' ' ORDER BY line) FROM rejects"), "0x0A 7.5 1e1 1_0");
  EXPECT_NE(Text("SELECT any_value(reason) FROM rejects").find("plain digits"), std::string::npos);
  EXPECT_EQ(Text("SELECT string_agg(feedback_id || '=' || nps, ' ' ORDER BY feedback_id) FROM feedback"),
            "f5=9 f6=7 f7=8");
}

TEST_F(LoaderTest, YearsOutside1900To2100AreRejected) {
  const std::string path = dir_.File("churn.csv");
  WriteFile(path, "customer_id,ts\na,99999-01-01\nb,1899-12-31\nc,2101-01-01\nd,2100-12-31\ne,1900-01-01\n");
  Result<std::vector<TableLoad>> loads = Load(path);
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ(RejectSummary(), "2:ts 3:ts 4:ts");
  EXPECT_EQ(Text("SELECT any_value(reason) FROM rejects"), "is outside the years 1900..2100");
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM churn"), 2);
}

TEST_F(LoaderTest, JsonLineThatRepeatsAKeyIsRejectedWhole) {
  const std::string path = dir_.File("customers.jsonl");
  WriteFile(path,
            "{\"customer_id\":\"c1\",\"segment\":\"a\"}\n"
            "{\"customer_id\":\"c2\",\"segment\":\"first\",\"segment\":\"second\"}\n"
            "{\"customer_id\":\"c3\",\"segment\":\"c\"}\n");
  Result<std::vector<TableLoad>> loads = Load(path);
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ((*loads)[0].loaded, 2);
  EXPECT_EQ(RejectSummary(), "2:segment");
  EXPECT_NE(Text("SELECT reason FROM rejects").find("repeats this key"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM customers WHERE customer_id = 'c2'"), 0);
}

TEST_F(LoaderTest, RecordOverEightMegabytesIsRejectedOnItsOwnLine) {
  // DuckDB failed the whole file ("CSV Error on Line: 1") and loaded none of the good rows.
  std::string csv = "customer_id,segment\n";
  for (int customer = 1; customer <= 5; ++customer) csv += "c" + std::to_string(customer) + ",s\n";
  csv += "c6,call 070-123 45 67 " + std::string(9 << 20, 'x') + "\n";  // line 7
  for (int customer = 7; customer <= 9; ++customer) csv += "c" + std::to_string(customer) + ",s\n";
  const std::string path = dir_.File("customers.csv");
  WriteFile(path, csv);
  Result<std::vector<TableLoad>> loads = Load(path);
  ASSERT_TRUE(loads.has_value()) << loads.error();
  EXPECT_EQ((*loads)[0].loaded, 8);
  EXPECT_EQ(RejectSummary(), "7:*");
  EXPECT_NE(Text("SELECT reason FROM rejects").find("over the 8 MB limit"), std::string::npos)
      << Text("SELECT reason FROM rejects");
  // The reject keeps a redacted kilobyte, not nine megabytes or the phone number.
  EXPECT_LT(Count("SELECT strlen(value)::BIGINT FROM rejects"), 1100);
  EXPECT_EQ(Count("SELECT count(*)::BIGINT FROM rejects WHERE contains(value, '070-123')"), 0);
}

TEST_F(LoaderTest, NulByteInAHeaderNameIsRefusedNamingTheColumn) {
  // Found by line_reader_fuzz: the name broke the loader's own SQL (an internal error, exit 2).
  const std::string mapping_path = dir_.File("nul.toml");
  std::filesystem::copy_file(FixturePath("ingest/nul_byte_in_header.csv"), dir_.File("nul.csv"));
  WriteFile(mapping_path, "[sources.s]\npath = \"nul.csv\"\n\n[[tables]]\nsource = \"s\"\ntarget = \"customers\"\n"
                          "[tables.columns]\ncustomer_id = \"'x'\"\n");
  Result<Mapping> mapping = Mapping::Load(mapping_path);
  ASSERT_TRUE(mapping.has_value()) << mapping.error();
  Result<Loader> loader = Loader::Create(store_.get(), {});
  ASSERT_TRUE(loader.has_value());
  Result<std::vector<TableLoad>> loads = loader->LoadWithMapping(*mapping, {});
  ASSERT_FALSE(loads.has_value());
  EXPECT_EQ(loads.error().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(loads.error().message().find("nul.csv:1: the name of column 1 holds a NUL byte"), std::string::npos)
      << loads.error();
  Result<std::vector<TableLoad>> direct = Load(FixturePath("ingest/nul_byte_in_header.csv"));
  ASSERT_FALSE(direct.has_value());
  EXPECT_EQ(direct.error().code(), Status::Code::kInvalidArgument);
}

TEST_F(LoaderTest, RejectedLinesKeepNoPersonalData) {
  // Lines rejected whole (wrong field count, broken UTF-8) were stored raw in rejects.value.
  const std::string path = dir_.File("feedback.csv");
  WriteFile(path,
            "feedback_id,ts,kind,text\n"
            "f1,2024-01-01,email,card 4111 1111 1111 1111 pnr 811218-9876,extra\n"
            "f2,2024-01-01,email,mail anna@example.se\n"
            "f3,2024-01-01,email,\xff\xfe broken, write to anna@example.se or 070-123 45 67\n");
  ASSERT_TRUE(Load(path, {.redact_pii = false}).has_value());
  EXPECT_EQ(RejectSummary(), "2:* 4:text 4:*");  // line 4: broken UTF-8 in text, and a field too many
  const std::string value = Text("SELECT string_agg(value, ' | ' ORDER BY line) FROM rejects");
  for (const char* personal : {"4111", "811218", "anna@", "070-123"}) {
    EXPECT_EQ(value.find(personal), std::string::npos) << personal << " in " << value;
  }
  EXPECT_NE(value.find("[CARD]"), std::string::npos) << value;
  EXPECT_NE(value.find("[EMAIL]"), std::string::npos) << value;
}

TEST_F(LoaderTest, MappedSourceZoneReadsWallClockTimesAndKeepsOffsets) {
  WriteFile(dir_.File("events.csv"),
            "who,happened\na,2024-03-05 14:22\nb,2024-03-05T14:22:00Z\nc,2024-07-01T08:00:00+02:00\n"
            "d,05.03.2024 14:22\n");
  const std::string mapping_path = dir_.File("zone.toml");
  WriteFile(mapping_path,
            "[sources.events]\npath = \"events.csv\"\ntimezone = \"Europe/Stockholm\"\n\n"
            "[[tables]]\nsource = \"events\"\ntarget = \"churn\"\n[tables.columns]\n"
            "customer_id = \"who\"\nts = \"happened\"\n");
  Result<Mapping> mapping = Mapping::Load(mapping_path);
  ASSERT_TRUE(mapping.has_value()) << mapping.error();
  Result<Loader> loader = Loader::Create(store_.get(), {});
  ASSERT_TRUE(loader.has_value());
  Result<std::vector<TableLoad>> loads = loader->LoadWithMapping(*mapping, {});
  ASSERT_TRUE(loads.has_value()) << loads.error();
  // Stockholm is UTC+1 in March: 14:22 local is 13:22 UTC; Z and +02:00 are kept as written.
  EXPECT_EQ(Text("SELECT string_agg(customer_id || '=' || strftime(ts, '%Y-%m-%d %H:%M'), ' ' "
                 "ORDER BY customer_id) FROM churn"),
            "a=2024-03-05 13:22 b=2024-03-05 14:22 c=2024-07-01 06:00 d=2024-03-05 13:22");
}

}  // namespace
}  // namespace cxm::ingest
