#include "ingest/national_id.h"

#include <array>
#include <cstddef>

namespace cxm::ingest {
namespace {

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int Digit(std::string_view digits, std::size_t index) { return digits[index] - '0'; }
int TwoDigits(std::string_view digits, std::size_t index) {
  return Digit(digits, index) * 10 + Digit(digits, index + 1);
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool IsValidDate(int year, int month, int day) {
  static constexpr std::array<int, 12> kDaysInMonth = {31, 28, 31, 30, 31, 30,
                                                       31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  int days = kDaysInMonth[month - 1];
  if (month == 2 && IsLeapYear(year)) days = 29;
  return day <= days;
}

// Weighted sum mod 11 over the first weights.size() digits.
template <std::size_t N>
int WeightedMod11(std::string_view digits, const std::array<int, N>& weights) {
  int sum = 0;
  for (std::size_t index = 0; index < N; ++index) sum += Digit(digits, index) * weights[index];
  return sum % 11;
}

}  // namespace

bool IsValidLuhn(std::string_view digits) {
  if (!AllDigits(digits)) return false;
  int sum = 0;
  bool is_doubled = false;
  for (std::size_t index = digits.size(); index-- > 0;) {
    int value = Digit(digits, index);
    if (is_doubled) {
      value *= 2;
      if (value > 9) value -= 9;
    }
    sum += value;
    is_doubled = !is_doubled;
  }
  return sum % 10 == 0;
}

bool IsValidCardNumber(std::string_view digits) {
  return digits.size() >= 13 && digits.size() <= 19 && IsValidLuhn(digits);
}

bool IsValidIban(std::string_view iban) {
  if (iban.size() < 15 || iban.size() > 34) return false;
  for (std::size_t index = 0; index < 2; ++index) {
    if (iban[index] < 'A' || iban[index] > 'Z') return false;
  }
  if (!AllDigits(iban.substr(2, 2))) return false;
  // Move the first four characters to the end, letters become 10..35, then mod 97 piecewise.
  int remainder = 0;
  const auto feed = [&remainder](char c) -> bool {
    if (c >= '0' && c <= '9') {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
    return true;
  };
  for (std::size_t index = 4; index < iban.size(); ++index) {
    if (!feed(iban[index])) return false;
  }
  for (std::size_t index = 0; index < 4; ++index) {
    if (!feed(iban[index])) return false;
  }
  return remainder == 1;
}

bool IsValidSwedishPersonnummer(std::string_view digits) {
  if (!AllDigits(digits)) return false;
  int century_year = -1;
  if (digits.size() == 12) {
    century_year = TwoDigits(digits, 0) * 100;
    digits.remove_prefix(2);
  } else if (digits.size() != 10) {
    return false;
  }
  const int year_in_century = TwoDigits(digits, 0);
  const int month = TwoDigits(digits, 2);
  int day = TwoDigits(digits, 4);
  if (day > 60) day -= 60;  // samordningsnummer
  // Without the century, accept the date if it exists in either 19xx or 20xx.
  const bool is_date = century_year >= 0
                           ? IsValidDate(century_year + year_in_century, month, day)
                           : (IsValidDate(1900 + year_in_century, month, day) ||
                              IsValidDate(2000 + year_in_century, month, day));
  return is_date && IsValidLuhn(digits);
}

bool IsValidNorwegianFodselsnummer(std::string_view digits) {
  if (digits.size() != 11 || !AllDigits(digits)) return false;
  int day = TwoDigits(digits, 0);
  int month = TwoDigits(digits, 2);
  if (day > 40) day -= 40;      // D-nummer
  if (month > 40) month -= 40;  // H-nummer / synthetic test numbers (+40, +80)
  if (month > 40) month -= 40;
  const int year = TwoDigits(digits, 4);
  if (!IsValidDate(1900 + year, month, day) && !IsValidDate(2000 + year, month, day)) return false;
  static constexpr std::array<int, 9> kWeights1 = {3, 7, 6, 1, 8, 9, 4, 5, 2};
  static constexpr std::array<int, 10> kWeights2 = {5, 4, 3, 2, 7, 6, 5, 4, 3, 2};
  int check1 = 11 - WeightedMod11(digits, kWeights1);
  if (check1 == 11) check1 = 0;
  if (check1 == 10 || check1 != Digit(digits, 9)) return false;
  int check2 = 11 - WeightedMod11(digits, kWeights2);
  if (check2 == 11) check2 = 0;
  return check2 != 10 && check2 == Digit(digits, 10);
}

bool IsValidDanishCpr(std::string_view digits) {
  if (digits.size() != 10 || !AllDigits(digits)) return false;
  const int day = TwoDigits(digits, 0);
  const int month = TwoDigits(digits, 2);
  const int year = TwoDigits(digits, 4);
  if (!IsValidDate(1900 + year, month, day) && !IsValidDate(2000 + year, month, day)) return false;
  static constexpr std::array<int, 10> kWeights = {4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
  return WeightedMod11(digits, kWeights) == 0;
}

bool IsValidRomanianCnp(std::string_view digits) {
  if (digits.size() != 13 || !AllDigits(digits)) return false;
  const int sex_century = Digit(digits, 0);
  if (sex_century == 0) return false;
  int century = 1900;
  if (sex_century == 3 || sex_century == 4) century = 1800;
  if (sex_century == 5 || sex_century == 6) century = 2000;
  const int year = century + TwoDigits(digits, 1);
  const int month = TwoDigits(digits, 3);
  const int day = TwoDigits(digits, 5);
  // 7/8 (residents) and 9 (foreigners) carry no century: accept either.
  const bool is_date = (sex_century >= 7)
                           ? (IsValidDate(1900 + TwoDigits(digits, 1), month, day) ||
                              IsValidDate(2000 + TwoDigits(digits, 1), month, day))
                           : IsValidDate(year, month, day);
  if (!is_date) return false;
  static constexpr std::array<int, 12> kWeights = {2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9};
  int check = 0;
  for (std::size_t index = 0; index < kWeights.size(); ++index) check += Digit(digits, index) * kWeights[index];
  check %= 11;
  if (check == 10) check = 1;
  return check == Digit(digits, 12);
}

}  // namespace cxm::ingest
