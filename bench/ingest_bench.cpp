// bench/ingest: rows/s of `cxm ingest` (validating, redacting, upserting, recording rejects)
// against DuckDB's own `COPY interactions FROM file` of the same CSV into the same table
// (same schema and primary key), in the same run on the same machine.
//
//   build/release/bench/ingest_bench [--rows 5000000] [--dir /tmp]
//
// Both start from an empty store file. The cxm figure includes process start-up, since it is
// what a user runs; COPY runs in this process.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "common/strings.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void Fail(const std::string& what) {
  std::cerr << "ingest_bench: " << what << "\n";
  std::exit(2);
}

// A realistic interactions export: ISO timestamps with offsets, enums, numbers, some blanks.
void GenerateCsv(const std::string& path, std::int64_t rows) {
  cxm::Result<cxm::store::Database> database = cxm::store::Database::Open(":memory:");
  if (!database) Fail(database.error().ToString());
  cxm::Result<cxm::store::Connection> connection = database->Connect();
  if (!connection) Fail(connection.error().ToString());
  const std::string sql = fmt::format(
      "COPY (SELECT 'i' || i AS interaction_id, 'c' || (i % 1000000) AS customer_id, "
      "strftime(TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND, '%Y-%m-%dT%H:%M:%S+01:00') AS ts, "
      "strftime(TIMESTAMP '2024-01-01' + INTERVAL (i + 300) SECOND, '%Y-%m-%d %H:%M:%S') AS end_ts, "
      "['web','app','phone','chat','email','store'][i % 6 + 1] AS channel, "
      "['discovery','purchase','delivery','billing','support','renewal'][i % 6 + 1] AS touchpoint, "
      "'stage' || (i % 4) AS journey_stage, 'a' || (i % 500) AS agent_id, 't' || (i % 20) AS team, "
      "['resolved','unresolved','escalated','abandoned'][i % 4 + 1] AS outcome, "
      "CASE WHEN i % 10 = 0 THEN 'late_delivery' END AS failure, "
      "CASE WHEN i % 10 = 0 THEN (i % 7) * 25.0 END AS compensation_value, i % 3 AS transfers, "
      "(i % 9 = 0) AS repeat_contact FROM range({}) t(i)) TO {} (HEADER)",
      rows, cxm::QuoteLiteral(path));
  if (cxm::Status status = connection->Execute(sql); !status.ok()) Fail(status.ToString());
}

double TimeCxmIngest(const std::string& db, const std::string& csv) {
  std::string binary = CXM_BINARY;
  std::vector<std::string> args = {binary, "--db", db, "ingest", "--table", "interactions", csv};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const Clock::time_point start = Clock::now();
  pid_t child = 0;
  if (::posix_spawn(&child, binary.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
    Fail("cannot start " + binary);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  const double seconds = SecondsSince(start);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) Fail("cxm ingest failed");
  return seconds;
}

double TimeDuckDbCopy(const std::string& db, const std::string& csv) {
  // The same table as cxm's (schema v1, primary key included); COPY cannot fill `source`, so it
  // gets a default. The store's sandbox lets it read exactly that file, as for cxm ingest.
  cxm::Result<cxm::store::Store> store = cxm::store::Store::Open(db, {.readable_files = {csv}});
  if (!store) Fail(store.error().ToString());
  cxm::store::Connection& connection = store->connection();
  if (cxm::Status status = connection.Execute(
          "ALTER TABLE interactions ALTER COLUMN source SET DEFAULT 'copy'");
      !status.ok()) {
    Fail(status.ToString());
  }
  const Clock::time_point start = Clock::now();
  const cxm::Status copied = connection.Execute(
      "COPY interactions (interaction_id, customer_id, ts, end_ts, channel, touchpoint, "
      "journey_stage, agent_id, team, outcome, failure, compensation_value, transfers, "
      "repeat_contact) FROM " + cxm::QuoteLiteral(cxm::store::ReadablePath(csv)) + " (HEADER)");
  if (!copied.ok()) Fail(copied.ToString());
  if (cxm::Status status = connection.Execute("CHECKPOINT"); !status.ok()) Fail(status.ToString());
  return SecondsSince(start);
}

std::int64_t CountRows(const std::string& db) {
  cxm::Result<cxm::store::Store> store =
      cxm::store::Store::Open(db, {.mode = cxm::store::Store::Mode::kReadOnly});
  if (!store) Fail(store.error().ToString());
  cxm::Result<cxm::store::QueryResult> result =
      store->connection().Query("SELECT count(*)::BIGINT FROM interactions");
  if (!result) Fail(result.error().ToString());
  return result->ScalarInt64().value_or(-1);
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t rows = 5'000'000;
  std::string dir = std::filesystem::temp_directory_path().string();
  for (int arg_idx = 1; arg_idx + 1 < argc; arg_idx += 2) {
    const std::string flag = argv[arg_idx];
    if (flag == "--rows") rows = std::stoll(argv[arg_idx + 1]);
    if (flag == "--dir") dir = argv[arg_idx + 1];
  }
  const std::string work = dir + "/cxm-ingest-bench-" + std::to_string(::getpid());
  std::filesystem::create_directories(work);
  const std::string csv = work + "/interactions.csv";

  Clock::time_point start = Clock::now();
  GenerateCsv(csv, rows);
  std::cout << fmt::format("generated {} rows ({:.0f} MB) in {:.1f} s\n", rows,
                           std::filesystem::file_size(csv) / 1e6, SecondsSince(start));

  const double copy_seconds = TimeDuckDbCopy(work + "/copy.duckdb", csv);
  const double cxm_seconds = TimeCxmIngest(work + "/cxm.duckdb", csv);
  const std::int64_t copy_rows = CountRows(work + "/copy.duckdb");
  const std::int64_t cxm_rows = CountRows(work + "/cxm.duckdb");

  std::cout << fmt::format("{:<34} {:>10} {:>10} {:>14}\n", "path", "rows", "seconds", "rows/s");
  std::cout << fmt::format("{:<34} {:>10} {:>10.2f} {:>14.0f}\n", "DuckDB COPY ... FROM (peer)",
                           copy_rows, copy_seconds, copy_rows / copy_seconds);
  std::cout << fmt::format("{:<34} {:>10} {:>10.2f} {:>14.0f}\n", "cxm ingest (validate+upsert)",
                           cxm_rows, cxm_seconds, cxm_rows / cxm_seconds);
  std::cout << fmt::format("cxm / COPY time ratio: {:.2f} (target <= 1.5)\n", cxm_seconds / copy_seconds);
  std::filesystem::remove_all(work);
  return cxm_rows == rows && copy_rows == rows ? 0 : 1;
}
