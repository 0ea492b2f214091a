#include "ingest/pii_redactor.h"

#include <re2/re2.h>

#include <algorithm>
#include <vector>

#include "common/check.h"
#include "ingest/national_id.h"

namespace cxm::ingest {
namespace {

constexpr std::string_view kEmail = "[EMAIL]";
constexpr std::string_view kPhone = "[PHONE]";
constexpr std::string_view kCard = "[CARD]";
constexpr std::string_view kIban = "[IBAN]";
constexpr std::string_view kNationalId = "[NATIONAL_ID]";

// Group 1: e-mail (a local host such as anna@localhost too). Group 2: IBAN-shaped (letters,
// check digits, up to 30 alphanumerics in optional groups). Group 3: a run of digits with single
// space, hyphen or dot separators, optionally led by '+' or by an area code in parentheses
// ("(070) 123 45 67").
constexpr char kCandidatePattern[] =
    R"(([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*))"
    R"(|\b([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30})\b)"
    R"(|(\+?(?:\([0-9]{1,5}\) ?)?[0-9](?:[ \-.]?[0-9])*))";

// Words that label the number right after them as an order, invoice or parcel number, in the
// five languages: "ordernr 0123456789" is not a phone number. Only the one or two tokens just
// before the number count ("order nr 0123456789", "#0123456789"), so "my order is late, call
// 0701234567" is still redacted.
constexpr std::string_view kReferenceWords[] = {
    "order",   "ordre",  "beställning", "bestilling", "comand", "invoice", "faktura", "factur",
    "ref",     "tracking", "sändning",  "forsendelse", "colet", "kolli",   "awb",     "kundnr",
    "kundenr", "#"};

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool FollowsReferenceWord(std::string_view text, std::size_t begin) {
  std::size_t end = begin;
  for (int token_idx = 0; token_idx < 2; ++token_idx) {
    while (end > 0 && text[end - 1] == ' ') --end;
    std::size_t token_begin = end;
    while (token_begin > 0 && text[token_begin - 1] != ' ' && end - token_begin < 24) --token_begin;
    if (token_begin == end) return false;
    std::string token;
    for (std::size_t idx = token_begin; idx < end; ++idx) {
      const char c = text[idx];
      token += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    for (std::string_view word : kReferenceWords) {
      if (token.starts_with(word)) return true;
    }
    end = token_begin;
  }
  return false;
}

std::string DigitsOf(std::string_view run) {
  std::string digits;
  for (char c : run) {
    if (c >= '0' && c <= '9') digits += c;
  }
  return digits;
}

std::vector<std::string_view> SplitOn(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

bool IsNationalId(const std::string& digits) {
  switch (digits.size()) {
    case 10: return IsValidSwedishPersonnummer(digits) || IsValidDanishCpr(digits);
    case 11: return IsValidNorwegianFodselsnummer(digits);
    case 12: return IsValidSwedishPersonnummer(digits);
    case 13: return IsValidRomanianCnp(digits);
    default: return false;
  }
}

// "2024-03-05", "05-03-2024" at the start of a run: a date, not a phone number.
bool StartsWithDate(std::string_view run) {
  const auto is_digits = [](std::string_view part, std::size_t length) {
    if (part.size() != length) return false;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  const std::vector<std::string_view> parts = SplitOn(run.substr(0, 10), '-');
  if (parts.size() != 3) return false;
  return (is_digits(parts[0], 4) && is_digits(parts[1], 2) && is_digits(parts[2], 2)) ||
         (is_digits(parts[0], 2) && is_digits(parts[1], 2) && is_digits(parts[2], 4));
}

bool HasGroupShape(std::string_view run, const std::vector<std::size_t>& shape) {
  const std::vector<std::string_view> groups = SplitOn(run, ' ');
  if (groups.size() != shape.size()) return false;
  for (std::size_t group_idx = 0; group_idx < shape.size(); ++group_idx) {
    if (groups[group_idx].size() != shape[group_idx]) return false;
  }
  return true;
}

std::string_view ClassifyWholeRun(std::string_view run) {
  const std::string digits = DigitsOf(run);
  if (run.front() == '+') {
    return (digits.size() >= 8 && digits.size() <= 15) ? kPhone : std::string_view();
  }
  if (IsNationalId(digits)) return kNationalId;
  if (IsValidCardNumber(digits)) return kCard;
  if (digits.size() >= 10 && digits.size() <= 15 && digits.starts_with("00")) return kPhone;
  if (digits.size() >= 9 && digits.size() <= 11 && digits.front() == '0' && !StartsWithDate(run)) {
    return kPhone;
  }
  // Eight-digit Danish and Norwegian numbers written in their usual groups.
  if (digits.size() == 8 && (HasGroupShape(run, {2, 2, 2, 2}) || HasGroupShape(run, {3, 2, 3}))) {
    return kPhone;
  }
  return {};
}

}  // namespace

// No identifier cxm looks for is longer than this, separators included ("+46 (0)70 ..." and
// grouped IBAN-less cards fit); longer runs are never one identifier.
constexpr std::size_t kMaxIdentifierChars = 32;
constexpr std::size_t kMaxIdentifierPieces = 8;

std::string_view ClassifyNumber(std::string_view run) {
  if (run.empty() || run.size() > kMaxIdentifierChars) return {};
  return ClassifyWholeRun(run);
}

PiiRedactor::PiiRedactor() {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  candidates_ = std::make_unique<RE2>(kCandidatePattern, options);
  CXM_CHECK(candidates_->ok()) << candidates_->error();
}

PiiRedactor::~PiiRedactor() = default;

namespace {

// Replaces the digit run with placeholders: the whole run if it classifies, otherwise the
// longest classifying spans of its space-separated pieces ("811218-9874 0701234567").
void RedactNumberRun(std::string_view run, std::string* out) {
  if (std::string_view placeholder = ClassifyNumber(run); !placeholder.empty()) {
    out->append(placeholder);
    return;
  }
  const std::vector<std::string_view> pieces = SplitOn(run, ' ');
  if (pieces.size() == 1) {
    out->append(run);
    return;
  }
  std::size_t piece_idx = 0;
  while (piece_idx < pieces.size()) {
    std::size_t matched_end = 0;  // exclusive end piece of the longest classifying span
    std::string_view placeholder;
    // Spans are bounded, so a megabyte of digits costs linear time, not cubic.
    const std::size_t last_end = std::min(pieces.size(), piece_idx + kMaxIdentifierPieces);
    for (std::size_t end = last_end; end > piece_idx; --end) {
      const char* span_begin = pieces[piece_idx].data();
      const char* span_end = pieces[end - 1].data() + pieces[end - 1].size();
      std::string_view span(span_begin, static_cast<std::size_t>(span_end - span_begin));
      placeholder = ClassifyNumber(span);
      if (!placeholder.empty()) {
        matched_end = end;
        break;
      }
    }
    if (piece_idx > 0) out->push_back(' ');
    if (matched_end > 0) {
      out->append(placeholder);
      piece_idx = matched_end;
    } else {
      out->append(pieces[piece_idx]);
      ++piece_idx;
    }
  }
}

// An IBAN candidate may have swallowed the next upper-case word ("... 7466 OK"): drop trailing
// space-separated groups until the check digits agree.
std::size_t ValidIbanPrefixLength(std::string_view candidate) {
  while (true) {
    std::string compact;
    for (char c : candidate) {
      if (c != ' ') compact += c;
    }
    if (compact.size() < 15) return 0;
    if (IsValidIban(compact)) return candidate.size();
    const std::size_t last_space = candidate.rfind(' ');
    if (last_space == std::string_view::npos) return 0;
    candidate = candidate.substr(0, last_space);
  }
}

bool MayContainPii(std::string_view text) {
  for (char c : text) {
    if ((c >= '0' && c <= '9') || c == '@') return true;
  }
  return false;
}

}  // namespace

std::string PiiRedactor::Redact(std::string_view text) const {
  if (!MayContainPii(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t position = 0;
  re2::StringPiece groups[4];
  const re2::StringPiece input(text.data(), text.size());
  while (position < text.size() &&
         candidates_->Match(input, position, text.size(), RE2::UNANCHORED, groups, 4)) {
    const std::size_t match_begin = static_cast<std::size_t>(groups[0].data() - text.data());
    const std::size_t match_end = match_begin + groups[0].size();
    out.append(text.substr(position, match_begin - position));
    const std::string_view match(groups[0].data(), groups[0].size());
    if (groups[1].data() != nullptr) {
      out.append(kEmail);
    } else if (groups[2].data() != nullptr) {
      const std::size_t iban_length = ValidIbanPrefixLength(match);
      if (iban_length > 0) {
        out.append(kIban);
        out.append(match.substr(iban_length));
      } else {
        out.append(match);
      }
    } else if ((match_begin > 0 && IsAsciiAlnum(text[match_begin - 1])) ||
               (match_end < text.size() && IsAsciiAlnum(text[match_end]))) {
      out.append(match);  // digits inside a code: JJD0001234567890, A1234567890B
    } else if (ClassifyNumber(match) == kPhone && FollowsReferenceWord(text, match_begin)) {
      out.append(match);  // a labelled order or parcel number of a phone number's length
    } else {
      RedactNumberRun(match, &out);
    }
    position = match_end > match_begin ? match_end : match_end + 1;
  }
  if (position < text.size()) out.append(text.substr(position));
  return out;
}

}  // namespace cxm::ingest
