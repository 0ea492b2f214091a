#include <iostream>

#include <fmt/format.h>

#include "analytics/experience.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "store/store.h"
#include "text/emotion_model.h"

namespace cxm::cli {

// Scores new texts, updates remembered experience per interaction and rebuilds customer state.
Command AddAnalyzeCommand(CLI::App& app) {
  struct Options {
    analytics::ExperienceOptions experience;
    std::string model_path;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "analyze", "score new texts; update interaction_experience and customer_state (incremental)");
  command->add_option("--lambda", options->experience.negativity_lambda,
                      "weight of negative moments in peak and memory")->capture_default_str();
  command->add_option("--end-window", options->experience.end_window_turns,
                      "end = mean of the last N customer turns")->capture_default_str()->check(CLI::PositiveNumber);
  command->add_option("--half-life", options->experience.memory_half_life_days,
                      "memory half-life in days")->capture_default_str()->check(CLI::PositiveNumber);
  command->add_option("--model", options->model_path, "emotion model (default: the committed one)");
  return {command, [options](const GlobalOptions& global) -> Status {
    CXM_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(global.db_path, {}));
    CXM_ASSIGN_OR_RETURN(const text::EmotionModel model,
                         text::EmotionModel::Load(options->model_path));
    auto scoring = ProgressLine("scoring", "texts");
    CXM_ASSIGN_OR_RETURN(const analytics::AnalyzeSummary summary,
                         analytics::Analyze(store.database(), store.connection(), model, options->experience,
                                            [&](const std::string& step, std::int64_t done, std::int64_t total) {
                                              if (total > 0) {
                                                scoring(done, total);
                                              } else {
                                                std::cerr << step << "...\n";
                                              }
                                            }));
    std::cout << fmt::format(
        "texts scored:            {:>12}  {:.1f} s\n"
        "interactions updated:    {:>12}  {:.1f} s  ({} with evidence in all)\n"
        "customers:               {:>12}  {:.1f} s\n",
        summary.texts_scored, summary.scoring_seconds, summary.interactions_updated,
        summary.experience_seconds, summary.interactions_with_experience, summary.customers,
        summary.customer_seconds);
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
