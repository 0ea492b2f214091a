// One subcommand per analysis of the registry (analytics/registry.h): its options are the
// analysis's parameters, plus --format; the settings (λ, half-life, horizon ...) are those the
// last `cxm analyze` stored, so no two commands can mix them.
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "analytics/registry.h"
#include "cli/commands.h"
#include "cli/finding_output.h"
#include "common/strings.h"
#include "store/duckdb_engine.h"
#include "store/store.h"

namespace cxm::cli {
namespace {

Command AddAnalysisCommand(CLI::App& app, const analytics::AnalysisSpec& spec) {
  struct Options {
    std::map<std::string, std::vector<std::string>> values;
    std::string format = "table";
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(spec.key, spec.description);
  for (const analytics::ParameterSpec& parameter : spec.parameters) {
    std::string help = parameter.help;
    if (!parameter.choices.empty()) help += " (" + Join(parameter.choices, ", ") + ")";
    std::vector<std::string>& values = options->values[parameter.name];
    if (parameter.type == analytics::ParameterSpec::Type::kSwitch) {
      command->add_flag_callback(parameter.Flag(), [&values] { values = {"true"}; }, help);
      continue;
    }
    CLI::Option* option = command->add_option(parameter.Flag(), values, help);
    if (parameter.type == analytics::ParameterSpec::Type::kList) {
      option->delimiter(',');
    } else {
      option->expected(1);
    }
  }
  command->add_option("--format", options->format, "table, csv or json")->capture_default_str();
  const std::string key = spec.key;
  return {command, [options, key](const GlobalOptions& global) -> Status {
    CXM_ASSIGN_OR_RETURN(const OutputFormat format, ParseOutputFormat(options->format));
    CXM_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(global.db_path, {.mode = store::Store::Mode::kReadOnly}));
    store::DuckDbEngine engine(store.connection());
    analytics::Arguments arguments;
    for (const auto& [name, values] : options->values) arguments.Set(name, values);
    CXM_ASSIGN_OR_RETURN(const std::vector<analytics::Finding> findings,
                         analytics::RunAnalysis(*analytics::FindAnalysis(key), engine, arguments));
    WriteFindings(std::cout, findings, format);
    return Status::Ok();
  }};
}

}  // namespace

std::vector<Command> AddAnalysisCommands(CLI::App& app) {
  std::vector<Command> commands;
  for (const analytics::AnalysisSpec& spec : analytics::Analyses()) commands.push_back(AddAnalysisCommand(app, spec));
  return commands;
}

}  // namespace cxm::cli
