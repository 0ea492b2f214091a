// bench/emotion_eval: trains the hashed linear multi-label classifier on GoEmotions train,
// tunes per-label thresholds on dev, and reports 28-label macro/micro-F1 on test, with train
// time and prediction speed. The fastText peer (shared/notes/emotion-peer.md) scored 0.406.
//
//   build/release/bench/emotion_eval [--epochs 10] [--lr 0.5] [--bits 18] [--data DIR]
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/strings.h"
#include "text/features.h"
#include "text/linear_classifier.h"
#include "text/tokenizer.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Dataset {
  std::vector<std::string> texts;
  std::vector<cxm::text::Example> examples;
};

Dataset ReadGoEmotions(const std::string& path, const cxm::text::FeatureOptions& options) {
  Dataset dataset;
  std::ifstream file(path);
  if (!file) {
    std::cerr << path << ": cannot open\n";
    std::exit(2);
  }
  std::string line;
  while (std::getline(file, line)) {
    const std::vector<std::string> fields = cxm::Split(line, '\t');
    if (fields.size() < 2) continue;
    cxm::text::Example example;
    for (const std::string& label : cxm::Split(fields[1], ',')) example.labels.push_back(std::stoi(label));
    example.features = cxm::text::HashFeatures(cxm::text::Tokenize(fields[0]), options);
    dataset.texts.push_back(fields[0]);
    dataset.examples.push_back(std::move(example));
  }
  return dataset;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = CXM_SHARED_DATA_DIR;
  std::string speed_file;  // --speed FILE: also time tokenise+predict over its lines
  cxm::text::TrainOptions train_options;
  cxm::text::FeatureOptions feature_options;
  for (int arg_idx = 1; arg_idx + 1 < argc; arg_idx += 2) {
    const std::string flag = argv[arg_idx];
    const std::string value = argv[arg_idx + 1];
    if (flag == "--epochs") train_options.epochs = std::stoi(value);
    if (flag == "--lr") train_options.learning_rate = std::stod(value);
    if (flag == "--bits") feature_options.bucket_bits = std::stoi(value);
    if (flag == "--data") data = value;
    if (flag == "--speed") speed_file = value;
  }
  constexpr int kLabels = 28;
  const Dataset train = ReadGoEmotions(data + "/goemotions/train.tsv", feature_options);
  const Dataset dev = ReadGoEmotions(data + "/goemotions/dev.tsv", feature_options);
  const Dataset test = ReadGoEmotions(data + "/goemotions/test.tsv", feature_options);

  cxm::text::LinearClassifier model(1 << feature_options.bucket_bits, kLabels);
  Clock::time_point start = Clock::now();
  model.Train(train.examples, train_options);
  const double train_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  model.TuneThresholds(dev.examples);

  std::vector<std::vector<int>> gold, predicted;
  start = Clock::now();
  for (const std::string& text : test.texts) {
    predicted.push_back(model.Predict(
        cxm::text::HashFeatures(cxm::text::Tokenize(text), feature_options)));
  }
  const double predict_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (const cxm::text::Example& example : test.examples) gold.push_back(example.labels);
  const cxm::text::F1Scores scores = cxm::text::ComputeF1(gold, predicted, kLabels);
  std::cout << fmt::format(
      "GoEmotions test ({} texts), 28 labels: macro-F1 {:.3f}, micro-F1 {:.3f}; "
      "trained on {} texts in {:.1f} s ({} epochs, lr {}, 2^{} buckets); "
      "{:.0f} texts/s tokenise+predict on one core\n",
      test.texts.size(), scores.macro_f1, scores.micro_f1, train.texts.size(), train_seconds,
      train_options.epochs, train_options.learning_rate, feature_options.bucket_bits,
      test.texts.size() / predict_seconds);

  if (!speed_file.empty()) {
    std::ifstream file(speed_file);
    std::vector<std::string> texts;
    for (std::string line; std::getline(file, line);) texts.push_back(line);
    start = Clock::now();
    std::size_t label_total = 0;
    for (const std::string& text : texts) {
      label_total += model.Predict(
          cxm::text::HashFeatures(cxm::text::Tokenize(text), feature_options)).size();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::cout << fmt::format("speed: {:.0f} texts/s tokenise+predict over {} texts ({} labels)\n",
                             texts.size() / seconds, texts.size(), label_total);
  }
  return 0;
}
