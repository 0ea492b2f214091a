#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "analytics/first_findings.h"
#include "analytics/text_scoring.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/table_writer.h"
#include "ingest/loader.h"
#include "simulate/generator.h"
#include "store/schema.h"
#include "store/store.h"
#include "text/emotion_model.h"

namespace cxm::cli {

namespace {

void PrintFinding(const analytics::Finding& finding) {
  std::cout << fmt::format("\n{}\n{}\n", finding.title, finding.summary);
  if (finding.rows.empty()) return;
  TextTable table{.columns = finding.columns};
  table.is_json_literal.assign(finding.columns.size(), false);
  for (const auto& row : finding.rows) {
    table.rows.emplace_back(row.begin(), row.end());
  }
  WriteTable(std::cout, table, OutputFormat::kTable);
}

}  // namespace

Command AddDemoCommand(CLI::App& app) {
  struct Options {
    std::int64_t customers = 20000;
    std::uint64_t seed = 1;
    std::string out_dir = "cxm-demo";
    std::string model_path;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "demo", "generate a company, load it, score its texts and print what cxm finds (with a report)");
  command->add_option("--customers", options->customers, "customers to simulate (default 20000)");
  command->add_option("--seed", options->seed, "random seed (default 1)");
  command->add_option("--out", options->out_dir, "folder for the data, the store and the report (default cxm-demo)");
  command->add_option("--model", options->model_path, "emotion model (default: the committed one)");

  return {command, [options](const GlobalOptions&) -> Status {
    const std::filesystem::path out_dir(options->out_dir);
    simulate::GeneratorOptions generator{.customers = options->customers, .seed = options->seed,
                                         .out_dir = (out_dir / "data").string()};

    std::cout << fmt::format("[1/4] Simulating Norda, an online shop in Sweden, Norway, Denmark and "
                             "Romania: {} customers -> {}\n", FormatCount(generator.customers), generator.out_dir);
    CXM_ASSIGN_OR_RETURN(const simulate::GenerationSummary generated,
                         simulate::GenerateCompany(generator, ProgressLine("      generating", "customers")));
    const simulate::Realised& realised = generated.realised;
    std::cout << fmt::format("      {} interactions, {} conversation turns, {} survey answers and reviews, "
                             "{} transactions ({:.1f} s)\n",
                             FormatCount(realised.interactions), FormatCount(realised.messages),
                             FormatCount(realised.feedback), FormatCount(realised.transactions), generated.seconds);

    const std::string db_path = (out_dir / "cxm.duckdb").string();
    std::cout << fmt::format("[2/4] Loading into {} (validated, PII redacted)\n", db_path);
    std::error_code error;
    std::filesystem::remove(db_path, error);
    std::filesystem::remove(db_path + ".wal", error);
    CXM_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(db_path, {}));
    std::vector<const store::TableSpec*> tables;
    for (const store::TableSpec& table : store::CanonicalTables()) tables.push_back(&table);
    std::stable_sort(tables.begin(), tables.end(), [](const auto* left, const auto* right) {
      return left->load_order < right->load_order;
    });
    std::int64_t rejected = 0;
    for (const store::TableSpec* table : tables) {
      const auto started = std::chrono::steady_clock::now();
      const std::string path = (std::filesystem::path(generator.out_dir) / (table->name + ".csv")).string();
      CXM_ASSIGN_OR_RETURN(ingest::Loader loader,
                           ingest::Loader::Create(&store, {.redact_pii = true, .table = table->name}));
      CXM_ASSIGN_OR_RETURN(const std::vector<ingest::TableLoad> loads, loader.LoadFile(path));
      for (const ingest::TableLoad& load : loads) {
        rejected += load.rejected;
        std::cout << fmt::format("      {:<18} {:>10} rows  {:.1f} s\n", load.table, load.loaded,
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      }
    }
    if (rejected > 0) std::cout << fmt::format("      {} rows rejected (see the rejects table)\n", rejected);

    std::cout << "[3/4] Reading emotions in every customer text (emotion engine, all cores)\n";
    CXM_ASSIGN_OR_RETURN(const text::EmotionModel model,
                         text::EmotionModel::Load(options->model_path.empty() ? text::EmotionModel::DefaultPath()
                                                                              : options->model_path));
    CXM_ASSIGN_OR_RETURN(const analytics::ScoringSummary scored,
                         analytics::ScoreNewTexts(store.database(), store.connection(), model,
                                                  ProgressLine("      scoring", "texts")));
    std::cout << fmt::format("      {} texts in {:.1f} s ({:.0f} texts/s)\n", FormatCount(scored.texts_scored),
                             scored.seconds, static_cast<double>(scored.texts_scored) / std::max(scored.seconds, 1e-9));

    std::cout << "[4/4] What cxm finds\n";
    const simulate::CompanyModel& truth = generator.model;
    CXM_ASSIGN_OR_RETURN(const std::vector<analytics::Finding> findings,
                         analytics::FirstFindings(store.connection(), {.negativity_lambda = truth.negativity_lambda}));
    for (const analytics::Finding& finding : findings) PrintFinding(finding);

    // The simulator knows the causes it built in; say them, so a reader can judge the findings.
    const std::vector<std::string> preamble = {
        fmt::format("Simulated company: Norda, {} customers (seed {}), {} interactions, {} conversation "
                    "turns; data in `{}`, store `{}`.",
                    generator.customers, generator.seed, realised.interactions, realised.messages,
                    generator.out_dir, db_path),
        "",
        fmt::format("What the simulator built in (`{}/truth.json`): customers remember each "
                    "interaction by its peak and end, bad moments weighing {}x; that memory drives "
                    "NPS, repurchase and churn. The top moment of truth is delivery; a well-recovered "
                    "failure adds a recovery-paradox bonus of {} to memory.",
                    generator.out_dir, truth.negativity_lambda, truth.recovery_paradox)};
    const std::string report_path = (out_dir / "report.md").string();
    std::ofstream report(report_path, std::ios::trunc);
    report << analytics::FindingsMarkdown("cxm demo: what cxm finds at Norda", preamble, findings);
    if (!report) return Status::Io(fmt::format("{}: cannot be written", report_path));
    std::cout << fmt::format("\n{}\n", preamble[2]);
    std::cout << fmt::format("\nReport: {}\nStore:  {}  (try: cxm --db {} query \"SELECT * FROM text_emotions LIMIT 5\")\n",
                             report_path, db_path, db_path);
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
