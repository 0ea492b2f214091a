// Check-digit validation for the identifiers PII redaction looks for. Each function takes the
// digits (or, for IBAN, the alphanumerics) with separators already removed.
#pragma once

#include <string_view>

namespace cxm::ingest {

// Luhn (ISO/IEC 7812) over all digits, as used by payment cards.
bool IsValidLuhn(std::string_view digits);

// Payment card: 13-19 digits passing Luhn.
bool IsValidCardNumber(std::string_view digits);

// IBAN (ISO 13616): country letters, check digits, BBAN; remainder mod 97 must be 1.
bool IsValidIban(std::string_view iban);

// Swedish personnummer / samordningsnummer: 10 digits YYMMDDNNNC or 12 digits YYYYMMDDNNNC;
// Luhn over the 10-digit form; day may be +60 (samordningsnummer).
bool IsValidSwedishPersonnummer(std::string_view digits);

// Norwegian fødselsnummer / D-nummer: 11 digits DDMMYYIIIKK with two mod-11 check digits.
bool IsValidNorwegianFodselsnummer(std::string_view digits);

// Danish CPR: 10 digits DDMMYYSSSS, a valid date and the modulus-11 check (weights 4327654321).
// Note: CPR numbers issued since 2007 may fail modulus 11; those are not recognised.
bool IsValidDanishCpr(std::string_view digits);

// Romanian CNP: 13 digits SYYMMDDJJNNNC, weights 279146358279, remainder 10 → 1.
bool IsValidRomanianCnp(std::string_view digits);

}  // namespace cxm::ingest
