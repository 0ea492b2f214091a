#include "text/language_id.h"

#include <fstream>

#include <gtest/gtest.h>

#include "test_support.h"

namespace cxm::text {
namespace {

TEST(LanguageIdTest, CustomerCommentsInEachLanguage) {
  struct Golden {
    const char* code;
    const char* text;
  };
  const Golden goldens[] = {
      {"en", "The parcel arrived a week late and nobody answered my emails, really disappointed."},
      {"sv", "Paketet kom en vecka för sent och ingen svarade på mina mejl, jag är inte nöjd."},
      {"nb", "Pakken kom en uke for sent og ingen svarte på e-postene mine, jeg er ikke fornøyd."},
      {"da", "Pakken kom en uge for sent, og ingen svarede på mine mails. Jeg er ikke tilfreds."},
      {"ro", "Coletul a ajuns cu o săptămână întârziere și nimeni nu mi-a răspuns la e-mailuri."},
      {"fi", "Paketti tuli viikon myöhässä eikä kukaan vastannut sähköposteihini, en ole tyytyväinen."},
      {"de", "Das Paket kam eine Woche zu spät und niemand hat auf meine E-Mails geantwortet."},
  };
  for (const Golden& golden : goldens) {
    const LanguageGuess guess = IdentifyLanguage(golden.text);
    EXPECT_EQ(guess.code, golden.code) << golden.text;
    EXPECT_GT(guess.percent, 50) << golden.text;
  }
}

TEST(LanguageIdTest, TextWithoutLanguageIsUnknownNotAnError) {
  EXPECT_EQ(IdentifyLanguage("").code, "und");
  EXPECT_EQ(IdentifyLanguage("   \n\t ").code, "und");
  EXPECT_EQ(IdentifyLanguage("😡😡😡 👎").code, "und");
  EXPECT_EQ(IdentifyLanguage("12345 678").code, "und");
  const std::string broken = "Inte n\xc3\xb6jd \xff\xfe alls";  // invalid UTF-8 in the middle
  const LanguageGuess guess = IdentifyLanguage(broken);
  EXPECT_FALSE(guess.code.empty());
}

// Real texts: XED's Swedish, Norwegian, Danish, Romanian, Finnish, German and English lines of
// 40+ characters (film subtitles, harder than comments). Floors sit a little under the accuracy
// measured with bench/langid_eval when this test was written, so a regression fails.
TEST(LanguageIdTest, AccuracyOnDatasetTextsStaysAboveMeasuredFloor) {
  struct Corpus {
    const char* code;
    const char* path;
    double floor;
  };
  const Corpus corpora[] = {
      // measured 2026-11-22: en 100%, sv 91.3%, nb 97.8%, da 90.5% (21 texts), ro 98.7%,
      // fi 100%, de 99.5%
      {"en", "xed/test/en-annotated.tsv", 0.98},  {"sv", "xed/test/projections-sv.tsv", 0.88},
      {"nb", "xed/test/projections-no.tsv", 0.94}, {"da", "xed/test/projections-da.tsv", 0.85},
      {"ro", "xed/dev/projections-ro.tsv", 0.96},  {"fi", "xed/test/fi-annotated.tsv", 0.98},
      {"de", "xed/test/projections-de.tsv", 0.97},
  };
  for (const Corpus& corpus : corpora) {
    std::ifstream file(cxm::testing::SharedDataPath(corpus.path));
    ASSERT_TRUE(file.good()) << "missing shared data: " << corpus.path;
    std::string line;
    int texts = 0, correct = 0;
    while (std::getline(file, line)) {
      const std::string text = line.substr(0, line.rfind('\t'));
      if (text.size() < 40) continue;
      ++texts;
      correct += IdentifyLanguage(text).code == corpus.code ? 1 : 0;
    }
    ASSERT_GE(texts, 20) << corpus.path;
    EXPECT_GE(static_cast<double>(correct) / texts, corpus.floor) << corpus.path;
  }
}

// The writer's known language decides where the text alone cannot: short texts and the
// Scandinavian siblings; a text reliably in another language keeps it.
TEST(LanguageIdTest, ExpectedLanguageDecidesOnlyWhereTheTextLeavesItOpen) {
  // "Tack" alone is too short for CLD2 to be sure of; from a Swedish customer it is Swedish.
  EXPECT_EQ(IdentifyLanguage("Tack!", "sv").code, "sv");
  EXPECT_EQ(IdentifyLanguage("Mulțumesc", "ro").code, "ro");
  // Norwegian and Danish customers writing words shared by the three languages.
  const char* shared = "Pakken kom for sent";
  EXPECT_EQ(IdentifyLanguage(shared, "nb").code, "nb");
  EXPECT_EQ(IdentifyLanguage(shared, "da").code, "da");
  // A Swedish customer writing a whole English sentence is read as English.
  const char* english = "The parcel arrived a week late and nobody answered my emails, really disappointed.";
  EXPECT_EQ(IdentifyLanguage(english, "sv").code, "en");
  // Nothing to read stays unknown; an unsupported or empty expectation changes nothing.
  EXPECT_EQ(IdentifyLanguage("   ", "sv").code, "und");
  EXPECT_EQ(IdentifyLanguage(english, "fr").code, "en");
  EXPECT_EQ(IdentifyLanguage(english, "").code, "en");
}

TEST(LanguageIdTest, CustomerTableCodesAreNormalised) {
  EXPECT_EQ(NormalizeLanguageCode("sv-SE"), "sv");
  EXPECT_EQ(NormalizeLanguageCode("NO"), "nb");
  EXPECT_EQ(NormalizeLanguageCode("nn"), "nb");
  EXPECT_EQ(NormalizeLanguageCode("da_DK"), "da");
  EXPECT_EQ(NormalizeLanguageCode("ro"), "ro");
  EXPECT_EQ(NormalizeLanguageCode(""), "");
  EXPECT_TRUE(IsSupportedLanguage("nb"));
  EXPECT_FALSE(IsSupportedLanguage("no"));
  EXPECT_FALSE(IsSupportedLanguage("und"));
}

}  // namespace
}  // namespace cxm::text
