#include "text/linear_classifier.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <cmath>
#include <numeric>
#include <random>

#include <zstd.h>

#include "common/check.h"
#include "common/strings.h"
#include "text/features.h"

namespace cxm::text {
namespace {

float Sigmoid(float score) { return 1.0f / (1.0f + std::exp(-score)); }

}  // namespace

LinearClassifier::LinearClassifier(int bucket_count, int label_count)
    : LinearClassifier(bucket_count, {OutputHead{"labels", label_count, false}}) {}

LinearClassifier::LinearClassifier(int bucket_count, std::vector<OutputHead> heads)
    : LinearClassifier(bucket_count, std::move(heads), WeightsFrom::kTraining) {}

LinearClassifier::LinearClassifier(int bucket_count, std::vector<OutputHead> heads, WeightsFrom weights_from)
    : bucket_count_(bucket_count), heads_(std::move(heads)) {
  ComputeOffsets();
  if (weights_from == WeightsFrom::kTraining) {
    weights_.assign(static_cast<std::size_t>(bucket_count) * static_cast<std::size_t>(label_count_), 0.0f);
  }
  bias_.assign(static_cast<std::size_t>(label_count_), 0.0f);
  thresholds_.assign(static_cast<std::size_t>(label_count_), 0.5f);
}

void LinearClassifier::ComputeOffsets() {
  CXM_CHECK(!heads_.empty() && heads_.size() <= 64) << heads_.size();
  head_offsets_.clear();
  head_of_label_.clear();
  ignores_last_.clear();
  label_count_ = 0;
  for (std::size_t head = 0; head < heads_.size(); ++head) {
    head_offsets_.push_back(label_count_);
    label_count_ += heads_[head].label_count;
    head_of_label_.insert(head_of_label_.end(), static_cast<std::size_t>(heads_[head].label_count),
                          static_cast<int>(head));
    ignores_last_.insert(ignores_last_.end(), static_cast<std::size_t>(heads_[head].label_count),
                         heads_[head].ignores_last_feature);
  }
}

std::vector<float> LinearClassifier::Scores(const std::vector<std::uint32_t>& features) const {
  return Finish(SumRows(features), features.size());
}

LinearClassifier::RowSums LinearClassifier::SumRows(const std::vector<std::uint32_t>& features) const {
  RowSums sums;
  const std::size_t width = static_cast<std::size_t>(label_count_);
  for (std::uint32_t feature : features) CXM_CHECK(static_cast<int>(feature) < bucket_count_) << feature;
  // Rows are fetched a few features ahead: each is a random place in a large matrix.
  constexpr std::size_t kPrefetchDistance = 8;
  if (!quantised_.empty()) {
    // Rows are summed in 16 bits, twice as many lanes per instruction as 32: weights are in
    // [-127, 127], so 256 rows cannot overflow; each block of 256 is then added to 32 bits.
    constexpr std::size_t kRowsPerBlock = 256;
    thread_local std::vector<std::int16_t> block;
    sums.quantised.assign(width, 0);
    for (std::size_t block_start = 0; block_start < features.size(); block_start += kRowsPerBlock) {
      const std::size_t block_end = std::min(features.size(), block_start + kRowsPerBlock);
      block.assign(width, 0);
      for (std::size_t idx = block_start; idx < block_end; ++idx) {
        if (idx + kPrefetchDistance < features.size()) {
          const std::int8_t* ahead = &quantised_[features[idx + kPrefetchDistance] * width];
          __builtin_prefetch(ahead);
          __builtin_prefetch(ahead + 64);
        }
        const std::int8_t* row = &quantised_[features[idx] * width];
        for (std::size_t label = 0; label < width; ++label) block[label] = static_cast<std::int16_t>(block[label] + row[label]);
      }
      for (std::size_t label = 0; label < width; ++label) sums.quantised[label] += block[label];
    }
  } else {
    sums.exact.assign(width, 0.0f);
    for (std::uint32_t feature : features) {
      const float* row = &weights_[feature * width];
      for (std::size_t label = 0; label < width; ++label) sums.exact[label] += row[label];
    }
  }
  return sums;
}

void LinearClassifier::AddRow(std::uint32_t feature, RowSums* sums) const {
  CXM_CHECK(static_cast<int>(feature) < bucket_count_) << feature;
  const std::size_t width = static_cast<std::size_t>(label_count_);
  if (!quantised_.empty()) {
    const std::int8_t* row = &quantised_[feature * width];
    for (std::size_t label = 0; label < width; ++label) sums->quantised[label] += row[label];
  } else {
    const float* row = &weights_[feature * width];
    for (std::size_t label = 0; label < width; ++label) sums->exact[label] += row[label];
  }
}

std::vector<float> LinearClassifier::Finish(const RowSums& sums, std::size_t feature_count) const {
  std::vector<float> scores(bias_);
  if (feature_count > 0) {
    // Features are scaled by 1/sqrt(n): long and short texts land on a comparable scale
    // without drowning each feature as a plain average does (0.406 vs 0.367 macro-F1 on
    // GoEmotions with the same features).
    const float scale = 1.0f / std::sqrt(static_cast<float>(feature_count));
    const std::size_t width = static_cast<std::size_t>(label_count_);
    if (!sums.quantised.empty()) {
      for (std::size_t label = 0; label < width; ++label) {
        scores[label] += scale * scales_[label] * static_cast<float>(sums.quantised[label]);
      }
    } else if (!sums.exact.empty()) {
      for (std::size_t label = 0; label < width; ++label) scores[label] += scale * sums.exact[label];
    }
  }
  for (std::size_t head = 0; head < heads_.size(); ++head) {
    float* first = scores.data() + head_offsets_[head];
    float* last = first + heads_[head].label_count;
    if (heads_[head].is_softmax) {
      const float top = *std::max_element(first, last);
      float total = 0;
      for (float* score = first; score != last; ++score) total += (*score = std::exp(*score - top));
      for (float* score = first; score != last; ++score) *score /= total;
    } else {
      for (float* score = first; score != last; ++score) *score = Sigmoid(*score);
    }
  }
  return scores;
}

void LinearClassifier::Train(const std::vector<Example>& examples, const TrainOptions& options) {
  CXM_CHECK(!weights_.empty()) << "a loaded (quantised) model is not trained further";
  std::vector<float> squared_gradients(weights_.size(), 1e-6f);
  std::vector<float> bias_squared(bias_.size(), 1e-6f);
  std::vector<std::size_t> order(examples.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 random(options.seed);
  std::vector<float> target(static_cast<std::size_t>(label_count_));
  std::vector<int> gold_in_head(heads_.size());
  std::vector<int> active;  // outputs this example trains
  std::vector<float> gradient;
  const float learning_rate = static_cast<float>(options.learning_rate);
  const float l2 = static_cast<float>(options.l2);
  std::vector<float> weight_sum, bias_sum;
  int averaged = 0;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), random);
    for (std::size_t example_idx : order) {
      const Example& example = examples[example_idx];
      if (example.features.empty()) continue;
      std::fill(target.begin(), target.end(), 0.0f);
      std::fill(gold_in_head.begin(), gold_in_head.end(), 0);
      for (int label : example.labels) {
        target[static_cast<std::size_t>(label)] = 1.0f;
        gold_in_head[static_cast<std::size_t>(head_of_label_[static_cast<std::size_t>(label)])] += 1;
      }
      active.clear();
      for (std::size_t head = 0; head < heads_.size(); ++head) {
        if ((example.known_heads >> head & 1) == 0) continue;
        // A softmax head learns a distribution: several gold labels share its mass, and an
        // example with none of them has nothing to teach it.
        if (heads_[head].is_softmax && gold_in_head[head] == 0) continue;
        // Nor does one that leaves some of its labels unknown: their mass would be taught 0.
        const int first = head_offsets_[head], last = first + heads_[head].label_count;
        if (heads_[head].is_softmax &&
            std::any_of(example.unknown_labels.begin(), example.unknown_labels.end(),
                        [&](int label) { return label >= first && label < last; })) {
          continue;
        }
        for (int label = head_offsets_[head]; label < head_offsets_[head] + heads_[head].label_count; ++label) {
          if (heads_[head].is_softmax) target[static_cast<std::size_t>(label)] /= static_cast<float>(gold_in_head[head]);
          if (std::find(example.unknown_labels.begin(), example.unknown_labels.end(), label) ==
              example.unknown_labels.end()) {
            active.push_back(label);
          }
        }
      }
      if (active.empty()) continue;
      const std::vector<float> probabilities = Scores(example.features);
      gradient.resize(active.size());
      for (std::size_t slot = 0; slot < active.size(); ++slot) {
        const int label = active[slot];
        gradient[slot] = example.weight * (probabilities[label] - target[label]);  // d(weighted log loss)/d(score)
        bias_squared[label] += gradient[slot] * gradient[slot];
        bias_[label] -= learning_rate * gradient[slot] / std::sqrt(bias_squared[label]);
      }
      const float scale = 1.0f / std::sqrt(static_cast<float>(example.features.size()));
      for (std::size_t feature_idx = 0; feature_idx < example.features.size(); ++feature_idx) {
        const std::uint32_t feature = example.features[feature_idx];
        const bool is_last = feature_idx + 1 == example.features.size();
        const std::size_t row = static_cast<std::size_t>(feature) * label_count_;
        for (std::size_t slot = 0; slot < active.size(); ++slot) {
          if (is_last && ignores_last_[static_cast<std::size_t>(active[slot])]) continue;
          const float step = gradient[slot] * scale;
          float& accumulated = squared_gradients[row + active[slot]];
          accumulated += step * step;
          float& weight = weights_[row + active[slot]];
          weight -= learning_rate * step / std::sqrt(accumulated) + l2 * weight;
        }
      }
    }
    if (options.average_last_epochs > 0 && epoch >= options.epochs - options.average_last_epochs) {
      if (weight_sum.empty()) {
        weight_sum.assign(weights_.size(), 0.0f);
        bias_sum.assign(bias_.size(), 0.0f);
      }
      for (std::size_t idx = 0; idx < weights_.size(); ++idx) weight_sum[idx] += weights_[idx];
      for (std::size_t idx = 0; idx < bias_.size(); ++idx) bias_sum[idx] += bias_[idx];
      ++averaged;
    }
  }
  if (averaged > 0) {
    for (std::size_t idx = 0; idx < weights_.size(); ++idx) weights_[idx] = weight_sum[idx] / static_cast<float>(averaged);
    for (std::size_t idx = 0; idx < bias_.size(); ++idx) bias_[idx] = bias_sum[idx] / static_cast<float>(averaged);
  }
}

float BestThreshold(const std::vector<std::vector<float>>& scores, const std::vector<std::vector<int>>& gold,
                    int label, const std::vector<bool>& is_known) {
  double best_f1 = -1;
  float best_threshold = 0.5f;
  for (int step = 1; step < 100; ++step) {
    const float threshold = 0.01f * static_cast<float>(step);
    int true_positives = 0, false_positives = 0, false_negatives = 0;
    for (std::size_t example_idx = 0; example_idx < scores.size(); ++example_idx) {
      if (!is_known[example_idx]) continue;
      const bool is_predicted = scores[example_idx][label] >= threshold;
      const bool is_gold = std::find(gold[example_idx].begin(), gold[example_idx].end(), label) !=
                           gold[example_idx].end();
      true_positives += is_predicted && is_gold;
      false_positives += is_predicted && !is_gold;
      false_negatives += !is_predicted && is_gold;
    }
    const double f1 = true_positives == 0
                          ? 0.0
                          : 2.0 * true_positives / (2.0 * true_positives + false_positives + false_negatives);
    if (f1 > best_f1) {
      best_f1 = f1;
      best_threshold = threshold;
    }
  }
  return best_threshold;
}

void LinearClassifier::TuneThresholds(const std::vector<Example>& dev) {
  std::vector<std::vector<float>> scores;
  std::vector<std::vector<int>> gold;
  scores.reserve(dev.size());
  for (const Example& example : dev) {
    scores.push_back(Scores(example.features));
    gold.push_back(example.labels);
  }
  std::vector<bool> is_known(dev.size());
  for (int label = 0; label < label_count_; ++label) {
    const int head = head_of_label_[static_cast<std::size_t>(label)];
    for (std::size_t example_idx = 0; example_idx < dev.size(); ++example_idx) {
      const Example& example = dev[example_idx];
      is_known[example_idx] = (example.known_heads >> head & 1) != 0 &&
                              std::find(example.unknown_labels.begin(), example.unknown_labels.end(), label) ==
                                  example.unknown_labels.end();
    }
    thresholds_[static_cast<std::size_t>(label)] = BestThreshold(scores, gold, label, is_known);
  }
}

std::vector<int> LinearClassifier::Predict(const std::vector<std::uint32_t>& features) const {
  const std::vector<float> scores = Scores(features);
  std::vector<int> labels;
  for (int label = 0; label < label_count_; ++label) {
    if (scores[label] >= thresholds_[label]) labels.push_back(label);
  }
  return labels;
}

namespace {

constexpr char kMagic[8] = {'C', 'X', 'M', 'L', 'I', 'N', '0', '1'};
// v3 is v2's body (everything after the version) in one zstd frame: the int8 weights are a
// third zeros and mostly small, so the committed model is 2.2x smaller for ~0.05 s at load.
constexpr std::uint32_t kFormatVersion = 3;
constexpr std::uint32_t kOldestReadVersion = 2;
constexpr int kZstdLevel = 9;  // 0.6 s for the 30 MB body; level 19 saves 5% for 18 s
// A body larger than any model this format allows (2^26 buckets x 4096 outputs is refused
// anyway) is a corrupt size field, not a reason to allocate.
constexpr std::uint64_t kMaxBodyBytes = std::uint64_t{1} << 33;

template <typename T>
void Put(std::string* out, const T& value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof(T));
}
void PutFloats(std::string* out, const std::vector<float>& values) {
  out->append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

// Reads fixed-size fields from a byte buffer, refusing to run past its end.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  bool Get(T* value) {
    if (bytes_.size() - offset_ < sizeof(T)) return false;
    std::memcpy(value, bytes_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return true;
  }
  bool GetFloats(std::size_t count, std::vector<float>* values) {
    if ((bytes_.size() - offset_) / sizeof(float) < count) return false;
    values->resize(count);
    std::memcpy(values->data(), bytes_.data() + offset_, count * sizeof(float));
    offset_ += count * sizeof(float);
    return true;
  }
  bool GetInt8s(std::size_t count, std::vector<std::int8_t>* values) {
    if (bytes_.size() - offset_ < count) return false;
    values->resize(count);
    std::memcpy(values->data(), bytes_.data() + offset_, count);
    offset_ += count;
    return true;
  }
  bool GetText(std::size_t length, std::string* text) {
    if (bytes_.size() - offset_ < length) return false;
    text->assign(bytes_.data() + offset_, length);
    offset_ += length;
    return true;
  }
  std::size_t offset() const { return offset_; }

 private:
  std::string_view bytes_;
  std::size_t offset_ = 0;
};

Status CorruptModel(const std::string& path, const std::string& what) {
  return Status::InvalidArgument(path + ": not a usable cxm model file (" + what +
                                 "); retrain it with `cxm train` or restore it from git");
}

}  // namespace

Status LinearClassifier::Save(const std::string& path, const std::string& metadata) const {
  // Everything after the version; compressed below.
  std::string body;
  Put(&body, static_cast<std::uint32_t>(bucket_count_));
  Put(&body, static_cast<std::uint32_t>(heads_.size()));
  for (const OutputHead& head : heads_) {
    Put(&body, static_cast<std::uint32_t>(head.name.size()));
    body.append(head.name);
    Put(&body, static_cast<std::uint32_t>(head.label_count));
    // Bit 0: softmax; bit 1: ignores the last feature.
    Put(&body, static_cast<std::uint8_t>((head.is_softmax ? 1 : 0) | (head.ignores_last_feature ? 2 : 0)));
  }
  Put(&body, static_cast<std::uint64_t>(metadata.size()));
  body.append(metadata);
  // int8 weights, one scale per output: a quarter of the float size, and the scores move by
  // less than the thresholds. 0.01 steps (`cxm train --eval` scores the reloaded file).
  std::vector<float> scales = scales_;
  std::vector<std::int8_t> quantised = quantised_;
  if (!weights_.empty()) {
    scales.assign(static_cast<std::size_t>(label_count_), 0.0f);
    for (std::size_t idx = 0; idx < weights_.size(); ++idx) {
      float& scale = scales[idx % static_cast<std::size_t>(label_count_)];
      scale = std::max(scale, std::fabs(weights_[idx]) / 127.0f);
    }
    for (float& scale : scales) scale = scale == 0.0f ? 1.0f : scale;
    quantised.resize(weights_.size());
    for (std::size_t idx = 0; idx < weights_.size(); ++idx) {
      const float value = std::round(weights_[idx] / scales[idx % static_cast<std::size_t>(label_count_)]);
      quantised[idx] = static_cast<std::int8_t>(std::clamp(value, -127.0f, 127.0f));
    }
  }
  PutFloats(&body, scales);
  body.append(reinterpret_cast<const char*>(quantised.data()), quantised.size());
  PutFloats(&body, bias_);
  PutFloats(&body, thresholds_);
  std::string bytes(kMagic, sizeof(kMagic));
  Put(&bytes, kFormatVersion);
  Put(&bytes, static_cast<std::uint64_t>(body.size()));
  const std::size_t header_size = bytes.size();
  bytes.resize(header_size + ZSTD_compressBound(body.size()));
  const std::size_t compressed_size =
      ZSTD_compress(bytes.data() + header_size, bytes.size() - header_size, body.data(), body.size(), kZstdLevel);
  if (ZSTD_isError(compressed_size)) {
    return Status::Internal(path + ": cannot compress the model: " + ZSTD_getErrorName(compressed_size));
  }
  bytes.resize(header_size + compressed_size);
  Put(&bytes, StableHash(bytes));
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) return Status::Io(path + ": cannot write the model file");
  return Status::Ok();
}

Result<LinearClassifier::Loaded> LinearClassifier::Load(const std::string& path) {
  CXM_ASSIGN_OR_RETURN(std::string bytes, ReadWholeFile(path));
  const auto corrupt = [&path](const std::string& what) { return CorruptModel(path, what); };
  if (bytes.size() < sizeof(kMagic) + sizeof(std::uint64_t) ||
      std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return corrupt("bad magic");
  }
  std::uint64_t stored_checksum = 0;
  std::memcpy(&stored_checksum, bytes.data() + bytes.size() - sizeof(stored_checksum),
              sizeof(stored_checksum));
  const std::string_view file(bytes.data(), bytes.size() - sizeof(stored_checksum));
  Reader header(file.substr(sizeof(kMagic)));
  std::uint32_t version = 0;
  if (!header.Get(&version)) return corrupt("truncated header");
  if (version > kFormatVersion) {
    return Status::Version(path + ": model format v" + std::to_string(version) +
                           " is newer than this cxm reads (v" + std::to_string(kFormatVersion) +
                           "); upgrade cxm");
  }
  if (version < kOldestReadVersion) {
    return corrupt("format v" + std::to_string(version) + " is no longer read");
  }
  if (StableHash(file) != stored_checksum) return corrupt("checksum mismatch");
  if (version == 2) return ParseBody(file.substr(sizeof(kMagic) + header.offset()), path);

  std::uint64_t body_size = 0;
  if (!header.Get(&body_size)) return corrupt("truncated header");
  if (body_size > kMaxBodyBytes) return corrupt("implausible sizes");
  const std::string_view frame = file.substr(sizeof(kMagic) + header.offset());
  if (ZSTD_getFrameContentSize(frame.data(), frame.size()) != body_size) return corrupt("bad compressed body");
  std::string body(body_size, '\0');
  const std::size_t decompressed = ZSTD_decompress(body.data(), body.size(), frame.data(), frame.size());
  if (ZSTD_isError(decompressed) || decompressed != body_size) return corrupt("bad compressed body");
  return ParseBody(body, path);
}

Result<LinearClassifier::Loaded> LinearClassifier::ParseBody(std::string_view body, const std::string& path) {
  const auto corrupt = [&path](const std::string& what) { return CorruptModel(path, what); };
  Reader reader(body);
  std::uint32_t bucket_count = 0, head_count = 0;
  if (!reader.Get(&bucket_count) || !reader.Get(&head_count)) return corrupt("truncated header");
  if (bucket_count == 0 || bucket_count > (1u << 26) || head_count == 0 || head_count > 64) {
    return corrupt("implausible sizes");
  }
  std::vector<OutputHead> heads(head_count);
  std::uint32_t total_labels = 0;
  for (OutputHead& head : heads) {
    std::uint32_t name_length = 0, label_count = 0;
    std::uint8_t is_softmax = 0;  // head flags (Save)
    if (!reader.Get(&name_length) || name_length > 256 || !reader.GetText(name_length, &head.name) ||
        !reader.Get(&label_count) || !reader.Get(&is_softmax)) {
      return corrupt("truncated heads");
    }
    if (label_count == 0 || label_count > 4096) return corrupt("implausible sizes");
    head.label_count = static_cast<int>(label_count);
    if (is_softmax > 3) return corrupt("unknown head flags");
    head.is_softmax = (is_softmax & 1) != 0;
    head.ignores_last_feature = (is_softmax & 2) != 0;
    total_labels += label_count;
  }
  if (total_labels > 4096) return corrupt("implausible sizes");
  std::uint64_t metadata_length = 0;
  if (!reader.Get(&metadata_length)) return corrupt("truncated header");
  Loaded loaded{LinearClassifier(static_cast<int>(bucket_count), std::move(heads), WeightsFrom::kFile), ""};
  LinearClassifier& model = loaded.classifier;
  std::vector<float> scales;
  if (!reader.GetText(metadata_length, &loaded.metadata) ||
      !reader.GetFloats(static_cast<std::size_t>(model.label_count_), &scales) ||
      !reader.GetInt8s(static_cast<std::size_t>(bucket_count) * static_cast<std::size_t>(model.label_count_), &model.quantised_) ||
      !reader.GetFloats(model.bias_.size(), &model.bias_) ||
      !reader.GetFloats(model.thresholds_.size(), &model.thresholds_)) {
    return corrupt("truncated body");
  }
  if (reader.offset() != body.size()) return corrupt("trailing bytes");
  model.scales_ = std::move(scales);
  return loaded;
}

F1Scores ComputeF1(const std::vector<std::vector<int>>& gold,
                   const std::vector<std::vector<int>>& predicted, int label_count) {
  CXM_CHECK(gold.size() == predicted.size()) << gold.size() << " vs " << predicted.size();
  std::vector<long> true_positives(label_count, 0), false_positives(label_count, 0),
      false_negatives(label_count, 0);
  for (std::size_t example_idx = 0; example_idx < gold.size(); ++example_idx) {
    for (int label : predicted[example_idx]) {
      const bool is_gold = std::find(gold[example_idx].begin(), gold[example_idx].end(), label) !=
                           gold[example_idx].end();
      (is_gold ? true_positives : false_positives)[label] += 1;
    }
    for (int label : gold[example_idx]) {
      if (std::find(predicted[example_idx].begin(), predicted[example_idx].end(), label) ==
          predicted[example_idx].end()) {
        false_negatives[label] += 1;
      }
    }
  }
  F1Scores scores;
  long all_tp = 0, all_fp = 0, all_fn = 0;
  for (int label = 0; label < label_count; ++label) {
    const long denominator = 2 * true_positives[label] + false_positives[label] + false_negatives[label];
    const double f1 = denominator == 0 ? 0.0 : 2.0 * true_positives[label] / denominator;
    scores.per_label.push_back(f1);
    all_tp += true_positives[label];
    all_fp += false_positives[label];
    all_fn += false_negatives[label];
  }
  scores.macro_f1 = std::accumulate(scores.per_label.begin(), scores.per_label.end(), 0.0) / label_count;
  const long denominator = 2 * all_tp + all_fp + all_fn;
  scores.micro_f1 = denominator == 0 ? 0.0 : 2.0 * all_tp / static_cast<double>(denominator);
  return scores;
}

}  // namespace cxm::text
