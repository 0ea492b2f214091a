#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/progress.h"
#include "simulate/generator.h"

namespace cxm::cli {

Status ParseGeneratorFormat(const std::string& name, simulate::OutputFormat* format) {
  if (name == "csv") {
    *format = simulate::OutputFormat::kCsv;
  } else if (name == "jsonl") {
    *format = simulate::OutputFormat::kJsonLines;
  } else {
    return Status::InvalidArgument(fmt::format("--format {}: use csv or jsonl", name));
  }
  return Status::Ok();
}

Command AddGenerateCommand(CLI::App& app) {
  struct Options {
    simulate::GeneratorOptions generator;
    std::string format = "csv";
    std::string languages;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "generate", "write a simulated company (customers, journeys, conversations, surveys, churn) "
                  "with its ground truth; see docs/demo-company.md");
  command->add_option("--customers", options->generator.customers, "number of customers (default 20000)");
  command->add_option("--seed", options->generator.seed, "random seed: same seed, same bytes (default 1)");
  command->add_option("--out", options->generator.out_dir, "folder to write")->required();
  command->add_option("--format", options->format, "csv (default) or jsonl");
  command->add_option("--languages", options->languages,
                      "customer language shares, e.g. sv=0.3,nb=0.2,da=0.15,ro=0.2,en=0.15");
  command->add_option("--lambda", options->generator.model.negativity_lambda,
                      "negativity weight of bad moments in memory (default 2)");
  command->add_option("--recovery-paradox", options->generator.model.recovery_paradox,
                      "memory bonus of a well-recovered failure; 0 switches the paradox off (default 2)");
  command->add_option("--threads", options->generator.threads, "worker threads (default: all cores)");
  command->add_flag("--truth-detail", options->generator.write_truth_detail,
                    "also write truth_interactions and truth_turns (per interaction and customer turn)");

  return {command, [options](const GlobalOptions&) -> Status {
    simulate::GeneratorOptions generator = options->generator;
    CXM_TRY(ParseGeneratorFormat(options->format, &generator.format));
    if (!options->languages.empty()) {
      CXM_ASSIGN_OR_RETURN(generator.model.language_shares,
                           simulate::ParseLanguageShares(options->languages));
    }
    CXM_ASSIGN_OR_RETURN(const simulate::GenerationSummary summary,
                         simulate::GenerateCompany(generator, ProgressLine("generating", "customers")));
    const simulate::Realised& realised = summary.realised;
    std::cout << fmt::format(
        "{}: {} customers, {} interactions, {} messages, {} feedback, {} transactions, {} churned "
        "({:.1f}%), {} agents; {:.1f} MB in {:.1f} s\n",
        generator.out_dir, realised.customers, realised.interactions, realised.messages,
        realised.feedback, realised.transactions, realised.churned,
        100.0 * static_cast<double>(realised.churned) / static_cast<double>(realised.customers),
        summary.agents, static_cast<double>(summary.bytes_written) / 1e6, summary.seconds);
    std::cout << fmt::format("ground truth: {}/truth.json\n", generator.out_dir);
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
