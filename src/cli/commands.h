// The cxm subcommands. Each registers its options on the CLI11 app and runs with the global
// options; each returns a Status that main.cpp maps to an exit code (0 ok, 1 user error,
// 2 internal error). Only main.cpp and these adapters touch CLI11, which throws.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/status.h"

namespace cxm::cli {

struct GlobalOptions {
  std::string db_path = "cxm.duckdb";  // --db, or CXM_DB
};

using CommandRunner = std::function<Status(const GlobalOptions&)>;

struct Command {
  CLI::App* subcommand;  // owned by the parent CLI::App
  CommandRunner run;
};

// Each adds its subcommand to `app` and returns it with the function that runs it once parsed.
Command AddInitCommand(CLI::App& app);
Command AddIngestCommand(CLI::App& app);
Command AddQueryCommand(CLI::App& app);
Command AddStatusCommand(CLI::App& app);
Command AddTrainCommand(CLI::App& app);
Command AddEmotionCommand(CLI::App& app);
Command AddGenerateCommand(CLI::App& app);
Command AddDemoCommand(CLI::App& app);
Command AddAnalyzeCommand(CLI::App& app);
Command AddReportCommand(CLI::App& app);
Command AddEraseCommand(CLI::App& app);
// One per analysis of the registry (metrics, journeys, moments, drivers, ...).
std::vector<Command> AddAnalysisCommands(CLI::App& app);

}  // namespace cxm::cli
