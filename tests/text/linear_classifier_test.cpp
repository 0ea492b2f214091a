#include "text/linear_classifier.h"

#include <gtest/gtest.h>

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
