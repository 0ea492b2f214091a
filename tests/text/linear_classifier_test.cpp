#include "text/linear_classifier.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include <gtest/gtest.h>
#include <zstd.h>

#include "common/strings.h"

#include "test_support.h"
#include "text/features.h"

namespace cxm::text {
namespace {

TEST(FeaturesTest, StableHashIsFnv1a) {
  EXPECT_EQ(StableHash("abc"), 0xe71fa2190541574bULL);  // published FNV-1a 64 test vector
  EXPECT_EQ(StableHash(""), 0xcbf29ce484222325ULL);
}

TEST(FeaturesTest, OneWordGivesItselfAndItsCharacterNgrams) {
  // "<abc>": 3 trigrams, 2 four-grams, 1 five-gram, plus the word: 7.
  const std::vector<Token> tokens = {{"abc", Token::Kind::kWord}};
  EXPECT_EQ(HashFeatures(tokens, {}).size(), 7u);
  // Two words: 7 + 7 + one bigram.
  const std::vector<Token> two = {{"abc", Token::Kind::kWord}, {"xyz", Token::Kind::kWord}};
  EXPECT_EQ(HashFeatures(two, {}).size(), 15u);
  // Multi-byte letters are counted as characters: "<nöjd>" has 6 code points -> 4+3+2 + 1.
  EXPECT_EQ(HashFeatures({{"nöjd", Token::Kind::kWord}}, {}).size(), 10u);
}

TEST(FeaturesTest, NegatedPraiseKeepsItsCharacterNgramsApart) {
  const std::vector<Token> praised = Tokenize("sunt mulțumit");
  const std::vector<Token> negated = Tokenize("nu sunt mulțumit");
  const std::vector<LexiconHit> praise = {{1, 0.6f}};
  const std::vector<LexiconHit> negated_praise = {{2, -0.6f * 0.74f, true}};
  FeatureOptions options;
  const auto shared = [](std::vector<std::uint32_t> a, std::vector<std::uint32_t> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::vector<std::uint32_t> both;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
    return both.size();
  };
  // As before: "neg_mulțumit" shares "mulț", "ulțu", ... with the praise.
  const std::size_t plain = shared(HashFeatures(praised, options, &praise), HashFeatures(negated, options, &negated_praise));
  options.negated_praise_ngrams_apart = true;
  const std::vector<std::uint32_t> praise_features = HashFeatures(praised, options, &praise);
  const std::vector<std::uint32_t> negated_features = HashFeatures(negated, options, &negated_praise);
  const std::size_t apart = shared(praise_features, negated_features);
  // "<neg_mulțumit>" shared with "<mulțumit>" the n-grams inside "mulțumit>" (9 code points:
  // 7 + 6 + 5); apart, none of them. ("neg_sunt" still shares "sunt>"'s with "sunt".)
  EXPECT_EQ(plain - apart, 18u);
  // Apart, the word gives the n-grams of "<mulțumit>" (8 + 7 + 6), not of "<neg_mulțumit>"
  // (12 + 11 + 10): the negation is in their space, not in a prefix.
  EXPECT_EQ(HashFeatures(negated, {}, &negated_praise).size() - negated_features.size(), 12u);
}

TEST(FeaturesTest, BucketsStayInRange) {
  FeatureOptions options;
  options.bucket_bits = 4;
  for (std::uint32_t bucket : HashFeatures(Tokenize("Paketet kom för sent, inte nöjd 😡"), options)) {
    EXPECT_LT(bucket, 16u);
  }
}

TEST(LinearClassifierTest, LearnsASeparableToyProblem) {
  // Feature 1 means label 0, feature 2 means label 1, both means both.
  std::vector<Example> examples;
  for (int repeat = 0; repeat < 50; ++repeat) {
    examples.push_back({{1}, {0}});
    examples.push_back({{2}, {1}});
    examples.push_back({{1, 2}, {0, 1}});
  }
  LinearClassifier model(8, 2);
  model.Train(examples, {.epochs = 20, .learning_rate = 0.5});
  model.TuneThresholds(examples);
  EXPECT_EQ(model.Predict({1}), (std::vector<int>{0}));
  EXPECT_EQ(model.Predict({2}), (std::vector<int>{1}));
  EXPECT_EQ(model.Predict({1, 2}), (std::vector<int>{0, 1}));
  EXPECT_GT(model.Scores({1})[0], 0.8f);
  EXPECT_LT(model.Scores({1})[1], 0.5f);
}

TEST(LinearClassifierTest, SameSeedSameModel) {
  std::vector<Example> examples = {{{1, 3}, {0}}, {{2, 3}, {1}}, {{1}, {0}}, {{2}, {1}}};
  LinearClassifier first(4, 2), second(4, 2);
  first.Train(examples, {.epochs = 5, .seed = 7});
  second.Train(examples, {.epochs = 5, .seed = 7});
  EXPECT_EQ(first.Scores({3}), second.Scores({3}));
}

TEST(LinearClassifierTest, SavedModelLoadsWithTheSameScoresAndMetadata) {
  std::vector<Example> examples = {{{1, 3}, {0}}, {{2, 3}, {1}}, {{1}, {0}}, {{2}, {1}}};
  LinearClassifier model(4, 2);
  model.Train(examples, {.epochs = 5});
  model.TuneThresholds(examples);
  cxm::testing::TempDir dir;
  const std::string path = dir.File("model.cxm");
  ASSERT_TRUE(model.Save(path, "{\"labels\": [\"joy\", \"anger\"]}").ok());
  Result<LinearClassifier::Loaded> loaded = LinearClassifier::Load(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_EQ(loaded->metadata, "{\"labels\": [\"joy\", \"anger\"]}");
  // Weights are stored as int8 with a scale per output: scores within a fraction of a percent.
  const std::vector<float> original = model.Scores({1, 3}), reloaded = loaded->classifier.Scores({1, 3});
  ASSERT_EQ(reloaded.size(), original.size());
  for (std::size_t label = 0; label < original.size(); ++label) EXPECT_NEAR(reloaded[label], original[label], 5e-3);
  EXPECT_EQ(loaded->classifier.thresholds(), model.thresholds());
}

TEST(LinearClassifierTest, CorruptTruncatedOrNewerModelFilesAreRefusedClearly) {
  LinearClassifier model(4, 2);
  cxm::testing::TempDir dir;
  const std::string path = dir.File("model.cxm");
  ASSERT_TRUE(model.Save(path, "meta").ok());
  std::string bytes;
  {
    Result<std::string> read = ReadWholeFile(path);
    ASSERT_TRUE(read.has_value());
    bytes = *read;
  }
  const auto load_bytes = [&](const std::string& contents) {
    cxm::testing::WriteFile(path, contents);
    return LinearClassifier::Load(path);
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x01;  // one bit in the weights
  Result<LinearClassifier::Loaded> corrupt = load_bytes(flipped);
  ASSERT_FALSE(corrupt.has_value());
  EXPECT_EQ(corrupt.error().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(corrupt.error().message().find("checksum mismatch"), std::string::npos);

  Result<LinearClassifier::Loaded> truncated = load_bytes(bytes.substr(0, 20));
  ASSERT_FALSE(truncated.has_value());
  EXPECT_NE(truncated.error().message().find(path), std::string::npos);

  Result<LinearClassifier::Loaded> not_a_model = load_bytes("hello, world, not a model");
  ASSERT_FALSE(not_a_model.has_value());
  EXPECT_NE(not_a_model.error().message().find("bad magic"), std::string::npos);

  std::string newer = bytes;
  newer[8] = 9;  // format version 9
  Result<LinearClassifier::Loaded> future = load_bytes(newer);
  ASSERT_FALSE(future.has_value());
  EXPECT_EQ(future.error().code(), Status::Code::kVersion);

  EXPECT_EQ(LinearClassifier::Load(dir.File("absent.cxm")).error().code(), Status::Code::kNotFound);
}

// Format v3 keeps v2's fields in one zstd frame; a v2 file (the fields as they are) still
// loads to the same model, and a v3 file whose stored size or frame lies is refused.
TEST(LinearClassifierTest, CompressedFormatReadsLikeTheUncompressedOne) {
  std::vector<Example> examples;
  for (int repeat = 0; repeat < 40; ++repeat) {
    examples.push_back({{1, 3}, {0}, 0b1, {}});
    examples.push_back({{2, 3}, {1}, 0b1, {}});
  }
  LinearClassifier model(1 << 12, 2);  // mostly untouched buckets: zeros, as in a real model
  model.Train(examples, {.epochs = 5});
  cxm::testing::TempDir dir;
  const std::string path = dir.File("model.cxm");
  ASSERT_TRUE(model.Save(path, "meta").ok());
  const std::string v3 = *ReadWholeFile(path);
  const std::size_t weight_bytes = (1 << 12) * 2;  // int8, 4096 buckets x 2 outputs
  EXPECT_LT(v3.size(), weight_bytes / 4) << "the untouched buckets' zeros should compress";

  // v2: magic, version 2, the decompressed fields, checksum.
  std::uint64_t body_size = 0;
  std::memcpy(&body_size, v3.data() + 12, sizeof(body_size));
  std::string body(body_size, '\0');
  ASSERT_EQ(ZSTD_decompress(body.data(), body.size(), v3.data() + 20, v3.size() - 28), body_size);
  std::string v2 = v3.substr(0, 8);
  const std::uint32_t version2 = 2;
  v2.append(reinterpret_cast<const char*>(&version2), sizeof(version2));
  v2 += body;
  const std::uint64_t checksum = StableHash(v2);
  v2.append(reinterpret_cast<const char*>(&checksum), sizeof(checksum));
  cxm::testing::WriteFile(path, v2);
  Result<LinearClassifier::Loaded> from_v2 = LinearClassifier::Load(path);
  ASSERT_TRUE(from_v2.has_value()) << from_v2.error();
  cxm::testing::WriteFile(path, v3);
  Result<LinearClassifier::Loaded> from_v3 = LinearClassifier::Load(path);
  ASSERT_TRUE(from_v3.has_value()) << from_v3.error();
  EXPECT_EQ(from_v3->metadata, "meta");
  EXPECT_EQ(from_v2->classifier.Scores({1, 3}), from_v3->classifier.Scores({1, 3}));
  EXPECT_EQ(from_v2->classifier.Scores({2}), from_v3->classifier.Scores({2}));
  EXPECT_GT(from_v3->classifier.Scores({1, 3})[0], 0.5f);

  // A lying size field, with a checksum that matches it: refused, not allocated or overrun.
  for (const std::uint64_t lie : {body_size + 1, body_size - 1, std::uint64_t{1} << 40}) {
    std::string forged = v3.substr(0, v3.size() - 8);
    std::memcpy(forged.data() + 12, &lie, sizeof(lie));
    const std::uint64_t forged_checksum = StableHash(forged);
    forged.append(reinterpret_cast<const char*>(&forged_checksum), sizeof(forged_checksum));
    cxm::testing::WriteFile(path, forged);
    Result<LinearClassifier::Loaded> refused = LinearClassifier::Load(path);
    ASSERT_FALSE(refused.has_value()) << lie;
    EXPECT_EQ(refused.error().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(refused.error().message().find(path), std::string::npos);
  }
}

TEST(LinearClassifierTest, HeadsLearnOnlyFromExamplesThatKnowThem) {
  // Head 0 (one-vs-rest, 2 labels) and head 1 (softmax, 3 labels, outputs 2..4).
  // Feature 1 teaches head 0 label 0 and head 1 label 2; feature 2 is seen only by examples
  // without gold for head 1, so head 1 must stay at its prior for it.
  std::vector<Example> examples;
  for (int repeat = 0; repeat < 60; ++repeat) {
    examples.push_back({{1}, {0, 2}, 0b11, {}});
    examples.push_back({{3}, {1, 3}, 0b11, {}});
    examples.push_back({{2}, {1}, 0b01, {}});        // head 1 unknown
    examples.push_back({{4}, {4}, 0b11, {0, 1}});    // head 0's labels unknown
  }
  LinearClassifier model(8, {{"multi", 2, false}, {"single", 3, true}});
  EXPECT_EQ(model.label_count(), 5);
  EXPECT_EQ(model.head_offset(1), 2);
  model.Train(examples, {.epochs = 20, .learning_rate = 0.5});
  const std::vector<float> first = model.Scores({1});
  EXPECT_GT(first[0], 0.8f);
  EXPECT_NEAR(first[2] + first[3] + first[4], 1.0f, 1e-5);
  EXPECT_GT(first[2], 0.8f);
  EXPECT_GT(model.Scores({2})[1], 0.8f);
  // Bucket 2 was never trained for head 1, bucket 4 never for head 0: the scores for them are
  // the bias alone, as for an unseen bucket (5).
  EXPECT_EQ(model.Scores({2})[3], model.Scores({5})[3]);
  EXPECT_EQ(model.Scores({4})[0], model.Scores({5})[0]);
}

// A head that ignores the last feature (the language head) is taught nothing by it, however
// well it predicts, so its scores before that feature is chosen are its scores after; and
// ScoresChoosingLast scores as Scores over all features, for a trained and a loaded model.
TEST(LinearClassifierTest, HeadBlindToTheLastFeatureLearnsFromTheOthersOnly) {
  // Head 0 (softmax, 2 labels: the "language") ignores the last feature; head 1 (one-vs-rest,
  // 1 label) reads it. Feature 6 is always last and equals head 0's answer.
  std::vector<Example> examples;
  for (int repeat = 0; repeat < 50; ++repeat) {
    examples.push_back({{1, 6}, {0, 2}});
    examples.push_back({{2, 7}, {1}});
  }
  LinearClassifier model(8, {{"language", 2, true, /*ignores_last_feature=*/true}, {"emotion", 1, false}});
  model.Train(examples, {.epochs = 10, .learning_rate = 0.5});
  EXPECT_GT(model.Scores({1})[0], 0.9f);  // learnt from feature 1
  EXPECT_EQ(model.Scores({6})[0], model.Scores({5})[0]);  // nothing from feature 6: the bias alone
  EXPECT_GT(model.Scores({1, 6})[2], 0.8f);  // the other head reads the last feature

  cxm::testing::TempDir dir;
  ASSERT_TRUE(model.Save(dir.File("model.cxm"), "").ok());
  Result<LinearClassifier::Loaded> loaded = LinearClassifier::Load(dir.File("model.cxm"));
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_TRUE(loaded->classifier.heads()[0].ignores_last_feature);
  EXPECT_FALSE(loaded->classifier.heads()[1].ignores_last_feature);
  for (const LinearClassifier* classifier : {&model, &loaded->classifier}) {
    std::vector<float> before;
    const std::vector<float> chosen = classifier->ScoresChoosingLast({1}, [&](const std::vector<float>& scores) {
      before = scores;
      return scores[0] > scores[1] ? 6u : 7u;
    });
    EXPECT_EQ(chosen, classifier->Scores({1, 6}));
    EXPECT_FLOAT_EQ(before[0], chosen[0]);
    EXPECT_FLOAT_EQ(before[1], chosen[1]);
  }
}

TEST(F1Test, MacroAndMicroF1WorkedByHand) {
  // label 0: tp 1 (ex 0), fp 1 (ex 1), fn 1 (ex 2) -> 2/(2+1+1) = 0.5
  // label 1: tp 1 (ex 2), fp 0, fn 1 (ex 1)        -> 2/(2+0+1) = 2/3
  // label 2: never gold, never predicted           -> 0, still in the macro mean
  // macro = (0.5 + 2/3 + 0) / 3; micro: tp 2, fp 1, fn 2 -> 4/7
  const F1Scores scores = ComputeF1({{0}, {1}, {0, 1}}, {{0}, {0}, {1}}, 3);
  EXPECT_NEAR(scores.per_label[0], 0.5, 1e-12);
  EXPECT_NEAR(scores.per_label[1], 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(scores.macro_f1, (0.5 + 2.0 / 3.0) / 3.0, 1e-12);
  EXPECT_NEAR(scores.micro_f1, 4.0 / 7.0, 1e-12);
}

}  // namespace
}  // namespace cxm::text
