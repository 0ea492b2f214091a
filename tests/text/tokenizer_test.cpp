#include "text/tokenizer.h"

#include <gtest/gtest.h>

namespace cxm::text {
namespace {

std::vector<std::string> Texts(std::string_view text) {
  std::vector<std::string> texts;
  for (const Token& token : Tokenize(text)) texts.push_back(token.text);
  return texts;
}

using Words = std::vector<std::string>;

TEST(TokenizerTest, NegatedPraiseIsMarkedInEveryLanguage) {
  EXPECT_EQ(Texts("Inte nöjd!!!"), (Words{"inte", "neg_nöjd", "!!"}));
  EXPECT_EQ(Texts("ikke fornøyd"), (Words{"ikke", "neg_fornøyd"}));
  EXPECT_EQ(Texts("Ikke tilfreds."), (Words{"ikke", "neg_tilfreds"}));
  EXPECT_EQ(Texts("nu sunt mulțumit"), (Words{"nu", "neg_sunt", "neg_mulțumit"}));
  EXPECT_EQ(Texts("I'm not happy"), (Words{"i'm", "not", "neg_happy"}));
  EXPECT_EQ(Texts("it didn't work"), (Words{"it", "didn't", "neg_work"}));
}

TEST(TokenizerTest, ContrastAndPunctuationEndTheNegationScope) {
  EXPECT_EQ(Texts("not fast but friendly"), (Words{"not", "neg_fast", "but", "friendly"}));
  EXPECT_EQ(Texts("inte snabbt, men trevligt"), (Words{"inte", "neg_snabbt", "men", "trevligt"}));
  EXPECT_EQ(Texts("nu a mers. Mulțumesc"), (Words{"nu", "neg_a", "neg_mers", "mulțumesc"}));
}

TEST(TokenizerTest, EmojiAndEmoticonsAreTokens) {
  EXPECT_EQ(Texts("thanks :) 😡😡"), (Words{"thanks", ":)", "😡", "😡"}));
  EXPECT_EQ(Texts("ok :D <3"), (Words{"ok", ":d", "<3"}));
  // A skin-toned thumb and a joined family are one token each.
  EXPECT_EQ(Texts("👍🏽 👨‍👩‍👧"), (Words{"👍🏽", "👨‍👩‍👧"}));
}

TEST(TokenizerTest, CaseFoldingNormalisationAndElongation) {
  EXPECT_EQ(Texts("NÖJD"), (Words{"nöjd"}));
  EXPECT_EQ(Texts("no\xcc\x88jd"), (Words{"nöjd"}));  // o + combining diaeresis -> ö (NFC)
  EXPECT_EQ(Texts("Sooooo goooood"), (Words{"soo", "good"}));
  EXPECT_EQ(Texts("don\xe2\x80\x99t"), (Words{"don't"}));
  // Romanian cedilla spellings (ş ţ, and capitals) become the comma-below letters (ș ț).
  EXPECT_EQ(Texts("mulţumit ŞI ţară"), (Words{"mulțumit", "și", "țară"}));
}

TEST(TokenizerTest, FormatCharactersAreInvisibleExceptInsideEmoji) {
  EXPECT_EQ(Texts("ang\u200bry"), (Words{"angry"}));
  EXPECT_EQ(Texts("för\u00adsenad \ufeffpaket"), (Words{"försenad", "paket"}));
  EXPECT_EQ(Texts("\u200eMulțumesc\u200f"), (Words{"mulțumesc"}));
  // A family emoji keeps its joiners: one token, as before.
  EXPECT_EQ(Texts("\U0001F468\u200D\U0001F469\u200D\U0001F467").size(), 1u);
}

TEST(TokenizerTest, NumbersBecomeOneToken) {
  EXPECT_EQ(Texts("3 items for 1.299,00 kr"), (Words{"<num>", "items", "for", "<num>", "kr"}));
}

TEST(TokenizerTest, EmptyWhitespaceAndBrokenUtf8NeverFail) {
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize(" \t\n ").empty());
  EXPECT_EQ(Texts("inte \xff\xfe n\xc3\xb6jd"), (Words{"inte", "neg_nöjd"}));
}

}  // namespace
}  // namespace cxm::text
