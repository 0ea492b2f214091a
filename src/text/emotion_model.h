// The emotion model cxm analyses customer text with (SPEC §4.2): for any text, probabilities
// for the 27 GoEmotions emotions + neutral, the Plutchik-8 (+ neutral), Ekman-6 (+ neutral)
// and sentiment (positive/negative/ambiguous/neutral) views, valence in [-1, 1], arousal in
// [0, 1], and a predicted label set per view from per-label thresholds tuned on dev data of
// the text's language.
//
// One LinearClassifier with five heads over shared hashed features (text/features.h, with the
// lexicon and a language feature): GoEmotions as a softmax and a one-vs-rest head whose
// probabilities are averaged (each alone 0.41-0.42 macro-F1, together 0.42+), Ekman and
// Plutchik one-vs-rest, sentiment softmax. Valence and arousal are linear read-outs of the view
// probabilities and the lexicon valence, fitted on EmoBank. docs/emotion-model.md has the data,
// mappings and measured quality.
//
// Load once; Analyze and AnalyzeBatch are const and thread-safe.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "text/features.h"
#include "text/lexicon.h"
#include "text/linear_classifier.h"

namespace cxm::text {

enum class View { kGoEmotions = 0, kEkman, kPlutchik, kSentiment };
inline constexpr int kViewCount = 4;

// Label names of each view, in output order: the datasets' English names in lower case.
const std::vector<std::string>& ViewLabels(View view);
std::string_view ViewName(View view);  // "goemotions", "ekman", "plutchik", "sentiment"
int NeutralLabel(View view);           // index of "neutral" in the view

struct EmotionResult {
  std::string language;  // text/language_id.h code, "und" when unknown
  float valence = 0;     // -1 (very negative) .. 1 (very positive)
  float arousal = 0;     // 0 (calm) .. 1 (excited)
  std::array<std::vector<float>, kViewCount> probabilities;  // per view, per label
  std::array<std::vector<int>, kViewCount> predicted;        // per view; sentiment: one label
  std::size_t truncated_from_bytes = 0;  // the text's size when it was cut to kMaxTextBytes; else 0
};

// A text is read up to this many bytes (cut at a character boundary); the rest is not scored.
// 64 KiB is some 10,000 words, over 100 times the longest review or chat turn in the corpora,
// and bounds the time and memory one text can take (a 50 MB line took 8 s and 1.25 GB).
inline constexpr std::size_t kMaxTextBytes = std::size_t{64} << 10;

// Valence/arousal read-outs: value = clamp(weights · inputs); inputs in ValenceArousalInputs.
struct ReadOut {
  std::vector<double> weights;
};

class EmotionModel {
 public:
  // Heads of the classifier, in order: goemotions_softmax, goemotions_ovr, ekman, plutchik,
  // sentiment, then the language heads.
  static std::vector<OutputHead> Heads();

  // A head that learns a view from that language's corpora annotated in the view's own scheme
  // only, beside the shared head that learns it from every language: where that language's
  // annotators read emotions differently (BRIGHTER sv, XED fi, REDv2: a model trained on the
  // corpus alone scored 0.455, 0.407 and 0.564 macro-F1 where the shared head scored 0.413,
  // 0.388 and 0.555), the view of a text in that language is the mean of the two heads.
  struct LanguageHead {
    View view;
    std::string_view language;
    int head;  // index in Heads()
  };
  static const std::vector<LanguageHead>& LanguageHeads();

  // The language-identification head: the last head, a softmax taught every training text's
  // corpus language, its outputs in HeadLanguages' order (text/language_id.h's). It reads the
  // text's own features, so identifying the language costs almost nothing beside the
  // emotions; CLD2 decides only where the head is unsure (ScoreText).
  static int LanguageIdentificationHead();
  static const std::vector<std::string>& HeadLanguages();

  EmotionModel(LinearClassifier classifier, FeatureOptions features, SentimentLexicon lexicon);

  // The model file: LinearClassifier's format with this model's settings, thresholds, read-outs
  // and lexicon in its metadata. Errors name the file. An empty path loads DefaultPath().
  static Result<EmotionModel> Load(const std::string& path);
  Status Save(const std::string& path, const std::string& provenance) const;

  // $CXM_MODEL if set, else the committed model (models/emotion.cxm) next to the sources or
  // installed beside the binary.
  static std::string DefaultPath();

  // Never fails: empty, whitespace-only or undecodable text gives language "und", neutral.
  // `expected_language`: the language its writer is known to write (the customer's, a corpus's;
  // empty: unknown), which decides where identification is unsure (text/language_id.h).
  EmotionResult Analyze(std::string_view text, std::string_view expected_language = {}) const;
  // Analyze for each text, on `threads` threads (0: all cores); results in input order.
  // `expected_languages`: one per text, or one for all, or none.
  std::vector<EmotionResult> AnalyzeBatch(const std::vector<std::string>& texts, int threads = 0,
                                          const std::vector<std::string>& expected_languages = {}) const;

  // The classifier's scores of a tokenised text and the language they were computed for: the
  // language head's pick where it is sure or agrees with `expected_language` (up to the
  // Scandinavian siblings, where the expectation decides), IdentifyLanguage(text, expected)
  // where it is not. What Analyze computes; threshold tuning computes the same.
  struct ScoredText {
    std::string language;
    std::vector<float> scores;
    bool asked_cld2 = false;  // the head was unsure: IdentifyLanguage decided
  };
  ScoredText ScoreText(std::string_view text, const std::vector<Token>& tokens, const std::vector<LexiconHit>& hits,
                       std::string_view expected_language) const;

  // Hashed features as the classifier sees them (language feature included).
  std::vector<std::uint32_t> Features(std::string_view text, std::string_view language) const;
  std::vector<std::uint32_t> Features(const std::vector<Token>& tokens, const std::vector<LexiconHit>& hits,
                                      std::string_view language) const;
  // View probabilities from classifier scores of a text in `language` (GoEmotions: mean of its
  // two heads; a view with a head of the language's own: mean of the shared one and that).
  std::array<std::vector<float>, kViewCount> ViewProbabilities(const std::vector<float>& scores,
                                                               std::string_view language) const;
  // Inputs of the valence/arousal read-outs: 1, view probabilities, lexicon valence.
  std::vector<double> ReadOutInputs(const std::array<std::vector<float>, kViewCount>& views,
                                    float lexicon_valence) const;
  float LexiconValenceOf(std::string_view text) const;
  std::vector<LexiconHit> LexiconHitsOf(const std::vector<Token>& tokens) const;

  // Thresholds of a view for a language; the "*" entry where the language has none.
  void SetThresholds(View view, const std::string& language, std::vector<float> thresholds);
  const std::vector<float>& Thresholds(View view, const std::string& language) const;
  void SetReadOuts(ReadOut valence, ReadOut arousal);

  const LinearClassifier& classifier() const { return classifier_; }
  LinearClassifier& mutable_classifier() { return classifier_; }
  const std::string& provenance() const { return provenance_; }

 private:
  // The language head's probability at which its pick stands without CLD2 (bench/langid_eval).
  static constexpr float kSureLanguage = 0.9f;

  std::vector<std::uint32_t> TextFeatures(const std::vector<Token>& tokens, const std::vector<LexiconHit>& hits,
                                          bool is_english) const;
  std::uint32_t LanguageFeature(std::string_view language) const;

  LinearClassifier classifier_;
  FeatureOptions features_;
  SentimentLexicon lexicon_;
  std::map<std::pair<int, std::string>, std::vector<float>> thresholds_;  // (view, language)
  ReadOut valence_;
  ReadOut arousal_;
  std::string provenance_;  // what it was trained on and how it scored (cxm train --eval)
};

// One JSON object (no newline) in `cxm emotion`'s format: language, valence, arousal,
// goemotions, plutchik, ekman, sentiment, predicted.
std::string EmotionResultJson(const EmotionResult& result);

}  // namespace cxm::text
