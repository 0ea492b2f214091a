#include "text/tokenizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <string>

namespace cxm::text {
namespace {

// Negators per language; contractions ending in "n't" are recognised by their suffix. Finnish
// negation verbs "en"/"ei" are left out: they are common words in sv/da/nb ("a", "one").
constexpr std::string_view kNegators[] = {
    "not", "no", "never", "nothing", "nobody", "nowhere", "neither", "nor", "cannot",  // en
    "inte", "ej", "aldrig", "ingen", "inget", "inga",                                    // sv
    "ikke", "ikkje", "aldri", "intet",                                                   // nb/da
    "nu", "nici", "niciodată", "niciun", "nicio", "nimic",                               // ro
    "eivät",                                                                             // fi
    "nicht", "kein", "keine", "nie"};                                                    // de

// Words that start a new clause and so end a negation's scope ("not fast but friendly").
constexpr std::string_view kScopeBreakers[] = {"but", "men", "dar", "however", "aber", "mutta",
                                               "însă", "doch"};

constexpr std::string_view kEmoticons[] = {":-)", ":)", ":-(", ":(", ":-d", ":d", ";-)", ";)",
                                           ":-p", ":p", ":'(", ":/", ":-/", ":|", "<3", "</3",
                                           ":-o", ":o", "xd", "^^", "^_^"};  // case-folded

bool IsInScopeBreakers(std::string_view word) {
  for (std::string_view breaker : kScopeBreakers) {
    if (word == breaker) return true;
  }
  return false;
}

bool IsEmoji(UChar32 code_point);

// Format characters (Unicode Cf: zero-width space and non-joiner, soft hyphen, word joiner, BOM,
// direction marks) are invisible, so "ang\u200bry" reads as "angry" and must count as it. The
// zero-width joiner and emoji tags stay where they follow an emoji: they build one emoji from
// several.
icu::UnicodeString WithoutFormatCharacters(const icu::UnicodeString& text) {
  icu::UnicodeString kept;
  bool follows_emoji = false;
  for (int32_t idx = 0; idx < text.length();) {
    const UChar32 code_point = text.char32At(idx);
    idx += U16_LENGTH(code_point);
    const bool is_format = u_charType(code_point) == U_FORMAT_CHAR;
    if (is_format && !follows_emoji) continue;
    kept.append(code_point);
    follows_emoji = IsEmoji(code_point) || (is_format && follows_emoji) || code_point == 0xFE0F;
  }
  return kept;
}

std::string FoldCase(std::string_view text) {
  // ASCII is already NFC and folds to lower case: skip ICU for it (most English text).
  bool is_ascii = true;
  for (char c : text) is_ascii &= static_cast<unsigned char>(c) < 0x80;
  if (is_ascii) {
    std::string folded(text);
    for (char& c : folded) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return folded;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (U_SUCCESS(status)) {
    icu::UnicodeString normalized = nfc->normalize(unicode, status);
    if (U_SUCCESS(status)) unicode = normalized;
  }
  unicode.foldCase();
  unicode = WithoutFormatCharacters(unicode);
  // Romanian ș and ț are often typed with a cedilla (ş, ţ: legacy keyboards and encodings, and
  // half of the AFINN-ro entries); one spelling so "mulţumit" and "mulțumit" are one word.
  unicode.findAndReplace(icu::UnicodeString(static_cast<UChar>(0x015F)), icu::UnicodeString(static_cast<UChar>(0x0219)));
  unicode.findAndReplace(icu::UnicodeString(static_cast<UChar>(0x0163)), icu::UnicodeString(static_cast<UChar>(0x021B)));
  std::string folded;
  unicode.toUTF8String(folded);
  return folded;
}

// "sooooo" -> "soo": any code point repeated 3+ times is kept twice.
std::string CutElongation(const std::string& word) {
  std::string cut;
  int32_t offset = 0;
  const int32_t length = static_cast<int32_t>(word.size());
  UChar32 previous = -1;
  int repeats = 0;
  while (offset < length) {
    const int32_t start = offset;
    UChar32 code_point;
    U8_NEXT(word.data(), offset, length, code_point);
    repeats = code_point == previous ? repeats + 1 : 1;
    previous = code_point;
    if (repeats <= 2) cut.append(word, static_cast<std::size_t>(start), static_cast<std::size_t>(offset - start));
  }
  return cut;
}

bool IsEmoji(UChar32 code_point) {
  return u_hasBinaryProperty(code_point, UCHAR_EXTENDED_PICTOGRAPHIC) ||
         (code_point >= 0x1F1E6 && code_point <= 0x1F1FF);  // regional indicators (flags)
}

bool IsWordPart(UChar32 code_point) {
  return u_isalpha(code_point) || u_hasBinaryProperty(code_point, UCHAR_DIACRITIC) ||
         u_charType(code_point) == U_NON_SPACING_MARK;
}

// The code point at `offset` (negative when invalid or at the end) and, in *next, where the one
// after it starts: a look-ahead that moves nothing until the caller accepts it.
UChar32 PeekCodePoint(const std::string& text, int32_t offset, int32_t* next) {
  const int32_t length = static_cast<int32_t>(text.size());
  *next = offset;
  if (offset >= length) return -1;
  UChar32 code_point;
  U8_NEXT(text.data(), *next, length, code_point);
  return code_point;
}

}  // namespace

bool IsNegator(std::string_view folded_word) {
  for (std::string_view negator : kNegators) {
    if (folded_word == negator) return true;
  }
  return folded_word.size() > 3 && folded_word.ends_with("n't");
}

std::vector<Token> Tokenize(std::string_view raw_text) {
  const std::string text = FoldCase(raw_text);
  std::vector<Token> tokens;
  bool is_negated = false;
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t offset = 0;
  while (offset < length) {
    // Emoticons first: they are made of punctuation the rest would split.
    bool is_emoticon = false;
    const char first = text[static_cast<std::size_t>(offset)];
    const bool may_be_emoticon = first == ':' || first == ';' || first == '<' || first == 'x' || first == '^';
    for (std::string_view emoticon : kEmoticons) {
      if (!may_be_emoticon) break;
      // "xd" only as a whole token, not inside "xdxd" words or after letters.
      const bool is_wordlike = emoticon == "xd";
      if (text.compare(static_cast<std::size_t>(offset), emoticon.size(), emoticon) == 0 &&
          (!is_wordlike || ((offset == 0 || text[offset - 1] == ' ') &&
                            (offset + 2 == length || text[offset + 2] == ' ')))) {
        tokens.push_back({std::string(emoticon), Token::Kind::kEmoticon});
        offset += static_cast<int32_t>(emoticon.size());
        is_emoticon = true;
        break;
      }
    }
    if (is_emoticon) continue;

    const int32_t start = offset;
    UChar32 code_point;
    U8_NEXT(text.data(), offset, length, code_point);
    if (code_point < 0) continue;  // invalid byte: skipped

    if (IsWordPart(code_point)) {
      int32_t end = offset;
      while (end < length) {
        int32_t next = 0;
        const UChar32 following = PeekCodePoint(text, end, &next);
        if (following >= 0 && IsWordPart(following)) {
          end = next;
          continue;
        }
        // An apostrophe or hyphen inside a word ("don't", "e-post") keeps it whole.
        int32_t after = 0;
        if ((following == '\'' || following == 0x2019 || following == '-') &&
            IsWordPart(std::max<UChar32>(PeekCodePoint(text, next, &after), 0))) {
          end = after;
          continue;
        }
        break;
      }
      std::string word = text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start));
      // Typographic apostrophes read as plain ones, so "don’t" is "don't".
      if (word.find("\xe2\x80\x99") != std::string::npos) {
        std::string plain;
        for (std::size_t at = 0; at < word.size(); ++at) {
          if (word.compare(at, 3, "\xe2\x80\x99") == 0) {
            plain.push_back('\'');
            at += 2;
          } else {
            plain.push_back(word[at]);
          }
        }
        word = std::move(plain);
      }
      word = CutElongation(word);
      offset = end;
      if (IsInScopeBreakers(word)) is_negated = false;
      const bool is_negator = IsNegator(word);
      if (is_negated && !is_negator) word.insert(0, "neg_");
      tokens.push_back({std::move(word), Token::Kind::kWord});
      if (is_negator) is_negated = true;
    } else if (u_isdigit(code_point)) {
      int32_t next = 0;
      for (UChar32 following = PeekCodePoint(text, offset, &next);
           following >= 0 && (u_isdigit(following) || following == '.' || following == ',');
           following = PeekCodePoint(text, offset, &next)) {
        offset = next;
      }
      tokens.push_back({"<num>", Token::Kind::kNumber});
    } else if (IsEmoji(code_point)) {
      // An emoji with its modifiers and joined emoji (skin tones, ZWJ sequences) is one token.
      while (true) {
        int32_t next = 0;
        const UChar32 following = PeekCodePoint(text, offset, &next);
        if (following == 0xFE0F || (following >= 0x1F3FB && following <= 0x1F3FF)) {
          offset = next;  // variation selector or skin tone
        } else if (following == 0x200D && next < length) {
          PeekCodePoint(text, next, &offset);  // zero-width joiner: take the emoji it joins
        } else {
          break;
        }
      }
      tokens.push_back({text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(offset - start)),
                        Token::Kind::kEmoji});
    } else if (code_point == '!' || code_point == '?') {
      while (offset < length && (text[offset] == '!' || text[offset] == '?')) ++offset;
      const std::string run = text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(offset - start));
      tokens.push_back({run.size() > 1 ? run.substr(0, 2) : run, Token::Kind::kPunctuation});
      is_negated = false;
    } else if (code_point == '.' || code_point == ',' || code_point == ';' || code_point == ':') {
      is_negated = false;  // clause break ends a negation's scope
    }
  }
  return tokens;
}

}  // namespace cxm::text
