#include "derive/text_scoring.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "store/schema.h"
#include "text/language_id.h"

namespace cxm::derive {
namespace {

constexpr std::size_t kBatchTexts = 16384;

// A text waiting for its score, with the key it is stored under.
struct PendingText {
  bool is_message = true;
  std::string interaction_id;
  std::int64_t seq = 0;
  std::string feedback_id;
  std::string text;
  std::string language;  // the customer's, normalised; empty when unknown
};

Status AppendScores(store::Appender& appender, const std::vector<PendingText>& pending,
                    const std::vector<text::EmotionResult>& results) {
  const std::vector<std::string>& sentiments = text::ViewLabels(text::View::kSentiment);
  const std::vector<std::string>& emotions = text::ViewLabels(text::View::kGoEmotions);
  for (std::size_t idx = 0; idx < pending.size(); ++idx) {
    const PendingText& item = pending[idx];
    const text::EmotionResult& result = results[idx];
    CXM_TRY(appender.Append(std::string_view(item.is_message ? "message" : "feedback")));
    if (item.is_message) {
      CXM_TRY(appender.Append(std::string_view(item.interaction_id)));
      CXM_TRY(appender.Append(item.seq));
      CXM_TRY(appender.AppendNull());
    } else {
      CXM_TRY(appender.AppendNull());
      CXM_TRY(appender.AppendNull());
      CXM_TRY(appender.Append(std::string_view(item.feedback_id)));
    }
    CXM_TRY(appender.Append(std::string_view(result.language)));
    CXM_TRY(appender.Append(static_cast<double>(result.valence)));
    CXM_TRY(appender.Append(static_cast<double>(result.arousal)));
    const std::vector<int>& sentiment = result.predicted[static_cast<int>(text::View::kSentiment)];
    if (sentiment.empty()) {
      CXM_TRY(appender.AppendNull());
    } else {
      CXM_TRY(appender.Append(std::string_view(sentiments[sentiment.front()])));
    }
    // The strongest of the 27 emotions (neutral aside, unless nothing else is there).
    const std::vector<float>& probabilities = result.probabilities[static_cast<int>(text::View::kGoEmotions)];
    int top = -1;
    for (int label = 0; label < static_cast<int>(probabilities.size()); ++label) {
      if (emotions[label] == "neutral") continue;
      if (top < 0 || probabilities[label] > probabilities[top]) top = label;
    }
    if (top < 0) {
      CXM_TRY(appender.AppendNull());
      CXM_TRY(appender.AppendNull());
    } else {
      CXM_TRY(appender.Append(std::string_view(emotions[top])));
      CXM_TRY(appender.Append(static_cast<double>(probabilities[top])));
    }
    CXM_TRY(appender.EndRow());
  }
  return Status::Ok();
}

}  // namespace

Result<InteractionLanguages> InteractionLanguages::Load(store::Connection& connection) {
  CXM_ASSIGN_OR_RETURN(store::QueryResult rows, connection.Query(
      "SELECT hash(i.interaction_id), c.language FROM interactions i "
      "JOIN customers c ON c.customer_id = i.customer_id WHERE c.language IS NOT NULL"));
  InteractionLanguages languages;
  while (std::optional<store::DataChunk> chunk = rows.NextChunk()) {
    const store::ColumnView hash = chunk->Column(0);
    const store::ColumnView language = chunk->Column(1);
    for (std::uint64_t row = 0; row < chunk->RowCount(); ++row) languages.Add(hash.UInt64(row), language.Text(row));
  }
  languages.Finish();
  return languages;
}

void InteractionLanguages::Add(std::uint64_t hash, std::string_view code) {
  // Customers' codes come in runs of few values: normalise on change only.
  if (keys_.empty() || code != last_code_) {
    last_index_ = IndexOf(code);
    last_code_.assign(code);
  }
  keys_.push_back((hash & kHashBits) | last_index_);
}

void InteractionLanguages::Finish() {
  std::sort(keys_.begin(), keys_.end());
  // Equal hashes with different languages: none of them keeps one.
  for (std::size_t first = 0; first < keys_.size();) {
    std::size_t end = first + 1;
    bool languages_differ = false;
    while (end < keys_.size() && (keys_[end] & kHashBits) == (keys_[first] & kHashBits)) {
      languages_differ = languages_differ || keys_[end] != keys_[first];
      ++end;
    }
    if (languages_differ) {
      for (std::size_t idx = first; idx < end; ++idx) keys_[idx] &= kHashBits;
    }
    first = end;
  }
}

const std::string& InteractionLanguages::Of(std::uint64_t hash) const {
  const auto found = std::lower_bound(keys_.begin(), keys_.end(), hash & kHashBits);
  if (found == keys_.end() || (*found & kHashBits) != (hash & kHashBits)) return languages_.front();
  return languages_[*found & ~kHashBits];
}

std::uint64_t InteractionLanguages::IndexOf(std::string_view code) {
  // Unsupported codes are as good as none to the engine, and keep the index within 8 bits.
  const std::string normalised = text::NormalizeLanguageCode(code);
  if (!text::IsSupportedLanguage(normalised)) return 0;
  const auto found = std::find(languages_.begin(), languages_.end(), normalised);
  if (found != languages_.end()) return static_cast<std::uint64_t>(found - languages_.begin());
  languages_.push_back(normalised);
  return languages_.size() - 1;
}

Result<ScoringSummary> ScoreNewTexts(store::Database& database, store::Connection& connection,
                                     const text::EmotionModel& model,
                                     const ScoringProgress& progress) {
  const auto started = std::chrono::steady_clock::now();
  CXM_TRY(connection.Execute(store::TextEmotionsDdl()));  // a store migrated before v3 may lack it
  // Each text with its writer's language (customers.language): the engine takes it where the
  // text alone leaves the language unsure (short texts; Swedish, Norwegian and Danish).
  // Customer turns find it through InteractionLanguages (built on the first that needs it, so
  // a run with nothing new never builds it); feedback, far fewer rows, through the join.
  const std::string unscored =
      "SELECT true AS is_message, m.interaction_id, m.seq, NULL::VARCHAR AS feedback_id, m.text, "
      "NULL::VARCHAR AS language, hash(m.interaction_id) AS interaction_hash "
      "FROM messages m "
      "WHERE m.speaker = 'customer' AND m.text IS NOT NULL AND NOT EXISTS ("
      "  SELECT 1 FROM text_emotions t WHERE t.source = 'message' "
      "  AND t.interaction_id = m.interaction_id AND t.seq = m.seq) "
      "UNION ALL "
      "SELECT false, NULL, NULL, f.feedback_id, f.text, c.language, NULL FROM feedback f "
      "LEFT JOIN interactions i ON i.interaction_id = f.interaction_id "
      "LEFT JOIN customers c ON c.customer_id = coalesce(f.customer_id, i.customer_id) "
      "WHERE f.text IS NOT NULL AND NOT EXISTS ("
      "  SELECT 1 FROM text_emotions t WHERE t.source = 'feedback' AND t.feedback_id = f.feedback_id)";
  // The progress line's total: texts less scores, plain counts. The anti-join itself runs once,
  // below (counting through it first doubled the time of a run with nothing new: 11-17 s at 1M
  // customers). Scores of texts since removed make this an estimate, and only the display uses it.
  CXM_ASSIGN_OR_RETURN(store::QueryResult count, connection.Query(
      "SELECT greatest(0, (SELECT count(*) FROM messages WHERE speaker = 'customer' AND text IS NOT NULL)"
      " + (SELECT count(*) FROM feedback WHERE text IS NOT NULL) - (SELECT count(*) FROM text_emotions))"));
  const std::int64_t total = count.ScalarInt64().value_or(0);

  CXM_ASSIGN_OR_RETURN(store::Connection writer, database.Connect());
  CXM_ASSIGN_OR_RETURN(store::Appender appender, writer.CreateAppender("text_emotions"));
  CXM_ASSIGN_OR_RETURN(store::QueryResult rows, connection.Query(unscored));
  ScoringSummary summary;
  std::optional<InteractionLanguages> interaction_languages;
  std::vector<PendingText> pending;
  std::vector<std::string> texts, languages;
  const auto flush = [&]() -> Status {
    if (pending.empty()) return Status::Ok();
    texts.clear();
    languages.clear();
    for (PendingText& item : pending) {
      texts.push_back(std::move(item.text));
      languages.push_back(std::move(item.language));
    }
    const std::vector<text::EmotionResult> results = model.AnalyzeBatch(texts, 0, languages);
    CXM_TRY(AppendScores(appender, pending, results));
    // Each batch is committed as it is scored: a run killed later keeps it, and the next run
    // scores only what is still missing.
    CXM_TRY(appender.Flush());
    summary.texts_scored += static_cast<std::int64_t>(pending.size());
    pending.clear();
    if (progress) progress(summary.texts_scored, std::max(total, summary.texts_scored));
    return Status::Ok();
  };
  while (std::optional<store::DataChunk> chunk = rows.NextChunk()) {
    const store::ColumnView is_message = chunk->Column(0);
    const store::ColumnView interaction_id = chunk->Column(1);
    const store::ColumnView seq = chunk->Column(2);
    const store::ColumnView feedback_id = chunk->Column(3);
    const store::ColumnView text = chunk->Column(4);
    const store::ColumnView language = chunk->Column(5);
    const store::ColumnView interaction_hash = chunk->Column(6);
    for (std::uint64_t row = 0; row < chunk->RowCount(); ++row) {
      PendingText item;
      item.is_message = is_message.Bool(row);
      if (item.is_message) {
        item.interaction_id = interaction_id.Text(row);
        item.seq = seq.Int64(row);
        if (!interaction_languages) {  // its own connection: `rows` streams on `connection`
          CXM_ASSIGN_OR_RETURN(store::Connection lookup, database.Connect());
          CXM_ASSIGN_OR_RETURN(InteractionLanguages loaded, InteractionLanguages::Load(lookup));
          interaction_languages = std::move(loaded);
        }
        item.language = interaction_languages->Of(interaction_hash.UInt64(row));
      } else {
        item.feedback_id = feedback_id.Text(row);
        if (!language.IsNull(row)) item.language = text::NormalizeLanguageCode(language.Text(row));
      }
      item.text = text.Text(row);
      pending.push_back(std::move(item));
    }
    if (pending.size() >= kBatchTexts) CXM_TRY(flush());
  }
  CXM_TRY(flush());
  CXM_TRY(appender.Close());
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace cxm::derive
