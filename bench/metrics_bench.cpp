// bench/metrics: `cxm metrics --by touchpoint,month` (the registry's metrics analysis: the aggregation, the
// NPS/Wilson/t intervals and the period-over-period tests) against the same aggregation written
// as plain DuckDB SQL (the sums only, no statistics), on the same open store, in the same run.
//
//   build/release/bench/metrics_bench STORE.duckdb [repetitions]
//
// Prints the median and best wall time of each and their ratio.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "analytics/registry.h"
#include "store/duckdb_engine.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kPlainSql = R"sql(
  SELECT f.touchpoint, strftime(f.ts, '%Y-%m') AS month, count(f.nps), count(*) FILTER (WHERE f.nps >= 9),
         count(*) FILTER (WHERE f.nps <= 6), count(f.csat), count(*) FILTER (WHERE f.csat >= 4), sum(f.csat),
         sum(f.csat * f.csat), count(f.ces), sum(f.ces), sum(f.ces * f.ces)
  FROM feedback f GROUP BY 1, 2 ORDER BY 1, 2)sql";

template <typename Function>
std::vector<double> Time(int repetitions, Function function) {
  std::vector<double> milliseconds;
  for (int run = 0; run < repetitions; ++run) {
    const auto start = Clock::now();
    function();
    milliseconds.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(milliseconds.begin(), milliseconds.end());
  return milliseconds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: metrics_bench STORE.duckdb [repetitions]\n";
    return 2;
  }
  const int repetitions = argc > 2 ? std::max(1, std::atoi(argv[2])) : 11;
  cxm::Result<cxm::store::Store> store = cxm::store::Store::Open(argv[1], {.mode = cxm::store::Store::Mode::kReadOnly});
  if (!store) {
    std::cerr << store.error() << "\n";
    return 2;
  }
  cxm::store::Connection& connection = store->connection();
  cxm::store::DuckDbEngine engine(connection);
  cxm::analytics::Arguments arguments;
  arguments.Set("by", {"touchpoint", "month"});
  std::size_t groups = 0;
  const std::vector<double> cxm_ms = Time(repetitions, [&] {
    cxm::Result<std::vector<cxm::analytics::Finding>> findings =
        cxm::analytics::RunAnalysis(*cxm::analytics::FindAnalysis("metrics"), engine, arguments);
    if (!findings) {
      std::cerr << findings.error() << "\n";
      std::exit(2);
    }
    groups = findings->front().rows.size();
  });
  std::size_t plain_rows = 0;
  const std::vector<double> plain_ms = Time(repetitions, [&] {
    cxm::Result<cxm::store::QueryResult> result = connection.Query(kPlainSql);
    if (!result) {
      std::cerr << result.error() << "\n";
      std::exit(2);
    }
    plain_rows = result->AllRowsAsText().size();
  });
  const double cxm_median = cxm_ms[cxm_ms.size() / 2];
  const double plain_median = plain_ms[plain_ms.size() / 2];
  std::cout << fmt::format("metrics --by touchpoint,month: {} groups; median {:.1f} ms (best {:.1f})\n", groups,
                           cxm_median, cxm_ms.front());
  std::cout << fmt::format("plain DuckDB SQL, same sums:  {} groups; median {:.1f} ms (best {:.1f})\n", plain_rows,
                           plain_median, plain_ms.front());
  std::cout << fmt::format("ratio cxm / plain SQL: {:.2f}x ({} repetitions)\n", cxm_median / plain_median, repetitions);
  return 0;
}
