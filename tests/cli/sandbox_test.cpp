// The store's sandbox end to end (store.h, docs/security.md): every statement the issue
// "Close the holes" found reaching past the store — through `cxm query`, a mapping's
// expressions and filters, and `--where` — is refused with a clear message, exit code 1, and
// the store intact afterwards.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_support.h"

namespace cxm {
namespace {

using cxm::testing::CommandResult;
using cxm::testing::FixturePath;
using cxm::testing::RunCxm;
using cxm::testing::TempDir;
using cxm::testing::WriteFile;

class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("customers.csv"), "customer_id,segment\nc1,retail\nc2,business\n");
    const CommandResult loaded = Cxm({"ingest", dir_.File("customers.csv")});
    ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  }
  CommandResult Cxm(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_});
    return RunCxm(args);
  }
  // The store still opens and holds its two customers.
  void ExpectIntact() {
    const CommandResult count = Cxm({"query", "--format", "csv", "SELECT count(*) AS n FROM customers"});
    EXPECT_EQ(count.exit_code, 0) << count.err;
    EXPECT_EQ(count.out, "n\n2\n");
  }

  TempDir dir_;
  std::string db_ = dir_.File("X.duckdb");
};

struct Refusal {
  std::string sql;
  std::string says;  // what the message must contain
};

TEST_F(SandboxTest, QueryRefusesEveryStatementThatReachesPastTheStore) {
  const std::vector<Refusal> refusals = {
      // Overwriting the store itself with a COPY truncated it to 10 bytes.
      {"COPY (SELECT 'garbage') TO '" + db_ + "' (FORMAT csv)", "a COPY statement is not run"},
      // DuckDB refuses these already while preparing them: the file is out of reach.
      {"COPY customers TO '" + dir_.File("leak.csv") + "'", "cxm query reads only the store"},
      {"EXPORT DATABASE '" + dir_.File("dump") + "'", "cxm query reads only the store"},
      {"SELECT content FROM read_text('/etc/shadow')", "cxm query reads only the store"},
      {"SELECT content FROM read_text('/etc/passwd')", "cxm query reads only the store"},
      {"SELECT * FROM glob('/**')", "cxm query reads only the store"},
      {"SELECT * FROM read_csv('" + dir_.File("customers.csv") + "')", "cxm query reads only the store"},
      // A past advisory: sniff_csv read files although external access was off.
      {"SELECT * FROM sniff_csv('/etc/passwd')", "cxm query reads only the store"},
      {"SELECT * FROM (SELECT 1) t, LATERAL (SELECT content FROM read_blob('/etc/hostname'))",
       "cxm query reads only the store"},
      {"INSTALL httpfs", "a LOAD or INSTALL statement is not run"},
      {"LOAD httpfs", "a LOAD or INSTALL statement is not run"},
      {"ATTACH '" + db_ + "' AS again (READ_WRITE)", "an ATTACH statement is not run"},
      {"SET enable_external_access = true", "a SET statement is not run"},
      {"DELETE FROM customers", "a DELETE statement is not run"},
      {"SELECT 1; DROP TABLE customers", "one statement at a time"},
  };
  for (const Refusal& refusal : refusals) {
    const CommandResult result = Cxm({"query", refusal.sql});
    EXPECT_EQ(result.exit_code, 1) << refusal.sql << "\n" << result.out;
    EXPECT_NE(result.err.find(refusal.says), std::string::npos) << refusal.sql << ": " << result.err;
    EXPECT_EQ(result.err.find("root:"), std::string::npos) << result.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.File("leak.csv")));
  EXPECT_FALSE(std::filesystem::exists(dir_.File("dump")));
  ExpectIntact();
}

TEST_F(SandboxTest, AttachingAnotherFileFromASelectIsRefusedToo) {
  // A table function cannot attach, and a query that names another store's file cannot read it.
  const std::string other = dir_.File("other.duckdb");
  ASSERT_EQ(RunCxm({"--db", other, "init"}).exit_code, 0);
  const CommandResult result =
      Cxm({"query", "SELECT * FROM read_parquet('" + other + "')"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("reads only the store"), std::string::npos) << result.err;
}

TEST_F(SandboxTest, QueriesStillReadTheStoreAndItsCatalog) {
  for (const char* sql : {"SHOW TABLES", "DESCRIBE customers", "SUMMARIZE customers", "EXPLAIN SELECT 1",
                          "WITH c AS (SELECT * FROM customers) SELECT count(*) FROM c"}) {
    const CommandResult result = Cxm({"query", sql});
    EXPECT_EQ(result.exit_code, 0) << sql << ": " << result.err;
  }
}

TEST_F(SandboxTest, MappingExpressionsReadOnlyTheSourcesTheMappingNames) {
  // A mapping is data a user may receive from someone else: its expression tried to store
  // /etc/shadow in feedback.text.
  WriteFile(dir_.File("reviews.csv"), "id,who,stars\nr1,c1,4\n");
  WriteFile(dir_.File("hostile.toml"), R"toml([sources.reviews]
path = "reviews.csv"

[[tables]]
source = "reviews"
target = "feedback"
[tables.columns]
feedback_id = "id"
customer_id = "who"
ts = "'2024-03-05'"
csat = "stars"
text = "(SELECT content FROM read_text('/etc/passwd'))"
[tables.constants]
kind = "review"
)toml");
  const CommandResult result = Cxm({"ingest", "--map", dir_.File("hostile.toml")});
  EXPECT_EQ(result.exit_code, 1) << result.out;
  EXPECT_NE(result.err.find("hostile.toml:12:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("file system operations are disabled"), std::string::npos) << result.err;
  EXPECT_EQ(Cxm({"query", "--format", "csv", "SELECT count(*) AS n FROM feedback"}).out, "n\n0\n");

  // The same mapping may read its own source: that file is allowed, nothing else is.
  WriteFile(dir_.File("own.toml"), R"toml([sources.reviews]
path = "reviews.csv"

[[tables]]
source = "reviews"
target = "feedback"
filter = "(SELECT count(*) FROM glob('/etc/*')) >= 0"
[tables.columns]
feedback_id = "id"
customer_id = "who"
ts = "'2024-03-05'"
csat = "stars"
[tables.constants]
kind = "review"
)toml");
  const CommandResult filtered = Cxm({"ingest", "--map", dir_.File("own.toml")});
  EXPECT_EQ(filtered.exit_code, 1) << filtered.out;
  EXPECT_NE(filtered.err.find("filter"), std::string::npos) << filtered.err;
  ExpectIntact();
}

TEST_F(SandboxTest, MappingSourcesStayInTheMappingsFolder) {
  WriteFile(dir_.File("absolute.toml"), "[sources.s]\npath = \"/etc/passwd\"\n");
  const CommandResult absolute = Cxm({"ingest", "--map", dir_.File("absolute.toml")});
  EXPECT_EQ(absolute.exit_code, 1);
  EXPECT_NE(absolute.err.find("absolute.toml:2:"), std::string::npos) << absolute.err;
  EXPECT_NE(absolute.err.find("mapping's own folder"), std::string::npos) << absolute.err;

  WriteFile(dir_.File("up.toml"), "[sources.s]\npath = \"../../etc/*\"\n");
  const CommandResult up = Cxm({"ingest", "--map", dir_.File("up.toml")});
  EXPECT_EQ(up.exit_code, 1);
  EXPECT_NE(up.err.find("no '..'"), std::string::npos) << up.err;

  // A link beside the mapping that points elsewhere is not a source file.
  std::filesystem::create_symlink("/etc/passwd", dir_.File("linked.csv"));
  WriteFile(dir_.File("link.toml"), R"toml([sources.s]
path = "linked*.csv"
[[tables]]
source = "s"
target = "customers"
[tables.columns]
customer_id = "column0"
)toml");
  const CommandResult link = Cxm({"ingest", "--map", dir_.File("link.toml")});
  EXPECT_EQ(link.exit_code, 1);
  EXPECT_NE(link.err.find("no file matches"), std::string::npos) << link.err;
  ExpectIntact();
}

TEST_F(SandboxTest, WhereFiltersCannotReadFiles) {
  // A filter is parsed into conditions on dimensions with bound values: SQL never reaches the
  // store through it (analytics/filter.h), whatever the sandbox would do with it.
  const CommandResult result =
      Cxm({"metrics", "--where", "(SELECT count(*) FROM read_text('/etc/passwd')) > 0"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("--where: '*' at column 15 is not part of a filter"), std::string::npos) << result.err;
  const CommandResult value = Cxm({"metrics", "--where", "language = read_text('/etc/passwd')"});
  EXPECT_EQ(value.exit_code, 1);
  EXPECT_NE(value.err.find("expected AND or the end at column 21, found '('"), std::string::npos) << value.err;
  ExpectIntact();
}

}  // namespace
}  // namespace cxm
