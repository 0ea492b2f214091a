// Training and evaluation of the emotion model (`cxm train [--eval]`): reads the labelled
// corpora under ../shared/data with their own label schemes and splits (PROVENANCE.md of
// each), maps every gold label set into the model's four views (mappings from the datasets'
// files where they exist, documented in docs/emotion-model.md where invented), trains one
// multi-head model, tunes thresholds per view and language on the tuning splits, fits the
// valence/arousal read-outs on EmoBank, and scores each corpus on its evaluation split.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "text/emotion_model.h"

namespace cxm::text {

struct LabelledText {
  std::string text;
  std::array<std::optional<std::vector<int>>, kViewCount> gold;  // nullopt: the view is unknown
  std::array<std::vector<int>, kViewCount> unknown;               // view labels without gold
};

struct Corpus {
  std::string name;        // "goemotions", "brighter-swe", "xed-sv", "redv2", ...
  std::string language;    // cxm's code: en, sv, nb, da, ro, fi, de
  View view = View::kGoEmotions;  // the scheme its labels are scored in
  std::vector<int> eval_labels;   // the view's labels in its macro-F1
  std::string eval_split;  // "test", "dev" (test withheld: tuning carved from train), "" (train only)
  std::string baseline;    // published figure to print beside ours
  std::vector<LabelledText> train, tune, eval;
};

// NotFound or InvalidArgument naming the file and line when a corpus cannot be read.
Result<std::vector<Corpus>> LoadCorpora(const std::string& data_dir);

struct EmotionTrainSettings {
  int bucket_bits = 18;
  int epochs = 8;
  double learning_rate = 0.1;
  int average_last_epochs = 3;
  std::uint64_t seed = 1;
  bool balance_corpora = true;  // weigh small corpora up (emotion_training.cpp)
  int threads = 0;  // feature extraction; training itself is sequential for reproducibility
};

// Trains on every corpus's train split; `log` (may be null) gets progress lines.
Result<EmotionModel> TrainEmotionModel(const std::vector<Corpus>& corpora, const std::string& data_dir,
                                       const EmotionTrainSettings& settings, std::ostream* log);

// Scored as `cxm analyze` reads customer text: each writer's language known (here the corpus's)
// and taken where identification is unsure; `identified_macro_f1` from the text alone.
struct EvaluationRow {
  std::string corpus, language, split;
  int texts = 0, labels = 0;
  double macro_f1 = 0, micro_f1 = 0;
  double identified_macro_f1 = 0;
  std::string baseline;
};
std::vector<EvaluationRow> EvaluateEmotionModel(const EmotionModel& model, const std::vector<Corpus>& corpora);

// Macro-/micro-F1 over `labels` only (other labels ignored in gold and predictions).
F1Scores F1OverLabels(const std::vector<std::vector<int>>& gold, const std::vector<std::vector<int>>& predicted,
                      const std::vector<int>& labels);

struct ReadOutEvaluation {
  std::string corpus;
  int texts = 0;
  double valence_r = 0, arousal_r = 0;  // Pearson r; arousal NaN where the corpus has none
};
// EmoBank test (valence and arousal) and the Danish LCC sentences (valence).
Result<std::vector<ReadOutEvaluation>> EvaluateReadOuts(const EmotionModel& model, const std::string& data_dir);

// The same splits in fastText's format, for bench/emotion_peer.sh: per corpus with an
// evaluation split, DIR/<corpus>/{train.ft,tune.txt,tune.gold,eval.txt,eval.gold,labels}.
Status ExportFastTextSplits(const std::vector<Corpus>& corpora, const std::string& dir);

}  // namespace cxm::text
