#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/table_writer.h"
#include "text/emotion_training.h"

namespace cxm::cli {
namespace {

struct TrainArguments {
  std::string data_dir = CXM_SHARED_DATA_DIR;
  std::string out;
  bool evaluate = false;
  std::string export_fasttext;
  text::EmotionTrainSettings settings;
};

TextTable EvaluationTable(const std::vector<text::EvaluationRow>& rows) {
  TextTable table;
  table.columns = {"dataset", "language", "split", "texts", "labels", "macro_f1", "micro_f1", "macro_f1_identified",
                   "published baseline"};
  table.is_json_literal = {false, false, false, true, true, true, true, true, false};
  for (const text::EvaluationRow& row : rows) {
    table.rows.push_back({row.corpus, row.language, row.split, std::to_string(row.texts), std::to_string(row.labels),
                          fmt::format("{:.3f}", row.macro_f1), fmt::format("{:.3f}", row.micro_f1),
                          fmt::format("{:.3f}", row.identified_macro_f1), row.baseline});
  }
  return table;
}

}  // namespace

// Trains the emotion model from ../shared/data; --eval prints its scores per dataset and language.
Command AddTrainCommand(CLI::App& app) {
  auto arguments = std::make_shared<TrainArguments>();
  CLI::App* command = app.add_subcommand("train", "train the emotion model from the labelled corpora");
  command->add_option("--data", arguments->data_dir, "the shared data directory")->capture_default_str();
  command->add_option("--out", arguments->out, "model file to write (default: the committed model)");
  command->add_flag("--eval", arguments->evaluate, "score the model on each dataset's test (or dev) split");
  command->add_option("--seed", arguments->settings.seed, "shuffling seed")->capture_default_str();
  command->add_option("--epochs", arguments->settings.epochs, "passes over the training data")->capture_default_str();
  command->add_option("--lr", arguments->settings.learning_rate, "AdaGrad learning rate")->capture_default_str();
  command->add_option("--bits", arguments->settings.bucket_bits, "log2 of the feature buckets")->capture_default_str();
  command->add_option("--balance", arguments->settings.balance_corpora, "weigh small corpora up (1/0)")->capture_default_str();
  command->add_option("--export-fasttext", arguments->export_fasttext,
                      "also write every corpus's splits in fastText's format to DIR (bench/emotion_peer.sh)");
  return {command, [arguments](const GlobalOptions&) -> Status {
    const std::string out = arguments->out.empty() ? text::EmotionModel::DefaultPath() : arguments->out;
    CXM_ASSIGN_OR_RETURN(const std::vector<text::Corpus> corpora, text::LoadCorpora(arguments->data_dir));
    if (!arguments->export_fasttext.empty()) {
      CXM_TRY(text::ExportFastTextSplits(corpora, arguments->export_fasttext));
    }
    CXM_ASSIGN_OR_RETURN(text::EmotionModel model,
                         text::TrainEmotionModel(corpora, arguments->data_dir, arguments->settings, &std::cerr));
    std::string provenance = fmt::format("trained by `cxm train --seed {} --epochs {} --lr {} --bits {}` on",
                                         arguments->settings.seed, arguments->settings.epochs,
                                         arguments->settings.learning_rate, arguments->settings.bucket_bits);
    for (const text::Corpus& corpus : corpora) provenance += fmt::format(" {}({})", corpus.name, corpus.train.size());
    CXM_TRY(model.Save(out, provenance));
    // What is evaluated is what was written: the reloaded, quantised model. Its macro-F1 on a
    // few fixed dev splits goes into the file as the floor the regression test holds it to.
    CXM_ASSIGN_OR_RETURN(text::EmotionModel saved, text::EmotionModel::Load(out));
    for (const text::Corpus& corpus : corpora) {
      if (corpus.name != "goemotions" && corpus.name != "brighter-swe" && corpus.name != "brighter-deu" &&
          corpus.name != "xed-sv" && corpus.name != "redv2") {
        continue;
      }
      text::Corpus dev_only = corpus;
      dev_only.eval = dev_only.tune;
      const std::vector<text::EvaluationRow> rows = text::EvaluateEmotionModel(saved, {dev_only});
      provenance += fmt::format("\ndev_macro_f1 {} {:.4f}", corpus.name, rows.at(0).macro_f1);
    }
    CXM_TRY(saved.Save(out, provenance));
    CXM_ASSIGN_OR_RETURN(saved, text::EmotionModel::Load(out));
    std::cerr << "model written to " << out << "\n";
    if (!arguments->evaluate) return Status::Ok();
    WriteTable(std::cout, EvaluationTable(text::EvaluateEmotionModel(saved, corpora)), OutputFormat::kTable);
    CXM_ASSIGN_OR_RETURN(const std::vector<text::ReadOutEvaluation> read_outs,
                         text::EvaluateReadOuts(saved, arguments->data_dir));
    for (const text::ReadOutEvaluation& evaluation : read_outs) {
      std::cout << fmt::format("{} ({} texts): valence Pearson r {:.3f}{}\n", evaluation.corpus, evaluation.texts,
                               evaluation.valence_r,
                               std::isnan(evaluation.arousal_r) ? ""
                                                                : fmt::format(", arousal r {:.3f}", evaluation.arousal_r));
    }
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
