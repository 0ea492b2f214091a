// Redacts personal data from free text before it is stored (SPEC §4.1): e-mail addresses, phone
// numbers, payment cards (Luhn), IBANs (mod 97) and national ids with their check digits
// (Swedish personnummer, Norwegian fødselsnummer, Danish CPR, Romanian CNP). Each match is
// replaced by a typed placeholder: [EMAIL], [PHONE], [CARD], [IBAN], [NATIONAL_ID].
//
// Matching uses RE2, whose run time is linear in the input, so hostile text cannot stall it.
// Numbers whose check digits fail are left as they are (they are order numbers, amounts, dates),
// unless they have the shape of a phone number.
//
// Thread-safe: Redact is const and may be called from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace cxm::ingest {

class PiiRedactor {
 public:
  PiiRedactor();
  ~PiiRedactor();
  PiiRedactor(const PiiRedactor&) = delete;
  PiiRedactor& operator=(const PiiRedactor&) = delete;

  std::string Redact(std::string_view text) const;

 private:
  std::unique_ptr<re2::RE2> candidates_;
};

// Classifies one run of digits and separators as found in text ("070-123 45 67"); returns the
// placeholder ("[PHONE]") or an empty view when the run is not personal data. Exposed for tests.
std::string_view ClassifyNumber(std::string_view run);

}  // namespace cxm::ingest
