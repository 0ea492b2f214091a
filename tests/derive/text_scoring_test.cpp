#include "derive/text_scoring.h"

#include <cmath>

#include <gtest/gtest.h>

#include "ingest/loader.h"
#include "simulate/generator.h"
#include "store/schema.h"
#include "text/language_id.h"
#include "test_support.h"

namespace cxm::derive {
namespace {

using testing::QueryInt;
using testing::TempDir;

// A small generated company loaded into a fresh store.
class ScoredCompanyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    simulate::GeneratorOptions options{.customers = 150, .seed = 2, .out_dir = dir_.File("co")};
    ASSERT_TRUE(simulate::GenerateCompany(options).has_value());
    Result<store::Store> opened = store::Store::Open(dir_.File("cxm.duckdb"), {.readable_folders = {dir_.path().string()}});
    ASSERT_TRUE(opened.has_value()) << opened.error();
    store_ = std::make_unique<store::Store>(std::move(opened).value());
    Result<text::EmotionModel> model = text::EmotionModel::Load(text::EmotionModel::DefaultPath());
    ASSERT_TRUE(model.has_value()) << model.error();
    model_ = std::make_unique<text::EmotionModel>(std::move(model).value());
    for (const char* table : {"customers", "employees", "self_assessment", "interactions", "churn", "messages"}) {
      Load(table);
    }
  }
  void Load(const std::string& table) {
    Result<ingest::Loader> loader = ingest::Loader::Create(store_.get(), {.table = table});
    ASSERT_TRUE(loader.has_value()) << loader.error();
    Result<std::vector<ingest::TableLoad>> loaded = loader->LoadFile(dir_.File("co/" + table + ".csv"));
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
  }
  std::int64_t Count(const std::string& sql) { return QueryInt(store_->connection(), sql); }
  ScoringSummary Score() {
    Result<ScoringSummary> scored = ScoreNewTexts(store_->database(), store_->connection(), *model_);
    EXPECT_TRUE(scored.has_value()) << scored.error();
    return scored.has_value() ? *scored : ScoringSummary{};
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<text::EmotionModel> model_;
};

TEST_F(ScoredCompanyTest, ScoresOnlyWhatIsNewAndNeverTwice) {
  const std::int64_t customer_turns = Count("SELECT count(*) FROM messages WHERE speaker = 'customer'");
  ASSERT_GT(customer_turns, 1000);
  EXPECT_EQ(Score().texts_scored, customer_turns);
  EXPECT_EQ(Score().texts_scored, 0);  // nothing new

  Load("feedback");  // new texts arrive: only they are scored
  const std::int64_t feedback_texts = Count("SELECT count(*) FROM feedback WHERE text IS NOT NULL");
  ASSERT_GT(feedback_texts, 10);
  EXPECT_EQ(Score().texts_scored, feedback_texts);
  EXPECT_EQ(Count("SELECT count(*) FROM text_emotions"), customer_turns + feedback_texts);
  EXPECT_EQ(Count("SELECT count(*) FROM (SELECT interaction_id, seq FROM text_emotions WHERE source = 'message' "
                  "GROUP BY ALL HAVING count(*) > 1)"), 0);
  // The customers' languages come out of the engine's language identifier.
  EXPECT_GT(Count("SELECT count(*) FROM text_emotions t JOIN messages m USING (interaction_id, seq) "
                  "JOIN interactions i USING (interaction_id) JOIN customers c USING (customer_id) "
                  "WHERE t.language = c.language"), customer_turns * 95 / 100);
}

// Known answers for the customer-language lookup: codes normalised, unsupported ones and
// unknown interactions give none, and hashes sharing the 56 stored bits keep a language only
// when their customers agree on it.
TEST(InteractionLanguagesTest, LooksUpNormalisedLanguagesAndDropsCollidingOnes) {
  InteractionLanguages languages;
  const std::uint64_t swedish = 0x1111'2222'3333'4400ULL, klingon = 0x5555'6666'7777'8800ULL;
  const std::uint64_t collide = 0x9999'AAAA'BBBB'CC00ULL, agree = 0xDDDD'EEEE'FFFF'0000ULL;
  languages.Add(swedish | 0x17, "sv-SE");
  languages.Add(klingon, "tlh");
  languages.Add(collide | 0x01, "da");   // same top 56 bits, another customer's language
  languages.Add(collide | 0x02, "ro");
  languages.Add(agree | 0x05, "NO");
  languages.Add(agree | 0x06, "nb");
  languages.Finish();
  EXPECT_EQ(languages.Of(swedish | 0x17), "sv");
  EXPECT_EQ(languages.Of(swedish), "sv");  // the low 8 bits are not stored
  EXPECT_EQ(languages.Of(klingon), "");
  EXPECT_EQ(languages.Of(collide | 0x01), "");
  EXPECT_EQ(languages.Of(collide | 0x02), "");
  EXPECT_EQ(languages.Of(agree | 0x05), "nb");
  EXPECT_EQ(languages.Of(0x0123'4567'89AB'CD00ULL), "");  // no such interaction
  EXPECT_EQ(languages.Of(0xFFFF'FFFF'FFFF'FF00ULL), "");  // past the last key
}

// The customer's language decides where the text alone leaves it open (short turns, the
// Scandinavian siblings): more turns come out in it than identification from the text gives.
TEST_F(ScoredCompanyTest, CustomersLanguageDecidesWhereTheTextLeavesItOpen) {
  Score();
  Result<store::QueryResult> rows = store_->connection().Query(
      "SELECT m.text, c.language, t.language FROM text_emotions t JOIN messages m USING (interaction_id, seq) "
      "JOIN interactions i USING (interaction_id) JOIN customers c USING (customer_id)");
  ASSERT_TRUE(rows.has_value()) << rows.error();
  int texts = 0, stored_agree = 0, text_alone_agree = 0;
  while (std::optional<store::DataChunk> chunk = rows->NextChunk()) {
    for (std::uint64_t row = 0; row < chunk->RowCount(); ++row) {
      const std::string customer_language(chunk->Column(1).Text(row));
      ++texts;
      stored_agree += chunk->Column(2).Text(row) == customer_language;
      text_alone_agree += text::IdentifyLanguage(chunk->Column(0).Text(row)).code == customer_language;
    }
  }
  ASSERT_GT(texts, 1000);
  EXPECT_GT(stored_agree, text_alone_agree);
  EXPECT_GE(stored_agree, texts * 99 / 100);
}

}  // namespace
}  // namespace cxm::derive
