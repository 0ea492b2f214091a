#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "derive/experience.h"
#include "cli/commands.h"
#include "common/strings.h"
#include "cli/finding_output.h"
#include "cli/progress.h"
#include "cli/table_writer.h"
#include "ingest/loader.h"
#include "report/html_report.h"
#include "simulate/generator.h"
#include "store/schema.h"
#include "store/duckdb_engine.h"
#include "store/store.h"
#include "text/emotion_model.h"

namespace cxm::cli {

Command AddDemoCommand(CLI::App& app) {
  struct Options {
    std::int64_t customers = 20000;
    std::uint64_t seed = 1;
    std::string out_dir = "cxm-demo";
    std::string model_path;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "demo", "generate a company, load it, analyse it and print what cxm finds, ending in an HTML report");
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
    std::vector<const store::TableSpec*> tables;
    std::vector<std::string> readable;
    for (const store::TableSpec& table : store::CanonicalTables()) {
      tables.push_back(&table);
      readable.push_back((std::filesystem::path(generator.out_dir) / (table.name + ".csv")).string());
    }
    CXM_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(db_path, {.readable_files = readable}));
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

    std::cout << "[3/4] Analysing: emotions in every customer text (all cores), remembered experience, "
                 "memory and loyalty\n";
    CXM_ASSIGN_OR_RETURN(const text::EmotionModel model,
                         text::EmotionModel::Load(options->model_path));
    const simulate::CompanyModel& truth = generator.model;
    const derive::ExperienceOptions experience{.run = {.negativity_lambda = truth.negativity_lambda,
                                                       .memory_half_life_days = truth.memory_half_life_days}};
    auto scoring = ProgressLine("      scoring", "texts");
    CXM_ASSIGN_OR_RETURN(const derive::AnalyzeSummary analyzed,
                         derive::Analyze(store.database(), store.connection(), model, experience,
                                            [&](const std::string&, std::int64_t done, std::int64_t total) {
                                              if (total > 0) scoring(done, total);
                                            }));
    std::cout << fmt::format("      {} texts scored in {:.1f} s ({:.0f} texts/s); {} interactions with remembered "
                             "experience ({:.1f} s); {} customers' memory and loyalty ({:.1f} s)\n",
                             FormatCount(analyzed.texts_scored), analyzed.scoring_seconds,
                             static_cast<double>(analyzed.texts_scored) / std::max(analyzed.scoring_seconds, 1e-9),
                             FormatCount(analyzed.interactions_with_experience), analyzed.experience_seconds,
                             FormatCount(analyzed.customers), analyzed.customer_seconds);

    std::cout << "[4/4] What cxm finds\n";
    store::DuckDbEngine engine(store.connection());
    CXM_ASSIGN_OR_RETURN(report::ReportContent content,
                         report::BuildReport(engine, "cxm demo: the customer experience at Norda"));
    for (const std::string& sentence : content.executive_summary) std::cout << "  - " << sentence << "\n";
    std::vector<analytics::Finding> shown;
    for (const analytics::Finding& finding : content.findings) {
      for (const char* key : {"moments", "recovery_groups", "loyalty", "delivery_gap", "memory"}) {
        if (finding.key == key) shown.push_back(finding);
      }
    }
    std::cout << "\n";
    WriteFindings(std::cout, shown, OutputFormat::kTable);

    // The simulator knows the causes it built in; say them, so a reader can judge the findings.
    std::cout << fmt::format(
        "\nWhat the simulator built in ({}/truth.json): customers remember each interaction by its peak and end, "
        "bad moments weighing {}x; that memory drives NPS, repurchase and churn. The top moment of truth is "
        "delivery; a well-recovered failure adds a recovery-paradox bonus of {} to memory.\n",
        generator.out_dir, truth.negativity_lambda, truth.recovery_paradox);
    const std::string report_path = (out_dir / "report.html").string();
    CXM_TRY(WriteWholeFileAtomically(report_path, report::RenderHtml(content)));
    std::cout << fmt::format("\nReport: {}  (one self-contained HTML file: open it in a browser)\n"
                             "Store:  {}  (try: cxm --db {} moments, or query \"SELECT * FROM customer_state LIMIT 5\")\n",
                             report_path, db_path, db_path);
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
