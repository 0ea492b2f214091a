// bench/langid_eval: accuracy of cxm's language identification on the datasets' own texts, per
// language, for all texts and for texts of 40+ characters (a typical customer comment), with the
// languages it was confused with; then with the customer's language expected: the right one
// (the corpus's), and a wrong one (a customer known as Swedish writing English, an English one
// writing anything else), which must not swallow texts CLD2 reads reliably. The same three
// for the emotion engine's language (its own language head, CLD2 where the head is unsure),
// with the share of texts it asked CLD2 about. The head is taught the corpora's training
// splits; these are their test (dev) splits: held out, but the same kinds of text.
//
//   build/release/bench/langid_eval [SHARED_DATA_DIR [MODEL]]

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/strings.h"
#include "store/duckdb.h"
#include "text/emotion_model.h"
#include "text/language_id.h"
#include "text/tokenizer.h"

namespace {

struct Corpus {
  std::string language;  // expected code
  std::string name;
  std::vector<std::string> texts;
};

// XED: text<TAB>labels per line.
std::vector<std::string> ReadXed(const std::string& path) {
  std::vector<std::string> texts;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    const std::size_t tab = line.rfind('\t');
    if (tab != std::string::npos && tab > 0) texts.push_back(line.substr(0, tab));
  }
  return texts;
}

// BRIGHTER: quoted CSV with a `text` column; read through DuckDB's CSV reader.
std::vector<std::string> ReadBrighter(cxm::store::Connection& connection, const std::string& path) {
  std::vector<std::string> texts;
  cxm::Result<cxm::store::Statement> statement =
      connection.Prepare("SELECT text FROM read_csv($1, header = true, all_varchar = true)");
  if (!statement || !statement->Bind(1, path).ok()) return texts;
  cxm::Result<cxm::store::QueryResult> result = statement->Execute();
  if (!result) {
    std::cerr << path << ": " << result.error() << "\n";
    return texts;
  }
  while (std::optional<cxm::store::DataChunk> chunk = result->NextChunk()) {
    for (std::uint64_t row_idx = 0; row_idx < chunk->RowCount(); ++row_idx) {
      if (!chunk->Column(0).IsNull(row_idx)) texts.emplace_back(chunk->Column(0).Text(row_idx));
    }
  }
  return texts;
}

// "nb 38, da 19, en 17": the three languages most often read instead, with their counts.
std::string MostOftenMistakenFor(const std::map<std::string, int>& confusions) {
  std::vector<std::pair<int, std::string>> worst;
  for (const auto& [code, count] : confusions) worst.emplace_back(count, code);
  std::sort(worst.rbegin(), worst.rend());
  std::vector<std::string> shown;
  for (std::size_t idx = 0; idx < worst.size() && idx < 3; ++idx) {
    shown.push_back(fmt::format("{} {}", worst[idx].second, worst[idx].first));
  }
  return cxm::Join(shown, ", ");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string data = argc > 1 ? argv[1] : CXM_SHARED_DATA_DIR;
  cxm::Result<cxm::store::Database> database = cxm::store::Database::Open(":memory:");
  cxm::Result<cxm::store::Connection> connection = database->Connect();
  std::vector<Corpus> corpora = {
      {"en", "XED en-annotated test", ReadXed(data + "/xed/test/en-annotated.tsv")},
      {"en", "BRIGHTER eng dev", ReadBrighter(*connection, data + "/brighter/eng/dev.csv")},
      {"sv", "XED sv projections test", ReadXed(data + "/xed/test/projections-sv.tsv")},
      {"sv", "BRIGHTER swe dev", ReadBrighter(*connection, data + "/brighter/swe/dev.csv")},
      {"nb", "XED no projections test", ReadXed(data + "/xed/test/projections-no.tsv")},
      {"da", "XED da projections test", ReadXed(data + "/xed/test/projections-da.tsv")},
      {"ro", "XED ro projections dev", ReadXed(data + "/xed/dev/projections-ro.tsv")},
      {"ro", "BRIGHTER ron dev", ReadBrighter(*connection, data + "/brighter/ron/dev.csv")},
      {"fi", "XED fi-annotated test", ReadXed(data + "/xed/test/fi-annotated.tsv")},
      {"de", "XED de projections test", ReadXed(data + "/xed/test/projections-de.tsv")},
      {"de", "BRIGHTER deu dev", ReadBrighter(*connection, data + "/brighter/deu/dev.csv")},
  };

  std::cout << fmt::format("{:<26} {:>4} {:>6} {:>9} {:>7} {:>11} {:>10} {:>12}  {}\n", "corpus", "lang", "texts",
                           "accuracy", "40+ch", "acc 40+ch", "expected", "wrong expect", "most often mistaken for");
  std::size_t total_texts = 0;
  double total_seconds = 0;
  for (const Corpus& corpus : corpora) {
    std::size_t correct = 0, long_texts = 0, long_correct = 0, expected_correct = 0, wrongly_expected_correct = 0;
    const std::string wrong_expectation = corpus.language == "en" ? "sv" : "en";
    std::map<std::string, int> confusions;
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& text : corpus.texts) {
      const cxm::text::LanguageGuess guess = cxm::text::IdentifyLanguage(text);
      const bool is_correct = guess.code == corpus.language;
      correct += is_correct ? 1 : 0;
      if (!is_correct) ++confusions[guess.code];
      if (text.size() >= 40) {
        ++long_texts;
        long_correct += is_correct ? 1 : 0;
      }
    }
    total_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const std::string& text : corpus.texts) {
      expected_correct += cxm::text::IdentifyLanguage(text, corpus.language).code == corpus.language ? 1 : 0;
      wrongly_expected_correct +=
          cxm::text::IdentifyLanguage(text, wrong_expectation).code == corpus.language ? 1 : 0;
    }
    total_texts += corpus.texts.size();
    const double texts = static_cast<double>(std::max<std::size_t>(1, corpus.texts.size()));
    std::cout << fmt::format("{:<26} {:>4} {:>6} {:>8.1f}% {:>7} {:>10.1f}% {:>9.1f}% {:>8.1f}% ({})  {}\n",
                             corpus.name, corpus.language, corpus.texts.size(), 100.0 * correct / texts,
                             long_texts, 100.0 * long_correct / std::max<std::size_t>(1, long_texts),
                             100.0 * expected_correct / texts, 100.0 * wrongly_expected_correct / texts,
                             wrong_expectation, MostOftenMistakenFor(confusions));
  }
  std::cout << fmt::format("{} texts in {:.3f} s: {:.0f} texts/s on one core\n\n", total_texts,
                           total_seconds, total_texts / total_seconds);

  cxm::Result<cxm::text::EmotionModel> model =
      cxm::text::EmotionModel::Load(argc > 2 ? argv[2] : cxm::text::EmotionModel::DefaultPath());
  if (!model) {
    std::cerr << model.error().message() << "\n";
    return 1;
  }
  std::cout << "the emotion engine's language (language head; CLD2 where it is unsure)\n";
  std::cout << fmt::format("{:<26} {:>4} {:>6} {:>9} {:>10} {:>12} {:>10}  {}\n", "corpus", "lang", "texts",
                           "accuracy", "expected", "wrong expect", "asked CLD2", "most often mistaken for");
  for (const Corpus& corpus : corpora) {
    const std::string wrong_expectation = corpus.language == "en" ? "sv" : "en";
    std::size_t correct = 0, expected_correct = 0, wrongly_expected_correct = 0, asked = 0;
    std::map<std::string, int> confusions;
    for (const std::string& text : corpus.texts) {
      const std::vector<cxm::text::Token> tokens = cxm::text::Tokenize(text);
      const std::vector<cxm::text::LexiconHit> hits = model->LexiconHitsOf(tokens);
      const auto language = [&](std::string_view expected) { return model->ScoreText(text, tokens, hits, expected); };
      const cxm::text::EmotionModel::ScoredText alone = language("");
      correct += alone.language == corpus.language ? 1 : 0;
      asked += alone.asked_cld2 ? 1 : 0;
      if (alone.language != corpus.language) ++confusions[alone.language];
      expected_correct += language(corpus.language).language == corpus.language ? 1 : 0;
      wrongly_expected_correct += language(wrong_expectation).language == corpus.language ? 1 : 0;
    }
    const double texts = static_cast<double>(std::max<std::size_t>(1, corpus.texts.size()));
    std::cout << fmt::format("{:<26} {:>4} {:>6} {:>8.1f}% {:>9.1f}% {:>6.1f}% ({}) {:>9.1f}%  {}\n", corpus.name,
                             corpus.language, corpus.texts.size(), 100.0 * correct / texts,
                             100.0 * expected_correct / texts, 100.0 * wrongly_expected_correct / texts,
                             wrong_expectation, 100.0 * asked / texts, MostOftenMistakenFor(confusions));
  }
  return 0;
}
