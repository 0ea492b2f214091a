#include <iostream>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "cli/commands.h"
#include "ingest/loader.h"
#include "ingest/mapping.h"
#include "store/store.h"

namespace cxm::cli {
namespace {

// A refusal of the system (a full disk, no permission) names the input it stopped, and says
// that nothing of that file was stored: each file loads in one transaction.
Status NotLoaded(const std::string& input, const Status& error) {
  if (error.code() != Status::Code::kIo || error.message().starts_with(input)) return error;
  return error.Prefixed(input + ": not loaded, nothing of it was stored");
}

}  // namespace

Command AddIngestCommand(CLI::App& app) {
  struct Options {
    std::string table;
    std::string mapping_path;
    bool keep_pii = false;
    std::vector<std::string> files;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "ingest", "load CSV/TSV/JSON lines/Parquet exports (optionally .gz) into the store");
  command->add_option("--table", options->table, "canonical table of files without a mapping");
  command->add_option("--map", options->mapping_path, "TOML mapping from the export to cxm tables");
  command->add_flag("--keep-pii", options->keep_pii, "store free text without PII redaction");
  command->add_option("files", options->files, "files to load (with --map: default all sources)");

  return {command, [options](const GlobalOptions& global) -> Status {
    if (options->files.empty() && options->mapping_path.empty()) {
      return Status::InvalidArgument("name the files to load (or a --map whose sources to load)");
    }
    // The store may read exactly the files this load names, decided before any of the
    // mapping's expressions can run (store.h: the sandbox).
    std::optional<ingest::Mapping> mapping;
    std::vector<std::string> readable = options->files;
    if (!options->mapping_path.empty()) {
      CXM_ASSIGN_OR_RETURN(mapping, ingest::Mapping::Load(options->mapping_path));
      CXM_ASSIGN_OR_RETURN(const std::vector<ingest::MappedFile> sources,
                           ingest::ResolveSources(*mapping, options->files));
      readable.clear();
      for (const ingest::MappedFile& source : sources) readable.push_back(source.path);
    }
    CXM_ASSIGN_OR_RETURN(store::Store store,
                         store::Store::Open(global.db_path, {.readable_files = readable}));
    CXM_ASSIGN_OR_RETURN(
        ingest::Loader loader,
        ingest::Loader::Create(&store, {.redact_pii = !options->keep_pii, .table = options->table}));

    std::vector<ingest::TableLoad> loads;
    const auto print_file_line = [](const ingest::TableLoad& load) {
      std::cout << fmt::format("{}: {}: loaded {}, rejected {}{}\n", load.source, load.table, load.loaded,
                               load.rejected, load.attributes > 0 ? fmt::format(", attribute values {}", load.attributes)
                                                                  : "");
    };
    if (mapping.has_value()) {
      Result<std::vector<ingest::TableLoad>> mapped = loader.LoadWithMapping(*mapping, options->files);
      if (!mapped.has_value()) return NotLoaded(options->mapping_path, mapped.error());
      loads = std::move(mapped).value();
    } else {
      // Each file is its own transaction: a bad file stops the command, but files already
      // loaded stay loaded (and say so).
      for (const std::string& file : options->files) {
        Result<std::vector<ingest::TableLoad>> file_loads = loader.LoadFile(file);
        if (!file_loads.has_value()) {
          for (const ingest::TableLoad& load : loads) print_file_line(load);
          return NotLoaded(file, file_loads.error());
        }
        loads.insert(loads.end(), file_loads->begin(), file_loads->end());
      }
    }

    std::map<std::string, std::pair<std::int64_t, std::int64_t>> per_table;
    std::set<std::string> sources;
    std::int64_t total_rejected = 0;
    std::set<std::string> repeats_said;
    for (const ingest::TableLoad& load : loads) {
      print_file_line(load);
      if (load.repeated_rows > 0 && repeats_said.insert(load.source).second) {
        // Said, not silently dropped or silently counted: without a key, equal rows may be two
        // real answers (a small survey) or one row exported twice (a churn extract).
        std::cout << fmt::format("{}: {} rows repeat an earlier row in every column: those whose key repeats too "
                                 "are rejects, the others are kept (without a key, two equal rows may be two "
                                 "answers; a random split of them sees them on both sides)\n",
                                 load.source, load.repeated_rows);
      }
      per_table[load.table].first += load.loaded;
      per_table[load.table].second += load.rejected;
      total_rejected += load.rejected;
      sources.insert(load.source);
    }
    if (sources.size() > 1) {
      for (const auto& [table, counts] : per_table) {
        std::cout << fmt::format("{}: loaded {}, rejected {}\n", table, counts.first, counts.second);
      }
    }
    if (total_rejected > 0) {
      std::cout << fmt::format(
          "{} rejected rows are in the rejects table; see them with:\n"
          "  cxm query \"SELECT source, line, target_table, column_name, value, reason "
          "FROM rejects ORDER BY source, line\"\n",
          total_rejected);
    }
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
