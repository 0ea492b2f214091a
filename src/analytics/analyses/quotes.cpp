// Quotes: redacted customer texts behind the findings (worst moments in support, how recovered
// customers end, the strongest reviews), and whether the loads redacted them.
#include "analytics/analyses/common.h"
#include "analytics/registry.h"

namespace cxm::analytics {

Result<std::vector<Finding>> RunQuotes(AnalysisContext& context) {
  CXM_ASSIGN_OR_RETURN(const store::Frame rows, Run(context.engine, "quotes.texts", R"sql(
    WITH turns AS (
      SELECT t.valence, m.text, i.touchpoint, i.interaction_id, m.seq, e.ending, i.outcome, t.language,
             m.seq = max(m.seq) OVER (PARTITION BY i.interaction_id) AS is_last
      FROM text_emotions t
      JOIN messages m ON m.interaction_id = t.interaction_id AND m.seq = t.seq
      JOIN interactions i ON i.interaction_id = t.interaction_id
      LEFT JOIN interaction_experience e ON e.interaction_id = i.interaction_id
      WHERE t.source = 'message' AND m.speaker = 'customer'),
    worst AS (
      SELECT 'worst moments in support' AS finding, text, language, valence FROM turns
      ORDER BY valence, interaction_id, seq LIMIT 4),
    recovered AS (
      SELECT 'how recovered customers end' AS finding, text, language, valence FROM turns
      WHERE is_last AND outcome = 'resolved' AND ending = 'positive'
      ORDER BY valence DESC, interaction_id LIMIT 4),
    reviews AS (
      SELECT CASE WHEN t.valence < 0 THEN 'negative reviews' ELSE 'positive reviews' END AS finding,
             f.text, t.language, t.valence,
             row_number() OVER (PARTITION BY t.valence < 0 ORDER BY abs(t.valence) DESC, f.feedback_id) AS rank
      FROM text_emotions t JOIN feedback f USING (feedback_id)
      WHERE t.source = 'feedback' AND f.kind IN ('review', 'social'))
    SELECT * FROM worst UNION ALL SELECT * FROM recovered
    UNION ALL SELECT finding, text, language, valence FROM reviews WHERE rank <= 3)sql"));
  // Whether the quoted texts were redacted is what the loads recorded, not an assumption: a
  // store loaded with --keep-pii says so in the title.
  CXM_ASSIGN_OR_RETURN(const store::Frame redaction, Run(context.engine, "quotes.redaction", R"sql(
    SELECT count(*) FILTER (WHERE pii_redacted = false), count(*) FILTER (WHERE pii_redacted IS NULL)
    FROM ingest_log WHERE target_table IN ('messages', 'feedback'))sql"));
  const bool has_unredacted = redaction.RowCount() > 0 && redaction.Number(0, 0) > 0;
  const bool has_unrecorded = redaction.RowCount() > 0 && redaction.Number(1, 0) > 0;
  Finding finding{.key = "quotes",
                  .title = has_unredacted   ? "What customers said (not redacted)"
                           : has_unrecorded ? "What customers said (redaction not recorded)"
                                            : "What customers said (redacted)",
                  .columns = {TextColumn("finding"), TextColumn("quote"), TextColumn("language"),
                              NumberColumn("valence", 2)}};
  for (std::size_t row = 0; row < rows.RowCount(); ++row) {
    std::string quote = rows.Text(1, row);
    if (quote.size() > 280) {
      std::size_t cut = 277;
      while (cut > 0 && (static_cast<unsigned char>(quote[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
      quote = quote.substr(0, cut) + "...";
    }
    finding.rows.push_back({rows.Text(0, row), quote, rows.Text(2, row), Num(rows.Number(3, row))});
  }
  finding.summary =
      has_unredacted
          ? "Texts as stored. Some were loaded with --keep-pii: they may hold e-mail addresses, phone numbers, "
            "card numbers and national ids."
      : has_unrecorded
          ? "Texts as stored. Some were loaded by a cxm that did not record whether it redacted them."
          : "Texts as stored: e-mail addresses, phone numbers, cards, IBANs and national ids were redacted on ingest.";
  if (has_unredacted) {
    finding.diagnostics.push_back({"personal_data", "Some texts were loaded with --keep-pii and are shown unredacted."});
  }
  return std::vector<Finding>{std::move(finding)};
}

}  // namespace cxm::analytics
