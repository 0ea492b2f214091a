// Crash safety (SPEC §7): a load killed at any moment leaves all of its file or none of it.
// The test starts `cxm ingest` as a child, kills it with SIGKILL after a delay, reopens the
// store (DuckDB replays its write-ahead log) and counts rows.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/store.h"
#include "test_support.h"

namespace cxm {
namespace {

using cxm::testing::QueryInt;
using cxm::testing::TempDir;

constexpr std::int64_t kRows = 300000;

void WriteInteractions(const std::string& path) {
  std::ofstream file(path);
  file << "interaction_id,customer_id,ts,channel,touchpoint,outcome,transfers\n";
  for (std::int64_t row = 0; row < kRows; ++row) {
    file << fmt::format("i{},c{},2024-01-01T00:{:02}:{:02}Z,chat,support,resolved,{}\n", row,
                        row % 5000, (row / 60) % 60, row % 60, row % 3);
  }
}

pid_t StartIngest(const std::string& db, const std::string& file) {
  const pid_t child = cxm::testing::StartCxm({"--db", db, "ingest", file}, "/dev/null", "/dev/null");
  EXPECT_NE(child, 0);
  return child;
}

std::int64_t CountAfterRecovery(const std::string& db) {
  Result<store::Store> store = store::Store::Open(db, {});
  EXPECT_TRUE(store.has_value()) << store.error();
  if (!store.has_value()) return -1;
  return QueryInt(store->connection(), "SELECT count(*)::BIGINT FROM interactions");
}

TEST(AtomicityTest, KilledLoadLeavesAllOrNothingOfTheFile) {
  TempDir dir;
  const std::string csv = dir.File("interactions.csv");
  WriteInteractions(csv);
  int killed_mid_load = 0;
  for (int delay_ms : {30, 120, 300, 600, 1000, 1600, 2500}) {
    const std::string db = dir.File(fmt::format("killed_{}.duckdb", delay_ms));
    { ASSERT_TRUE(store::Store::Open(db, {}).has_value()); }  // schema exists before the kill
    const pid_t child = StartIngest(db, csv);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    const bool was_killed = WIFSIGNALED(status);
    killed_mid_load += was_killed ? 1 : 0;
    const std::int64_t rows = CountAfterRecovery(db);
    EXPECT_TRUE(rows == 0 || rows == kRows)
        << "after a kill at " << delay_ms << " ms the store holds " << rows << " rows";
    if (!was_killed) {
      EXPECT_EQ(rows, kRows) << "the load finished before the kill";
    }
  }
  EXPECT_GT(killed_mid_load, 0) << "no kill landed during a load; the test proved nothing";

  // And the same file, left alone, loads whole into a store that survived a kill.
  const std::string db = dir.File("killed_30.duckdb");
  const pid_t child = StartIngest(db, csv);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(CountAfterRecovery(db), kRows);
}

}  // namespace
}  // namespace cxm
