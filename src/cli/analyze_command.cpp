#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "analytics/analyses/common.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "common/strings.h"
#include "derive/experience.h"
#include "store/store.h"
#include "text/emotion_model.h"

namespace cxm::cli {
namespace {

bool IsIsoDate(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t idx : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[idx] < '0' || text[idx] > '9') return false;
  }
  const int month = std::stoi(text.substr(5, 2));
  const int day = std::stoi(text.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

// Scores new texts, updates remembered experience per interaction and rebuilds customer state.
Command AddAnalyzeCommand(CLI::App& app) {
  struct Options {
    derive::ExperienceOptions experience;
    std::string model_path;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "analyze", "score new texts; update interaction_experience and customer_state (incremental)");
  command->add_option("--lambda", options->experience.run.negativity_lambda,
                      "weight of negative moments in peak and memory")->capture_default_str();
  command->add_option("--end-window", options->experience.run.end_window_turns,
                      "end = mean of the last N customer turns")->capture_default_str()->check(CLI::PositiveNumber);
  command->add_option("--half-life", options->experience.run.memory_half_life_days,
                      "memory half-life in days")->capture_default_str()->check(CLI::PositiveNumber);
  command->add_option("--horizon", options->experience.run.horizon_days,
                      "days after the reference date that count as later (moments, recovery, memory)")
      ->capture_default_str()->check(CLI::PositiveNumber);
  command->add_option("--reference-date", options->experience.run.reference_date,
                      "YYYY-MM-DD the later outcomes count from (default: the last interaction less the horizon)");
  command->add_option("--currency", options->experience.run.currency,
                      "reporting currency (default: the transactions' most common); others convert through the "
                      "company's currency_rates only");
  command->add_option("--model", options->model_path, "emotion model (default: the committed one)");
  return {command, [options](const GlobalOptions& global) -> Status {
    const std::string& date = options->experience.run.reference_date;
    if (!date.empty() && !IsIsoDate(date)) {
      return Status::InvalidArgument("--reference-date " + date + ": not a date as YYYY-MM-DD");
    }
    CXM_ASSIGN_OR_RETURN(store::Store store, store::Store::Open(global.db_path, {}));
    CXM_ASSIGN_OR_RETURN(const text::EmotionModel model,
                         text::EmotionModel::Load(options->model_path));
    auto scoring = ProgressLine("scoring", "texts");
    CXM_ASSIGN_OR_RETURN(const derive::AnalyzeSummary summary,
                         derive::Analyze(store.database(), store.connection(), model, options->experience,
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
