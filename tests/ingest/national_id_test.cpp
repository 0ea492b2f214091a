#include "ingest/national_id.h"

#include <gtest/gtest.h>

namespace cxm::ingest {
namespace {

// Valid numbers below were worked with each scheme's published algorithm; the invalid ones
// change only the last (check) digit.

TEST(NationalIdTest, LuhnAndCards) {
  EXPECT_TRUE(IsValidCardNumber("4111111111111111"));   // Visa test number
  EXPECT_TRUE(IsValidCardNumber("5555555555554444"));   // Mastercard test number
  EXPECT_FALSE(IsValidCardNumber("4111111111111112"));  // check digit off by one
  EXPECT_FALSE(IsValidCardNumber("411111111111"));      // 12 digits: too short for a card
}

TEST(NationalIdTest, Iban) {
  EXPECT_TRUE(IsValidIban("SE4550000000058398257466"));
  EXPECT_TRUE(IsValidIban("DK5000400440116243"));
  EXPECT_TRUE(IsValidIban("NO9386011117947"));
  EXPECT_TRUE(IsValidIban("RO49AAAA1B31007593840000"));
  EXPECT_FALSE(IsValidIban("SE4550000000058398257467"));
  EXPECT_FALSE(IsValidIban("se4550000000058398257466"));  // lower-case country code
}

TEST(NationalIdTest, SwedishPersonnummer) {
  EXPECT_TRUE(IsValidSwedishPersonnummer("8112189876"));
  EXPECT_TRUE(IsValidSwedishPersonnummer("198112189876"));  // with century
  EXPECT_FALSE(IsValidSwedishPersonnummer("8112189875"));
  EXPECT_FALSE(IsValidSwedishPersonnummer("8113189876"));   // month 13
}

TEST(NationalIdTest, NorwegianFodselsnummer) {
  EXPECT_TRUE(IsValidNorwegianFodselsnummer("15038512363"));
  EXPECT_TRUE(IsValidNorwegianFodselsnummer("01010112377"));
  EXPECT_FALSE(IsValidNorwegianFodselsnummer("15038512364"));  // second check digit wrong
  EXPECT_FALSE(IsValidNorwegianFodselsnummer("15038512463"));  // first check digit wrong
}

TEST(NationalIdTest, DanishCpr) {
  EXPECT_TRUE(IsValidDanishCpr("0707611006"));
  EXPECT_TRUE(IsValidDanishCpr("1503851004"));
  EXPECT_FALSE(IsValidDanishCpr("1503851005"));
  EXPECT_FALSE(IsValidDanishCpr("3202851004"));  // 32 February
}

TEST(NationalIdTest, RomanianCnp) {
  EXPECT_TRUE(IsValidRomanianCnp("1970512412347"));
  EXPECT_TRUE(IsValidRomanianCnp("2961223345675"));
  EXPECT_FALSE(IsValidRomanianCnp("1970512412348"));
  EXPECT_FALSE(IsValidRomanianCnp("0970512412347"));  // no sex/century digit 0
}

}  // namespace
}  // namespace cxm::ingest
