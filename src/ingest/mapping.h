// A mapping file (TOML) says how a company's own exports become canonical tables (SPEC §3).
// See docs/mapping.md for the format. In short:
//
//   [sources.orders]              # a named source: a file glob relative to the mapping file
//   path = "orders*.csv"
//   timezone = "Europe/Stockholm" # for timestamps written without an offset (default UTC)
//
//   [[tables]]                    # one derivation: source rows -> rows of one canonical table
//   source = "orders"
//   target = "interactions"
//   filter = "status <> 'cancelled'"          # optional SQL condition over source columns
//   distinct = false                          # optional: drop repeated derived rows
//   [tables.columns]                          # canonical column = SQL expression over the source
//   interaction_id = "'delivery-' || order_id"
//   [tables.constants]                        # canonical column = literal value (bound, not pasted)
//   channel = "web"
//
//   [touchpoint_roles]            # optional: which touchpoint names play which role
//   support = ["customer_service", "chat"]
//
// Source columns are text; cast them in expressions where order or arithmetic matters
// (cxm_ts(x) parses any timestamp format cxm accepts).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace cxm::ingest {

struct MappingPosition {
  int line = 0;
  int column = 0;
};

struct SourceSpec {
  std::string name;
  std::string pattern;   // glob, relative to the mapping file's folder
  std::string format;    // "" (auto), "csv", "tsv", "jsonl", "parquet"
  std::string timezone;  // "" = UTC
  MappingPosition position;
};

struct ColumnMapping {
  std::string column;      // canonical column
  std::string expression;  // SQL over source columns, or the literal for a constant
  bool is_constant = false;
  MappingPosition position;
};

// A source column kept as an attribute of the derived row (docs/mapping.md, "Attributes"):
//   [tables.attributes]
//   contract = "Contract"                                   # an expression, kind inferred
//   satisfaction = { expression = "Sat", kind = "rating", not_applicable = "0" }
//   delay_minutes = { expression = "cxm_double(delay)", higher_is = "worse" }
struct AttributeMapping {
  std::string name;        // lower-case identifier: `--by contract`, `--outcome satisfaction`
  std::string expression;  // SQL over source columns
  std::string kind;        // "number", "rating", "category"; "" inferred from the values
  std::string higher_is;   // "better", "worse"; "" no usual direction (a rating is "better")
  std::optional<std::string> not_applicable;  // the answer code meaning "does not apply"
  MappingPosition position;
};

struct Derivation {
  std::string source;
  std::string target;
  std::string filter;
  bool is_distinct = false;
  std::vector<ColumnMapping> columns;
  std::vector<AttributeMapping> attributes;  // only for customers, interactions, feedback
  MappingPosition position;
  MappingPosition filter_position;
};

// A touchpoint name and the role analyses look it up by (purchase, delivery, support, billing,
// returns); the store keeps them in touchpoint_roles.
struct TouchpointRole {
  std::string touchpoint;
  std::string role;
};
const std::vector<std::string>& TouchpointRoleNames();

// The attribute entity of a canonical table ("customer" for customers ...), "" for the tables
// that carry none.
std::string AttributeEntityOf(std::string_view table);

struct Mapping {
  std::string path;    // the mapping file as given
  std::string folder;  // its folder, for resolving source patterns
  std::vector<SourceSpec> sources;
  std::vector<Derivation> tables;
  std::vector<TouchpointRole> touchpoint_roles;

  // Parses and checks the file: every target is a canonical table, every column belongs to its
  // target, key columns are mapped, every source is declared. Errors read
  // "mapping.toml:12:3: ..." with the line and column of the offending entry.
  static Result<Mapping> Load(const std::string& path);
  static Result<Mapping> Parse(const std::string& text, const std::string& path);

  const SourceSpec* FindSource(const std::string& name) const;

  // "mapping.toml:12:3" for error messages.
  std::string Where(const MappingPosition& position) const;
};

// A file to load and the [sources] entry it belongs to.
struct MappedFile {
  std::string path;
  const SourceSpec* source = nullptr;  // points into the Mapping
};

// Which files a mapping load reads: each of `files` matched to a source by its name or, with
// none, every source's glob expanded in the mapping's folder (regular files only, no links).
// The CLI opens the store's sandbox to exactly these files before anything in the mapping runs.
Result<std::vector<MappedFile>> ResolveSources(const Mapping& mapping,
                                               const std::vector<std::string>& files);

}  // namespace cxm::ingest
