#include <iostream>

#include "cli/commands.h"
#include "store/store.h"

namespace cxm::cli {

Command AddInitCommand(CLI::App& app) {
  CLI::App* command = app.add_subcommand("init", "create (or migrate) the cxm database");
  return {command, [](const GlobalOptions& global) -> Status {
    CXM_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(global.db_path, {}));
    std::cout << "cxm database ready: " << global.db_path << " (schema v" << store.schema_version()
              << ")\n";
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
