// A multi-label linear classifier over hashed features: one logistic output per label
// (one-vs-rest, as fastText's "-loss ova"), trained by stochastic gradient descent with
// AdaGrad step sizes, with a decision threshold per label tuned on a development set.
//
// Not thread-safe while training; Scores/Predict are const and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace cxm::text {

struct Example {
  std::vector<std::uint32_t> features;  // bucket indices (text/features.h)
  std::vector<int> labels;              // indices of the gold labels
};

struct TrainOptions {
  int epochs = 10;
  double learning_rate = 0.1;  // best of 0.05-0.5 on GoEmotions dev-tuned test (bench/emotion_eval)
  double l2 = 1e-7;       // weight decay per update
  std::uint64_t seed = 1;  // shuffling; the same seed gives the same model
};

class LinearClassifier {
 public:
  LinearClassifier(int bucket_count, int label_count);

  void Train(const std::vector<Example>& examples, const TrainOptions& options);

  // Probability of each label for the features.
  std::vector<float> Scores(const std::vector<std::uint32_t>& features) const;

  // Per label, the threshold in [0.02, 0.98] that maximises that label's F1 on `dev`.
  void TuneThresholds(const std::vector<Example>& dev);
  const std::vector<float>& thresholds() const { return thresholds_; }

  // Labels whose probability reaches their threshold.
  std::vector<int> Predict(const std::vector<std::uint32_t>& features) const;

  int label_count() const { return label_count_; }
  int bucket_count() const { return bucket_count_; }

  // Model file (docs/model-format.md): magic "CXMLIN01", format version, sizes, the caller's
  // metadata text (feature settings, label names), weights, biases, thresholds, and an FNV-1a
  // checksum of everything before it. Io on a write failure.
  Status Save(const std::string& path, const std::string& metadata) const;

  struct Loaded;
  // NotFound for a missing file; kVersion for a newer format; InvalidArgument naming the file
  // for a truncated or corrupt one (bad magic, sizes, checksum).
  static Result<Loaded> Load(const std::string& path);

 private:
  int bucket_count_;
  int label_count_;
  std::vector<float> weights_;        // [bucket][label]
  std::vector<float> bias_;           // [label]
  std::vector<float> thresholds_;     // [label]
};

struct LinearClassifier::Loaded {
  LinearClassifier classifier;
  std::string metadata;
};

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
