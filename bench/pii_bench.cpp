// Micro-benchmark of PII redaction on customer comments, with and without personal data.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "ingest/pii_redactor.h"

namespace {

const std::vector<std::string>& Comments() {
  static const std::vector<std::string> kComments = {
      "Paketet kom en vecka för sent och ingen svarade på mejlen.",
      "Inte nöjd alls, ring mig på 070-123 45 67 eller mejla anna@example.se",
      "Great product, arrived early. Order 12345678, 2 items.",
      "Nu sunt mulțumit, coletul a întârziat două săptămâni. CNP 1970512412347",
      "Ikke tilfreds, varen kom alt for sent. Konto DK5000400440116243",
      "Veldig fornøyd med bestillingen!",
  };
  return kComments;
}

void BM_Redact(benchmark::State& state) {
  const cxm::ingest::PiiRedactor redactor;
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (const std::string& comment : Comments()) {
      benchmark::DoNotOptimize(redactor.Redact(comment));
      bytes += comment.size();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * Comments().size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_Redact);

}  // namespace

BENCHMARK_MAIN();
