// Loads export files into the canonical tables (SPEC §4.1), with or without a mapping.
//
// Per file, in one transaction (killed mid-load, the store holds all of that file or none):
//   1. stage the file as text (source_file.h); unparseable lines become rejects;
//   2. per derived table (parents first): compute the canonical columns (identity, or the
//      mapping's expressions), check types, ranges, enums, required values and parents;
//   3. drop rows whose key repeats within the file (the last one wins, the others are rejects);
//   4. upsert the good rows (re-loading the same rows updates, never duplicates), redacting PII
//      from free-text columns unless told not to;
//   5. record every reject (source, line, column, value, reason) and the counts in ingest_log.
//
// A bad row never stops the load. A bad file (missing, unknown columns, mapping error) does:
// it returns an error and loads nothing of that file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/mapping.h"
#include "ingest/pii_redactor.h"
#include "ingest/source_file.h"
#include "store/schema.h"
#include "store/store.h"

namespace cxm::ingest {

struct LoadOptions {
  bool redact_pii = true;
  std::string table;  // canonical table for files loaded without a mapping; "" = infer
};

// Per source file and target table.
struct TableLoad {
  std::string source;
  std::string table;
  std::int64_t loaded = 0;
  std::int64_t rejected = 0;
  std::int64_t attributes = 0;     // attribute values stored with the rows (mapping only)
  std::int64_t repeated_rows = 0;  // records that repeat an earlier record of the file exactly
                                   // (counted for mapped loads; kept: without a key, two equal
                                   // survey answers are two answers)
};

class Loader {
 public:
  struct PendingReject;  // a reject before its line number is resolved (loader.cpp)

  // Registers cxm's SQL helpers (cxm_ts, cxm_redact, ...) on the store's connection.
  static Result<Loader> Create(store::Store* store, LoadOptions options);

  // A file whose header names canonical columns (of options.table, or of the one table it fits).
  Result<std::vector<TableLoad>> LoadFile(const std::string& path);

  // Files through a mapping: each file is matched to a [sources] entry by its name; with no
  // files, every source's glob is expanded in the mapping's folder.
  Result<std::vector<TableLoad>> LoadWithMapping(const Mapping& mapping,
                                                 const std::vector<std::string>& files);

 private:
  Loader(store::Store* store, LoadOptions options, std::unique_ptr<const PiiRedactor> redactor)
      : store_(store), options_(std::move(options)), redactor_(std::move(redactor)) {}

  struct CanonicalColumn {
    std::string name;
    std::string expression;  // SQL over the staged source, or a $n parameter for constants
    MappingPosition position;  // where a mapping defined it (line 0: not from a mapping)
  };
  struct DerivationPlan {
    const store::TableSpec* target = nullptr;
    std::vector<CanonicalColumn> columns;  // mapped columns; the rest of the target are NULL
    std::vector<std::string> constants;    // values of $1..$n
    std::string filter;
    bool is_distinct = false;
    bool is_identity = false;  // direct load: columns are the source's own
    const Mapping* mapping = nullptr;
    const Derivation* derivation = nullptr;
  };

  // Stores the mapping's attributes of the rows `StoreTyped` just wrote (inside its transaction).
  Result<std::int64_t> StoreAttributes(const StagedFile& staged, const DerivationPlan& plan, std::size_t plan_idx,
                                       bool has_skips);
  // The attribute_specs rows a mapping declares (kind inferred from stored values where unset).
  Status StoreAttributeSpecs(const Mapping& mapping);

  // Stages the file, computes every plan's typed rows, then writes them all in one transaction.
  Result<std::vector<TableLoad>> LoadStaged(const std::string& path, FileFormat format,
                                            const std::string& timezone,
                                            std::vector<DerivationPlan> plans);
  // The plan's canonical columns as the view __cxm_cand_<plan_idx> (__row + raw values).
  Status BuildCandidates(const StagedFile& staged, const DerivationPlan& plan, std::size_t plan_idx);
  // Reads the file as text if a single-pass load has not (only needed to explain rejects).
  Status EnsureStaged(StagedFile* staged, const DerivationPlan& plan, std::size_t plan_idx);
  // Typed values and a per-row failure flag as __cxm_typed_<plan_idx>; adds the rejects of the
  // failing rows to `pending`. Runs outside the transaction: it only reads the file. With
  // `is_single_pass` it reads and converts a CSV/TSV file in one pass, staging nothing.
  Status BuildTyped(StagedFile* staged, const DerivationPlan& plan, std::size_t plan_idx,
                    bool is_single_pass, std::vector<PendingReject>* pending);
  // Inside the transaction: parent checks, repeated keys, the upsert and the rejects.
  Result<TableLoad> StoreTyped(StagedFile* staged, const DerivationPlan& plan, std::size_t plan_idx,
                               std::vector<PendingReject> pending);

  store::Store* store_;
  LoadOptions options_;
  std::unique_ptr<const PiiRedactor> redactor_;  // for rejects' values
};

// The canonical table a header fits: `requested` if given (unknown columns are an error),
// else the single table whose key columns are present and that has every header column.
Result<const store::TableSpec*> MatchTable(const std::vector<std::string>& header,
                                           const std::string& requested, const std::string& path);

}  // namespace cxm::ingest
