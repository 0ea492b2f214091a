// cxm: parses the command line, dispatches to a subcommand, maps errors to exit codes.
// Exit codes: 0 ok, 1 user error (bad input, missing file, newer database, a store in use, a file
// the system will not let cxm read or write, a full disk), 2 internal error.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace {

int ExitCodeFor(const cxm::Status& status) {
  switch (status.code()) {
    case cxm::Status::Code::kOk: return 0;
    case cxm::Status::Code::kInvalidArgument:
    case cxm::Status::Code::kNotFound:
    case cxm::Status::Code::kVersion:
    case cxm::Status::Code::kIo: return 1;
    case cxm::Status::Code::kSql:
    case cxm::Status::Code::kInternal: return 2;
  }
  return 2;
}

int Run(int argc, char** argv) {
  CLI::App app{"cxm: the emotion-aware customer experience engine"};
  app.require_subcommand(1);
  cxm::cli::GlobalOptions global;
  if (const char* env_db = std::getenv("CXM_DB"); env_db != nullptr && *env_db != '\0') {
    global.db_path = env_db;
  }
  app.add_option("--db", global.db_path, "database file (default ./cxm.duckdb; env CXM_DB)");

  std::vector<cxm::cli::Command> commands = {
      cxm::cli::AddInitCommand(app), cxm::cli::AddIngestCommand(app),
      cxm::cli::AddQueryCommand(app), cxm::cli::AddStatusCommand(app),
      cxm::cli::AddTrainCommand(app), cxm::cli::AddEmotionCommand(app),
      cxm::cli::AddGenerateCommand(app), cxm::cli::AddDemoCommand(app),
      cxm::cli::AddAnalyzeCommand(app), cxm::cli::AddReportCommand(app),
      cxm::cli::AddEraseCommand(app)};
  for (cxm::cli::Command& command : cxm::cli::AddAnalysisCommands(app)) commands.push_back(std::move(command));

  // An unknown command names the ones there are (CLI11 would only say one is required).
  for (int idx = 1; idx < argc; ++idx) {
    const std::string argument = argv[idx];
    if (argument == "--db") {
      ++idx;
      continue;
    }
    if (argument.empty() || argument[0] == '-') continue;
    bool is_known = false;
    std::string names;
    for (const CLI::App* subcommand : app.get_subcommands([](const CLI::App*) { return true; })) {
      is_known |= subcommand->get_name() == argument;
      names += (names.empty() ? "" : ", ") + subcommand->get_name();
    }
    if (!is_known) {
      std::cerr << "cxm: '" << argument << "' is not a cxm command; the commands are: " << names << "\n";
      return 1;
    }
    break;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 1;
  }
  for (const cxm::cli::Command& command : commands) {
    if (!command.subcommand->parsed()) continue;
    const cxm::Status status = command.run(global);
    if (!status.ok()) {
      std::cerr << "cxm " << command.subcommand->get_name() << ": " << status.message() << "\n";
    }
    return ExitCodeFor(status);
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "cxm: internal error: " << error.what() << "\n";
    return 2;
  } catch (...) {
    std::cerr << "cxm: internal error\n";
    return 2;
  }
}
