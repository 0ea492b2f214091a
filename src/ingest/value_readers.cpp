#include "ingest/value_readers.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace cxm::ingest {
namespace {

// Formats accepted besides ISO 8601 (which TIMESTAMPTZ parses, with or without offset). Slashed
// dates are day-first, as in the Nordics, Romania and the UK.
constexpr char kTimestampFormats[] =
    "['%d.%m.%Y %H:%M:%S', '%d.%m.%Y %H:%M', '%d.%m.%Y', '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', "
    "'%d/%m/%Y', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M', '%Y/%m/%d', '%d-%m-%Y %H:%M:%S', "
    "'%d-%m-%Y %H:%M', '%d-%m-%Y', '%Y%m%d', '%Y%m%dT%H%M%S']";

}  // namespace

// The timestamp reader for a source's zone. Without a zone (UTC) a text without an offset is
// UTC, which TIMESTAMPTZ's own cast does. With one, the cast cannot be told the zone (the
// session's TimeZone is locked with the rest of the store's configuration, docs/security.md):
// a text that carries an offset (Z, +01, +01:00) is cast as before, one that does not is read as
// a wall-clock time in the zone. `zone` must be a name DuckDB knows (checked by the caller).
std::string TimestampMacroSql(const std::string& zone) {
  const std::string unix_seconds =
      "CASE WHEN regexp_full_match(CAST(x AS VARCHAR), '[0-9]{9,10}') "
      "THEN cxm_utc(to_timestamp(TRY_CAST(x AS BIGINT))) END";
  if (zone.empty()) {
    return fmt::format(R"sql(
CREATE OR REPLACE TEMP MACRO cxm_ts(x) AS (CASE WHEN x IS NULL THEN NULL ELSE coalesce(
  cxm_utc(TRY_CAST(cxm_offset_text(x) AS TIMESTAMPTZ)),
  try_strptime(CAST(x AS VARCHAR), {0}),
  {1}) END);
)sql",
                       kTimestampFormats, unix_seconds);
  }
  const std::string zone_literal = QuoteLiteral(zone);
  return fmt::format(R"sql(
CREATE OR REPLACE TEMP MACRO cxm_ts(x) AS (CASE WHEN x IS NULL THEN NULL ELSE coalesce(
  CASE WHEN regexp_matches(CAST(x AS VARCHAR),
                           '[0-9]:[0-9][0-9](:[0-9][0-9](\.[0-9]*)?)? *(Z|z|UTC|[+-][0-9][0-9](:?[0-9][0-9])?) *$')
       THEN cxm_utc(TRY_CAST(cxm_offset_text(x) AS TIMESTAMPTZ))
       ELSE cxm_utc(timezone({2}, TRY_CAST(x AS TIMESTAMP))) END,
  cxm_utc(timezone({2}, try_strptime(CAST(x AS VARCHAR), {0}))),
  {1}) END);
)sql",
                     kTimestampFormats, unix_seconds, zone_literal);
}

// SQL helpers available to mapping expressions and used by validation. Each returns NULL for a
// value it cannot read, which validation turns into a reject. cxm_utc takes a TIMESTAMPTZ to a
// plain UTC TIMESTAMP by arithmetic, several times faster than timezone('UTC', x).
//
// Whole numbers are plain decimal digits (a sign and a zero fraction as in 9.0, which exports
// from data frames write, allowed): 7.5, 0x0A, 1e1 or 1_0 are not read as numbers, where
// DuckDB's own cast would round 7.5 to 8 and read the others as 10.
std::string HelperMacrosSql() {
  return R"sql(
CREATE OR REPLACE TEMP MACRO cxm_utc(tstz) AS make_timestamp(epoch_us(tstz));
-- "2015-02-24 11:35:52 -0800" (a space before the offset, as Twitter's exports write it) with the
-- space dropped: DuckDB reads " -0800" as a zone name and searches every zone for it (0.35 ms a
-- value), so only values with a space before a sign pay for the pattern.
CREATE OR REPLACE TEMP MACRO cxm_offset_text(x) AS (CASE
  WHEN contains(CAST(x AS VARCHAR), ' -') OR contains(CAST(x AS VARCHAR), ' +')
  THEN regexp_replace(CAST(x AS VARCHAR), ' +([+-][0-9][0-9](:?[0-9][0-9])?) *$', '\1')
  ELSE CAST(x AS VARCHAR) END);
CREATE OR REPLACE TEMP MACRO cxm_double_any(x) AS
  coalesce(TRY_CAST(x AS DOUBLE), TRY_CAST(replace(CAST(x AS VARCHAR), ',', '.') AS DOUBLE));
CREATE OR REPLACE TEMP MACRO cxm_double(x) AS
  (CASE WHEN isfinite(cxm_double_any(x)) THEN cxm_double_any(x) END);
CREATE OR REPLACE TEMP MACRO cxm_int(x) AS (CASE
  WHEN regexp_full_match(trim(CAST(x AS VARCHAR)), '[+-]?[0-9]{1,15}(\.0+)?')
  THEN CAST(CAST(trim(CAST(x AS VARCHAR)) AS DECIMAL(18, 1)) AS BIGINT) END);
CREATE OR REPLACE TEMP MACRO cxm_bool(x) AS (CASE
  WHEN lower(trim(CAST(x AS VARCHAR))) IN ('true', 't', '1', 'yes', 'y', 'ja', 'j', 'da') THEN true
  WHEN lower(trim(CAST(x AS VARCHAR))) IN ('false', 'f', '0', 'no', 'n', 'nej', 'nei', 'nu') THEN false
  END);
)sql" + TimestampMacroSql("");
}

}  // namespace cxm::ingest
