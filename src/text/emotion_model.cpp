#include "text/emotion_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <thread>

#include "common/check.h"
#include "common/strings.h"
#include "text/language_id.h"
#include "text/tokenizer.h"

namespace cxm::text {
namespace {

constexpr std::string_view kMetadataMagic = "cxm-emotion-model 1";

enum Head { kGoEmotionsSoftmax = 0, kGoEmotionsOneVsRest, kEkmanOneVsRest, kPlutchikOneVsRest, kSentimentSoftmax };

std::string Floats(const std::vector<float>& values) {
  std::string out;
  for (float value : values) out += fmt::format(" {}", value);
  return out;
}
std::string Doubles(const std::vector<double>& values) {
  std::string out;
  for (double value : values) out += fmt::format(" {}", value);
  return out;
}

bool IsBlank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
  }
  return true;
}

}  // namespace

const std::vector<std::string>& ViewLabels(View view) {
  static const std::array<std::vector<std::string>, kViewCount> kLabels = {
      std::vector<std::string>{"admiration", "amusement", "anger", "annoyance", "approval", "caring",
                               "confusion", "curiosity", "desire", "disappointment", "disapproval",
                               "disgust", "embarrassment", "excitement", "fear", "gratitude", "grief",
                               "joy", "love", "nervousness", "optimism", "pride", "realization",
                               "relief", "remorse", "sadness", "surprise", "neutral"},
      std::vector<std::string>{"anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"},
      std::vector<std::string>{"anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise",
                               "trust", "neutral"},
      std::vector<std::string>{"positive", "negative", "ambiguous", "neutral"}};
  return kLabels[static_cast<std::size_t>(view)];
}

std::string_view ViewName(View view) {
  constexpr std::string_view kNames[] = {"goemotions", "ekman", "plutchik", "sentiment"};
  return kNames[static_cast<int>(view)];
}

int NeutralLabel(View view) { return static_cast<int>(ViewLabels(view).size()) - 1; }

std::vector<OutputHead> EmotionModel::Heads() {
  std::vector<OutputHead> heads = {{"goemotions_softmax", 28, true},
                                   {"goemotions_ovr", 28, false},
                                   {"ekman", 7, false},
                                   {"plutchik", 9, false},
                                   {"sentiment", 4, true}};
  for (const LanguageHead& own : LanguageHeads()) {
    heads.push_back({fmt::format("{}_{}", ViewName(own.view), own.language),
                     static_cast<int>(ViewLabels(own.view).size()), false});
  }
  heads.push_back({"language", static_cast<int>(HeadLanguages().size()), true, /*ignores_last_feature=*/true});
  return heads;
}

int EmotionModel::LanguageIdentificationHead() {
  static const int kHead = static_cast<int>(Heads().size()) - 1;
  return kHead;
}

const std::vector<std::string>& EmotionModel::HeadLanguages() { return SupportedLanguages(); }

const std::vector<EmotionModel::LanguageHead>& EmotionModel::LanguageHeads() {
  // After the five shared heads, in this order.
  static const std::vector<LanguageHead> kHeads = {{View::kEkman, "sv", kSentimentSoftmax + 1},
                                                   {View::kPlutchik, "fi", kSentimentSoftmax + 2},
                                                   {View::kPlutchik, "ro", kSentimentSoftmax + 3}};
  return kHeads;
}

EmotionModel::EmotionModel(LinearClassifier classifier, FeatureOptions features, SentimentLexicon lexicon)
    : classifier_(std::move(classifier)),
      features_(features),
      lexicon_(std::move(lexicon)) {
  features_.lexicon = &lexicon_;
}

std::vector<std::uint32_t> EmotionModel::Features(std::string_view text, std::string_view language) const {
  const std::vector<Token> tokens = Tokenize(text);
  return Features(tokens, FindLexiconHits(tokens, lexicon_), language);
}

std::vector<std::uint32_t> EmotionModel::Features(const std::vector<Token>& tokens, const std::vector<LexiconHit>& hits,
                                                  std::string_view language) const {
  std::vector<std::uint32_t> features = TextFeatures(tokens, hits, language == "en");
  features.push_back(LanguageFeature(language));
  return features;
}

std::vector<std::uint32_t> EmotionModel::TextFeatures(const std::vector<Token>& tokens,
                                                      const std::vector<LexiconHit>& hits, bool is_english) const {
  FeatureOptions options = features_;
  options.lexicon = nullptr;
  // English training text negates praise often enough to learn it from the words themselves.
  if (is_english) options.negated_praise_ngrams_apart = false;
  return HashFeatures(tokens, options, &hits);
}

std::uint32_t EmotionModel::LanguageFeature(std::string_view language) const {
  // The language as a feature of its own, always the last: per-language priors for every output.
  const std::uint64_t mask = (std::uint64_t{1} << features_.bucket_bits) - 1;
  return static_cast<std::uint32_t>(StableHash(language, 0x1a2b3c4d5e6f7081ULL) & mask);
}

EmotionModel::ScoredText EmotionModel::ScoreText(std::string_view text, const std::vector<Token>& tokens,
                                                 const std::vector<LexiconHit>& hits,
                                                 std::string_view expected_language) const {
  ScoredText scored;
  const std::string_view expected = IsSupportedLanguage(expected_language) ? expected_language : std::string_view();
  const bool has_words =
      std::any_of(tokens.begin(), tokens.end(), [](const Token& token) { return token.kind == Token::Kind::kWord; });
  const std::vector<std::uint32_t> features = TextFeatures(tokens, hits, /*is_english=*/false);
  scored.scores = classifier_.ScoresChoosingLast(features, [&](const std::vector<float>& before) {
    const std::vector<std::string>& languages = HeadLanguages();
    const float* probabilities = before.data() + classifier_.head_offset(LanguageIdentificationHead());
    const std::size_t top =
        static_cast<std::size_t>(std::max_element(probabilities, probabilities + languages.size()) - probabilities);
    const std::string& pick = languages[top];
    if (has_words && !expected.empty() && (pick == expected || AreScandinavianSiblings(pick, expected))) {
      scored.language = std::string(expected);
    } else if (has_words && probabilities[top] >= kSureLanguage) {
      scored.language = pick;
    } else {  // unsure, or nothing to read (emoji, numbers)
      scored.language = IdentifyLanguage(text, expected).code;
      scored.asked_cld2 = true;
    }
    return LanguageFeature(scored.language);
  });
  // English keeps negated praise's n-grams with the word's own (Features): rescore the rare
  // English text that negates praise with the features it was trained on.
  if (scored.language == "en" && features_.negated_praise_ngrams_apart && HasNegatedPraise(hits)) {
    scored.scores = classifier_.Scores(Features(tokens, hits, "en"));
  }
  return scored;
}

std::vector<LexiconHit> EmotionModel::LexiconHitsOf(const std::vector<Token>& tokens) const {
  return FindLexiconHits(tokens, lexicon_);
}

float EmotionModel::LexiconValenceOf(std::string_view text) const {
  return LexiconValence(FindLexiconHits(Tokenize(text), lexicon_));
}

std::array<std::vector<float>, kViewCount> EmotionModel::ViewProbabilities(const std::vector<float>& scores,
                                                                         std::string_view language) const {
  std::array<std::vector<float>, kViewCount> views;
  const auto head_scores = [&](int head) {
    const auto first = scores.begin() + classifier_.head_offset(head);
    return std::vector<float>(first, first + classifier_.heads()[static_cast<std::size_t>(head)].label_count);
  };
  // GoEmotions: the mean of a softmax and a one-vs-rest head (each learns the labels'
  // competition differently: 0.417 and 0.410 macro-F1 alone, 0.426 averaged, GoEmotions-only
  // models). The same twin heads for Ekman and Plutchik lifted XED by ~0.01-0.02 but cost
  // BRIGHTER and REDv2 as much; left out.
  const auto mean_of = [&](int softmax_head, int one_vs_rest_head) {
    std::vector<float> mean = head_scores(softmax_head);
    const std::vector<float> one_vs_rest = head_scores(one_vs_rest_head);
    for (std::size_t label = 0; label < mean.size(); ++label) mean[label] = 0.5f * (mean[label] + one_vs_rest[label]);
    return mean;
  };
  views[static_cast<int>(View::kGoEmotions)] = mean_of(kGoEmotionsSoftmax, kGoEmotionsOneVsRest);
  views[static_cast<int>(View::kEkman)] = head_scores(kEkmanOneVsRest);
  views[static_cast<int>(View::kPlutchik)] = head_scores(kPlutchikOneVsRest);
  views[static_cast<int>(View::kSentiment)] = head_scores(kSentimentSoftmax);
  for (const LanguageHead& own : LanguageHeads()) {
    if (own.language != language) continue;
    std::vector<float>& view = views[static_cast<int>(own.view)];
    const std::vector<float> own_scores = head_scores(own.head);
    for (std::size_t label = 0; label < view.size(); ++label) view[label] = 0.5f * (view[label] + own_scores[label]);
  }
  return views;
}

std::vector<double> EmotionModel::ReadOutInputs(const std::array<std::vector<float>, kViewCount>& views,
                                                float lexicon_valence) const {
  std::vector<double> inputs{1.0, lexicon_valence};
  for (const std::vector<float>& view : views) inputs.insert(inputs.end(), view.begin(), view.end());
  return inputs;
}

EmotionResult EmotionModel::Analyze(std::string_view text, std::string_view expected_language) const {
  EmotionResult result;
  if (text.size() > kMaxTextBytes) {
    result.truncated_from_bytes = text.size();
    std::size_t cut = kMaxTextBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
    text = text.substr(0, cut);
  }
  const std::vector<Token> tokens = IsBlank(text) ? std::vector<Token>() : Tokenize(text);
  if (tokens.empty()) {
    for (int view = 0; view < kViewCount; ++view) {
      const View which = static_cast<View>(view);
      result.probabilities[view].assign(ViewLabels(which).size(), 0.0f);
      result.probabilities[view][static_cast<std::size_t>(NeutralLabel(which))] = 1.0f;
      result.predicted[view] = {NeutralLabel(which)};
    }
    result.language = "und";
    return result;
  }
  const std::vector<LexiconHit> hits = FindLexiconHits(tokens, lexicon_);
  ScoredText scored = ScoreText(text, tokens, hits, expected_language);
  result.language = std::move(scored.language);
  result.probabilities = ViewProbabilities(scored.scores, result.language);
  for (int view = 0; view < kViewCount; ++view) {
    const std::vector<float>& probabilities = result.probabilities[view];
    if (static_cast<View>(view) == View::kSentiment) {
      result.predicted[view] = {static_cast<int>(std::max_element(probabilities.begin(), probabilities.end()) -
                                                 probabilities.begin())};
      continue;
    }
    const std::vector<float>& thresholds = Thresholds(static_cast<View>(view), result.language);
    for (std::size_t label = 0; label < probabilities.size(); ++label) {
      if (probabilities[label] >= thresholds[label]) result.predicted[view].push_back(static_cast<int>(label));
    }
    // Nothing over its threshold: the most probable label, so every text has an answer.
    if (result.predicted[view].empty()) {
      result.predicted[view] = {static_cast<int>(std::max_element(probabilities.begin(), probabilities.end()) -
                                                 probabilities.begin())};
    }
  }
  const std::vector<double> inputs = ReadOutInputs(result.probabilities, LexiconValence(hits));
  const auto read = [&inputs](const ReadOut& read_out) {
    double value = 0;
    for (std::size_t idx = 0; idx < std::min(inputs.size(), read_out.weights.size()); ++idx) {
      value += read_out.weights[idx] * inputs[idx];
    }
    return value;
  };
  result.valence = static_cast<float>(std::clamp(read(valence_), -1.0, 1.0));
  result.arousal = static_cast<float>(std::clamp(read(arousal_), 0.0, 1.0));
  return result;
}

std::vector<EmotionResult> EmotionModel::AnalyzeBatch(const std::vector<std::string>& texts, int threads,
                                                      const std::vector<std::string>& expected_languages) const {
  std::vector<EmotionResult> results(texts.size());
  const auto analyze = [&](std::size_t idx) {
    const std::string_view expected = expected_languages.empty()      ? std::string_view()
                                      : expected_languages.size() == 1 ? std::string_view(expected_languages[0])
                                                                       : std::string_view(expected_languages.at(idx));
    results[idx] = Analyze(texts[idx], expected);
  };
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), std::max<std::size_t>(1, texts.size() / 64)));
  if (threads <= 1) {
    for (std::size_t idx = 0; idx < texts.size(); ++idx) analyze(idx);
    return results;
  }
  std::vector<std::thread> workers;
  for (int worker = 0; worker < threads; ++worker) {
    workers.emplace_back([&, worker] {
      for (std::size_t idx = static_cast<std::size_t>(worker); idx < texts.size(); idx += static_cast<std::size_t>(threads)) {
        analyze(idx);
      }
    });
  }
  for (std::thread& thread : workers) thread.join();
  return results;
}

void EmotionModel::SetThresholds(View view, const std::string& language, std::vector<float> thresholds) {
  thresholds_[{static_cast<int>(view), language}] = std::move(thresholds);
}

const std::vector<float>& EmotionModel::Thresholds(View view, const std::string& language) const {
  auto found = thresholds_.find({static_cast<int>(view), language});
  if (found == thresholds_.end()) found = thresholds_.find({static_cast<int>(view), "*"});
  if (found != thresholds_.end()) return found->second;
  static const std::vector<float> kHalf(28, 0.5f);
  return kHalf;
}

void EmotionModel::SetReadOuts(ReadOut valence, ReadOut arousal) {
  valence_ = std::move(valence);
  arousal_ = std::move(arousal);
}

Status EmotionModel::Save(const std::string& path, const std::string& provenance) const {
  std::string metadata(kMetadataMagic);
  metadata += fmt::format("\nfeatures {} {} {} {} {}\n", features_.bucket_bits, features_.min_char_ngram,
                          features_.max_char_ngram, features_.use_bigrams ? 1 : 0,
                          features_.negated_praise_ngrams_apart ? 1 : 0);
  for (const auto& [key, thresholds] : thresholds_) {
    metadata += fmt::format("thresholds {} {}{}\n", ViewName(static_cast<View>(key.first)), key.second,
                            Floats(thresholds));
  }
  metadata += fmt::format("valence{}\narousal{}\n", Doubles(valence_.weights), Doubles(arousal_.weights));
  // Free text ends the fixed part: provenance lines, then the lexicon.
  for (std::string_view line : Split(provenance, '\n')) metadata += fmt::format("provenance {}\n", line);
  metadata += "lexicon\n";
  metadata += lexicon_.Serialize();
  return classifier_.Save(path, metadata);
}

Result<EmotionModel> EmotionModel::Load(const std::string& path_or_empty) {
  const std::string path = path_or_empty.empty() ? DefaultPath() : path_or_empty;
  CXM_ASSIGN_OR_RETURN(LinearClassifier::Loaded loaded, LinearClassifier::Load(path));
  const auto bad = [&path](const std::string& what) {
    return Status::InvalidArgument(path + ": not a cxm emotion model (" + what + ")");
  };
  const std::string& metadata = loaded.metadata;
  if (metadata.compare(0, kMetadataMagic.size(), kMetadataMagic) != 0) return bad("no emotion metadata");
  const std::size_t lexicon_at = metadata.find("\nlexicon\n");
  if (lexicon_at == std::string::npos) return bad("no lexicon");
  CXM_ASSIGN_OR_RETURN(SentimentLexicon lexicon, SentimentLexicon::Parse(std::string_view(metadata).substr(lexicon_at + 9)));
  const std::vector<OutputHead> expected = Heads();
  const std::vector<OutputHead>& heads = loaded.classifier.heads();
  if (heads.size() != expected.size()) {
    return bad(fmt::format("{} heads where this cxm has {}: written by another version; retrain it with cxm train",
                           heads.size(), expected.size()));
  }
  for (std::size_t head = 0; head < heads.size(); ++head) {
    if (heads[head].name != expected[head].name || heads[head].label_count != expected[head].label_count ||
        heads[head].is_softmax != expected[head].is_softmax ||
        heads[head].ignores_last_feature != expected[head].ignores_last_feature) {
      return bad("unexpected head " + heads[head].name);
    }
  }
  FeatureOptions features;
  EmotionModel model(std::move(loaded.classifier), features, std::move(lexicon));
  std::istringstream lines(metadata.substr(0, lexicon_at));
  std::string line;
  std::getline(lines, line);  // magic
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    if (key == "features") {
      int use_bigrams = 1;
      fields >> model.features_.bucket_bits >> model.features_.min_char_ngram >> model.features_.max_char_ngram >>
          use_bigrams;
      model.features_.use_bigrams = use_bigrams != 0;
      const bool is_read = static_cast<bool>(fields);
      int negated_praise_apart = 0;  // absent from models written before it existed
      if (is_read && fields >> negated_praise_apart) model.features_.negated_praise_ngrams_apart = negated_praise_apart != 0;
      if (!is_read || (1 << model.features_.bucket_bits) != model.classifier_.bucket_count()) {
        return bad("feature settings do not match the weights");
      }
    } else if (key == "thresholds") {
      std::string view_name, language;
      fields >> view_name >> language;
      int view = -1;
      for (int candidate = 0; candidate < kViewCount; ++candidate) {
        if (ViewName(static_cast<View>(candidate)) == view_name) view = candidate;
      }
      std::vector<float> thresholds;
      for (float value; fields >> value;) thresholds.push_back(value);
      if (view < 0 || thresholds.size() != ViewLabels(static_cast<View>(view)).size()) {
        return bad("bad thresholds line: " + line);
      }
      model.SetThresholds(static_cast<View>(view), language, std::move(thresholds));
    } else if (key == "valence" || key == "arousal") {
      ReadOut read_out;
      for (double value; fields >> value;) read_out.weights.push_back(value);
      (key == "valence" ? model.valence_ : model.arousal_) = std::move(read_out);
    } else if (key == "provenance") {
      model.provenance_ += line.size() > 11 ? line.substr(11) : "";
      model.provenance_ += '\n';
    } else {
      return bad("unknown metadata line: " + line);
    }
  }
  model.features_.lexicon = &model.lexicon_;
  return model;
}

std::string EmotionModel::DefaultPath() {
  if (const char* configured = std::getenv("CXM_MODEL"); configured != nullptr && *configured != '\0') {
    return configured;
  }
  std::error_code error;
  const std::filesystem::path executable = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    const std::filesystem::path installed = executable.parent_path().parent_path() / "share/cxm/emotion.cxm";
    if (std::filesystem::exists(installed, error)) return installed.string();
  }
  return std::string(CXM_SOURCE_DIR) + "/models/emotion.cxm";
}

namespace {

void AppendJsonString(std::string* out, std::string_view text) {
  out->push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      *out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

}  // namespace

std::string EmotionResultJson(const EmotionResult& result) {
  std::string out = "{\"language\":";
  AppendJsonString(&out, result.language);
  out += fmt::format(",\"valence\":{:.4f},\"arousal\":{:.4f}", result.valence, result.arousal);
  for (View view : {View::kGoEmotions, View::kPlutchik, View::kEkman, View::kSentiment}) {
    out += fmt::format(",\"{}\":{{", ViewName(view));
    const std::vector<std::string>& labels = ViewLabels(view);
    const std::vector<float>& probabilities = result.probabilities[static_cast<int>(view)];
    for (std::size_t label = 0; label < labels.size(); ++label) {
      out += fmt::format("{}\"{}\":{:.4f}", label == 0 ? "" : ",", labels[label],
                         label < probabilities.size() ? probabilities[label] : 0.0f);
    }
    out += '}';
  }
  out += ",\"predicted\":{";
  bool is_first = true;
  for (View view : {View::kGoEmotions, View::kPlutchik, View::kEkman}) {
    out += fmt::format("{}\"{}\":[", is_first ? "" : ",", ViewName(view));
    is_first = false;
    const std::vector<int>& predicted = result.predicted[static_cast<int>(view)];
    for (std::size_t idx = 0; idx < predicted.size(); ++idx) {
      out += fmt::format("{}\"{}\"", idx == 0 ? "" : ",", ViewLabels(view)[static_cast<std::size_t>(predicted[idx])]);
    }
    out += ']';
  }
  const std::vector<int>& sentiment = result.predicted[static_cast<int>(View::kSentiment)];
  out += fmt::format(",\"sentiment\":\"{}\"}}",
                     ViewLabels(View::kSentiment)[static_cast<std::size_t>(sentiment.empty() ? 3 : sentiment[0])]);
  if (result.truncated_from_bytes > 0) {
    out += fmt::format(",\"truncated\":{{\"bytes\":{},\"read\":{}}}", result.truncated_from_bytes, kMaxTextBytes);
  }
  out += '}';
  return out;
}

}  // namespace cxm::text
