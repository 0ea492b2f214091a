#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "store/erasure.h"
#include "store/store.h"

namespace cxm::cli {

// GDPR erasure: every row of one customer, canonical and derived, in one transaction; --verify
// proves that the id occurs nowhere in the store.
Command AddEraseCommand(CLI::App& app) {
  struct Options {
    std::string customer_id;
    std::string verify_id;
    bool dry_run = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("erase", "erase one customer from every table (GDPR), or verify an erasure");
  command->add_option("--customer", options->customer_id, "the customer_id to erase");
  command->add_option("--verify", options->verify_id, "show where an id still occurs (exit 1 if anywhere)");
  command->add_flag("--dry-run", options->dry_run, "count what would be erased, change nothing");
  return {command, [options](const GlobalOptions& global) -> Status {
    if (options->customer_id.empty() == options->verify_id.empty()) {
      return Status::InvalidArgument("name one of --customer ID (erase) or --verify ID");
    }
    if (!options->verify_id.empty()) {
      CXM_ASSIGN_OR_RETURN(store::Store store,
                           store::Store::Open(global.db_path, {.mode = store::Store::Mode::kReadOnly}));
      CXM_ASSIGN_OR_RETURN(const std::vector<store::Occurrence> found,
                           store::FindEverywhere(store.connection(), options->verify_id));
      if (found.empty()) {
        std::cout << fmt::format("verified: the id occurs in no column of any table of {}\n", global.db_path);
        return Status::Ok();
      }
      for (const store::Occurrence& occurrence : found) {
        std::cout << fmt::format("{}.{}: {} rows\n", occurrence.table, occurrence.column, occurrence.rows);
      }
      return Status::InvalidArgument(fmt::format("the id still occurs in {} columns (listed above)", found.size()));
    }
    CXM_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(global.db_path, {}));
    CXM_ASSIGN_OR_RETURN(const store::ErasureSummary summary,
                         store::EraseCustomer(store.connection(), options->customer_id, options->dry_run));
    if (summary.total_rows == 0) {
      return Status::NotFound("no rows belong to that customer id: nothing erased");
    }
    for (const store::TableRows& removed : summary.removed) {
      std::cout << fmt::format("{:<24} {:>8} rows\n", removed.table, removed.rows);
    }
    if (options->dry_run) {
      std::cout << fmt::format("dry run: {} rows would be erased; nothing changed\n", summary.total_rows);
    } else {
      std::cout << fmt::format("erased {} rows in one transaction (erasure {} in the erasures table; "
                               "check with: cxm erase --verify ID)\n",
                               summary.total_rows, summary.erasure_id);
    }
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
