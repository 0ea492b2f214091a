// Atomic derived state: `cxm analyze` killed after any statement it runs (each line that
// CXM_TRACE_SQL=1 prints) leaves customer_state either as the previous run left it or as this
// run makes it, complete, never between (a kill between its UPDATEs used to leave every quadrant
// NULL, and `cxm loyalty` then said "0 SEK at risk"); and the next run ends where an
// uninterrupted one does, having kept the scoring batches the killed one committed.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "store/store.h"
#include "test_support.h"

namespace cxm {
namespace {

using cxm::testing::CommandResult;
using cxm::testing::QueryText;
using cxm::testing::RunCxm;
using cxm::testing::TempDir;

// What a complete customer_state holds, as one comparable line; "incomplete" otherwise.
std::string CustomerStateDigest(const std::string& db) {
  Result<store::Store> store = store::Store::Open(db, {.mode = store::Store::Mode::kReadOnly});
  EXPECT_TRUE(store.has_value()) << store.error();
  if (!store.has_value()) return "unopenable";
  return QueryText(store->connection(), R"sql(
    SELECT CASE WHEN count(*) <> (SELECT count(*) FROM customers) OR count(*) FILTER (WHERE quadrant IS NULL) > 0
                  OR count(*) FILTER (WHERE quadrant_confidence IS NULL) > 0 THEN 'incomplete'
                ELSE count(*) || ' customers, ' || count(*) FILTER (WHERE quadrant = 'spurious') || ' spurious, memory '
                     || round(sum(memory), 6) || ', expected nps ' || round(sum(expected_nps), 6) END
    FROM customer_state)sql");
}

std::int64_t TraceLines(const std::string& path) {
  std::ifstream file(path);
  std::string line;
  std::int64_t count = 0;
  while (std::getline(file, line)) count += line.starts_with("[sql ") ? 1 : 0;
  return count;
}

TEST(AnalyzeAtomicityTest, KilledAfterAnyStatementLeavesThePreviousOrTheNewCompleteState) {
  TempDir dir;
  ASSERT_EQ(RunCxm({"generate", "--customers", "120", "--seed", "6", "--out", dir.File("co")}).exit_code, 0);
  const std::string base = dir.File("base.duckdb");
  for (const char* table : {"customers", "employees", "self_assessment", "currency_rates", "interactions", "transactions", "churn",
                            "messages"}) {
    ASSERT_EQ(RunCxm({"--db", base, "ingest", "--table", table, dir.File(std::string("co/") + table + ".csv")}).exit_code, 0);
  }
  ASSERT_EQ(RunCxm({"--db", base, "analyze"}).exit_code, 0);
  const std::string previous = CustomerStateDigest(base);
  // New evidence since that run: the next analyze scores texts and changes customer_state.
  ASSERT_EQ(RunCxm({"--db", base, "ingest", "--table", "feedback", dir.File("co/feedback.csv")}).exit_code, 0);

  // The uninterrupted run, and how many statements it runs.
  const std::string reference = dir.File("reference.duckdb");
  std::filesystem::copy_file(base, reference);
  ASSERT_EQ(::setenv("CXM_TRACE_SQL", "1", 1), 0);
  const pid_t whole = cxm::testing::StartCxm({"--db", reference, "analyze"}, "/dev/null", dir.File("whole.err"));
  int status = 0;
  ::waitpid(whole, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::int64_t statements = TraceLines(dir.File("whole.err"));
  ASSERT_GT(statements, 10);
  const std::string next = CustomerStateDigest(reference);
  ASSERT_NE(next, previous);
  ASSERT_NE(next.find("customers"), std::string::npos) << next;

  // Kill after statement k, for every k up to 24 points spread over the run (every one when
  // there are fewer), plus the last few, where the swap happens.
  std::set<std::int64_t> kill_points;
  for (std::int64_t point = 1; point <= 24; ++point) kill_points.insert(point * statements / 25);
  for (std::int64_t back = 1; back <= 4; ++back) kill_points.insert(statements - back);
  int states_seen[2] = {0, 0};
  for (const std::int64_t after : kill_points) {
    if (after < 1) continue;
    const std::string db = dir.File("killed_" + std::to_string(after) + ".duckdb");
    std::filesystem::copy_file(base, db);
    const std::string err = dir.File("killed_" + std::to_string(after) + ".err");
    const pid_t child = cxm::testing::StartCxm({"--db", db, "analyze"}, "/dev/null", err);
    ASSERT_NE(child, 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (TraceLines(err) < after && std::chrono::steady_clock::now() < deadline &&
           ::waitpid(child, &status, WNOHANG) == 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
    ::unsetenv("CXM_TRACE_SQL");
    const std::string left = CustomerStateDigest(db);
    EXPECT_TRUE(left == previous || left == next) << "killed after statement " << after << ": " << left;
    states_seen[left == next ? 1 : 0] += 1;
    // And the next run completes the work.
    EXPECT_EQ(RunCxm({"--db", db, "analyze"}).exit_code, 0);
    EXPECT_EQ(CustomerStateDigest(db), next) << "after the rerun of the run killed at " << after;
    ::setenv("CXM_TRACE_SQL", "1", 1);
    std::filesystem::remove(db);
  }
  ::unsetenv("CXM_TRACE_SQL");
  // Kills landed both before and after the swap.
  EXPECT_GT(states_seen[0], 0);
  EXPECT_GT(states_seen[1], 0);
}

TEST(AnalyzeAtomicityTest, ReportIsReplacedWholeOrNotAtAll) {
  // `cxm report` writes aside and renames: the previous report stays until the new one is
  // complete, and no temporary file is left behind.
  TempDir dir;
  const CommandResult demo = RunCxm({"demo", "--customers", "300", "--out", dir.File("demo")});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  const std::string report = dir.File("demo/report.html");
  const auto first_size = std::filesystem::file_size(report);
  ASSERT_GT(first_size, 100000u);
  const CommandResult again = RunCxm({"--db", dir.File("demo/cxm.duckdb"), "report", "--out", report});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const auto& entry : std::filesystem::directory_iterator(dir.File("demo"))) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
  }
  std::ifstream html(report);
  std::string contents((std::istreambuf_iterator<char>(html)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(contents.ends_with("</html>\n"));
  // A report that cannot be written (its folder is gone) fails naming it and leaves nothing.
  const CommandResult nowhere =
      RunCxm({"--db", dir.File("demo/cxm.duckdb"), "report", "--out", dir.File("absent/report.html")});
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_NE(nowhere.err.find("absent/report.html"), std::string::npos) << nowhere.err;
}

}  // namespace
}  // namespace cxm
