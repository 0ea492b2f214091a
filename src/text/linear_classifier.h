// A linear classifier over hashed features with one or more output heads: a one-vs-rest head
// has one logistic output per label (multi-label, as fastText's "-loss ova"), a softmax head
// one distribution over its labels. Heads share the features, so one model can learn several
// label schemes from datasets that each know only some of them: an example names the heads
// (and one-vs-rest labels) it has no gold for, and those outputs get no gradient from it.
// Trained by stochastic gradient descent with AdaGrad step sizes; decision thresholds per
// label are tuned on a development set.
//
// Not thread-safe while training; Scores/Predict are const and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cxm::text {

struct OutputHead {
  std::string name;
  int label_count = 0;
  bool is_softmax = false;
  // The last feature of every example is one this head's own decision chooses (ScoresChoosingLast):
  // the head learns nothing from it, so its scores before that feature is added are exact.
  bool ignores_last_feature = false;
};

struct Example {
  std::vector<std::uint32_t> features;  // bucket indices (text/features.h)
  std::vector<int> labels;              // gold outputs (indices over all heads' labels)
  std::uint64_t known_heads = ~std::uint64_t{0};  // bit h: head h has gold for this example
  std::vector<int> unknown_labels;      // one-vs-rest outputs without gold for it
  float weight = 1.0f;                  // scales its gradient (small datasets count more)
};

struct TrainOptions {
  int epochs = 10;
  double learning_rate = 0.1;  // best of 0.05-0.5 on GoEmotions (softmax + one-vs-rest, 6-10 epochs)
  double l2 = 1e-7;            // weight decay per update
  std::uint64_t seed = 1;      // shuffling; the same seed gives the same model
  // > 0: the final weights are the mean of the last N epochs' (+0.4 macro-F1 points on
  // GoEmotions with 3: the mean sits nearer the optimum than any one SGD end point).
  int average_last_epochs = 0;
};

class LinearClassifier {
 public:
  LinearClassifier(int bucket_count, int label_count);  // one one-vs-rest head
  LinearClassifier(int bucket_count, std::vector<OutputHead> heads);

  void Train(const std::vector<Example>& examples, const TrainOptions& options);

  // Probability of each output for the features (softmax heads sum to 1).
  std::vector<float> Scores(const std::vector<std::uint32_t>& features) const;

  // Scores of `features` plus one last feature that `choose` picks from the scores without it
  // (exact for the heads that ignore the last feature, and only those): one pass over the rows.
  // Equals Scores(features + {choose(...)}).
  template <typename Choose>
  std::vector<float> ScoresChoosingLast(const std::vector<std::uint32_t>& features, Choose choose) const {
    RowSums sums = SumRows(features);
    const std::size_t count = features.size() + 1;
    const std::uint32_t last = choose(Finish(sums, count));
    AddRow(last, &sums);
    return Finish(sums, count);
  }

  // Per output, the threshold in [0.01, 0.99] that maximises its F1 on the `dev` examples
  // whose head knows it.
  void TuneThresholds(const std::vector<Example>& dev);
  const std::vector<float>& thresholds() const { return thresholds_; }

  // Outputs whose probability reaches their threshold.
  std::vector<int> Predict(const std::vector<std::uint32_t>& features) const;

  int label_count() const { return label_count_; }
  int bucket_count() const { return bucket_count_; }
  const std::vector<OutputHead>& heads() const { return heads_; }
  int head_offset(int head) const { return head_offsets_[static_cast<std::size_t>(head)]; }

  // Model file (docs/model-format.md): magic "CXMLIN01", format version, then in one zstd
  // frame: sizes, heads, the caller's metadata text, weights quantised to int8 with one scale
  // per output, biases, thresholds; last an FNV-1a checksum of every byte before it. Io on a
  // write failure.
  Status Save(const std::string& path, const std::string& metadata) const;

  struct Loaded;
  // NotFound for a missing file; kVersion for a newer format; InvalidArgument naming the file
  // for a truncated or corrupt one (bad magic, sizes, checksum). Reads v2 (uncompressed) too.
  static Result<Loaded> Load(const std::string& path);

 private:
  void ComputeOffsets();
  // Per output, the sum of the features' rows: integers for a loaded (int8) model, floats for
  // one being trained.
  struct RowSums {
    std::vector<std::int32_t> quantised;
    std::vector<float> exact;
  };
  RowSums SumRows(const std::vector<std::uint32_t>& features) const;
  void AddRow(std::uint32_t feature, RowSums* sums) const;
  // Bias + sums / sqrt(feature_count), through each head's softmax or sigmoid.
  std::vector<float> Finish(const RowSums& sums, std::size_t feature_count) const;

  int bucket_count_;
  int label_count_ = 0;
  std::vector<OutputHead> heads_;
  std::vector<int> head_offsets_;  // first output of each head
  std::vector<int> head_of_label_;
  std::vector<bool> ignores_last_;  // per output: its head ignores the last feature
  std::vector<float> weights_;     // [bucket][label]; empty in a loaded model
  // A loaded model scores from the file's int8 weights (scale per label): a quarter of the
  // memory traffic of floats, and that traffic is most of the time a text takes.
  std::vector<std::int8_t> quantised_;  // [bucket][label]
  std::vector<float> scales_;           // [label]
  std::vector<float> bias_;        // [label]
  std::vector<float> thresholds_;  // [label]

  // A loaded model's weights come from the file as int8: allocating the float ones only to
  // drop them would put 113 MB (the emotion model) on the peak at every start.
  enum class WeightsFrom { kTraining, kFile };
  LinearClassifier(int bucket_count, std::vector<OutputHead> heads, WeightsFrom weights_from);

  // The file's fields after the version (v2 as stored, v3 decompressed).
  static Result<Loaded> ParseBody(std::string_view body, const std::string& path);
};

struct LinearClassifier::Loaded {
  LinearClassifier classifier;
  std::string metadata;
};

// Per label, the threshold in [0.01, 0.99] maximising F1 of `scores[i][label] >= threshold`
// against `gold`, over the examples where `is_known(i, label)`.
float BestThreshold(const std::vector<std::vector<float>>& scores, const std::vector<std::vector<int>>& gold,
                    int label, const std::vector<bool>& is_known);

// Macro- and micro-averaged F1 of predictions against gold label sets, over `label_count`
// labels (a label never gold nor predicted scores F1 = 0 and still counts in the macro mean,
// as in the GoEmotions evaluation).
struct F1Scores {
  double macro_f1 = 0;
  double micro_f1 = 0;
  std::vector<double> per_label;
};
F1Scores ComputeF1(const std::vector<std::vector<int>>& gold,
                   const std::vector<std::vector<int>>& predicted, int label_count);

}  // namespace cxm::text
