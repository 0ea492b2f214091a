// GenerateCompany: writes the demo company (`cxm generate`): the canonical tables of SPEC §3 as
// CSV or JSON lines, and its ground truth (truth.json, truth_customers; with
// write_truth_detail also truth_interactions and truth_turns), into options.out_dir.
//
// Streaming: customers are simulated in chunks on `threads` workers and written in customer
// order by the calling thread, with a bounded number of chunks in flight, so memory does not
// grow with the number of customers. The bytes depend only on (options, seed), not on threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "simulate/company_model.h"
#include "simulate/simulator.h"

namespace cxm::simulate {

struct GenerationSummary {
  Realised realised;
  std::int64_t agents = 0;
  std::int64_t bytes_written = 0;
  double seconds = 0;
  std::vector<std::string> files;  // paths written, canonical tables first
};

// Called from the writing thread after each chunk: (customers written, customers in total).
using GenerationProgress = std::function<void(std::int64_t, std::int64_t)>;

// Fails (InvalidArgument) on a customer count outside 1..9,999,999 or bad language shares, and
// (Io) when the folder or a file cannot be written, naming it.
Result<GenerationSummary> GenerateCompany(const GeneratorOptions& options,
                                          const GenerationProgress& progress = {});

// The file a generated table is written to.
std::string OutputPath(const GeneratorOptions& options, OutputTable table);

// Parses "sv=0.3,nb=0.2,da=0.15,ro=0.2,en=0.15" (languages left out get 0).
Result<std::array<double, kLanguageCount>> ParseLanguageShares(std::string_view text);

}  // namespace cxm::simulate
