// How often redaction is wrong on a generated company's texts (cxm generate --out DIR), whose
// simulator plants contact details in 1.5% of conversations in known shapes (an e-mail address;
// 070-123 45 67, +47 and +45 with eight digits, 0722 123 456, +353 87 ...): the texts that get a placeholder
// although nothing was planted (false positives), and the planted details left in (misses).
//
//   build/release/bench/pii_accuracy DIR
#include <re2/re2.h>

#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "ingest/pii_redactor.h"
#include "store/duckdb.h"

namespace {

int CountOf(const std::string& text, std::string_view needle) {
  int count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: pii_accuracy DIR (a folder written by cxm generate)\n");
    return 2;
  }
  const std::string dir = argv[1];
  cxm::Result<cxm::store::Database> database = cxm::store::Database::Open(":memory:");
  if (!database.has_value()) return 2;
  cxm::Result<cxm::store::Connection> connection = database->Connect();
  cxm::Result<cxm::store::Statement> texts = connection->Prepare(
      "SELECT text FROM read_csv($1, all_varchar = true) WHERE text IS NOT NULL UNION ALL "
      "SELECT text FROM read_csv($2, all_varchar = true) WHERE text IS NOT NULL");
  if (!texts.has_value() || !texts->Bind(1, dir + "/messages.csv").ok() || !texts->Bind(2, dir + "/feedback.csv").ok()) {
    std::fprintf(stderr, "cannot read %s\n", dir.c_str());
    return 2;
  }
  cxm::Result<cxm::store::QueryResult> rows = texts->Execute();
  if (!rows.has_value()) {
    std::fprintf(stderr, "%s\n", rows.error().message().c_str());
    return 2;
  }
  const cxm::ingest::PiiRedactor redactor;
  // The shapes of simulator.cpp's MakeContactDetails, as the phrase banks write them.
  const RE2 planted_phone(R"((070-\d{3} \d\d \d\d|\+4[57]( ?\d){8}|0722 \d{3} \d{3}|\+353( ?\d){9}))");
  long long text_count = 0, planted_texts = 0, planted_items = 0, missed_items = 0, false_positive_texts = 0;
  std::string example;
  while (std::optional<cxm::store::DataChunk> chunk = rows->NextChunk()) {
    for (std::uint64_t row = 0; row < chunk->RowCount(); ++row) {
      const std::string text(chunk->Column(0).Text(row));
      ++text_count;
      int phones = 0;
      re2::StringPiece input(text);
      while (RE2::FindAndConsume(&input, planted_phone)) ++phones;
      const int emails = CountOf(text, "@");
      const std::string redacted = redactor.Redact(text);
      const int placeholders = CountOf(redacted, "[EMAIL]") + CountOf(redacted, "[PHONE]") + CountOf(redacted, "[CARD]") +
                               CountOf(redacted, "[IBAN]") + CountOf(redacted, "[NATIONAL_ID]");
      const int planted = phones + emails;
      planted_items += planted;
      planted_texts += planted > 0;
      if (placeholders > planted) {
        ++false_positive_texts;
        if (example.empty()) example = text + "  ->  " + redacted;
      }
      if (planted > placeholders) missed_items += planted - placeholders;
    }
  }
  std::printf("%s", fmt::format("{} texts, {} with planted contact details ({} items)\n"
                                "false positives: {} texts ({:.4f}% of texts without planted details)\n"
                                "missed: {} of {} planted items\n",
                                text_count, planted_texts, planted_items, false_positive_texts,
                                100.0 * static_cast<double>(false_positive_texts) /
                                    static_cast<double>(std::max(1LL, text_count - planted_texts)),
                                missed_items, planted_items).c_str());
  if (!example.empty()) std::printf("first false positive: %s\n", example.c_str());
  return 0;
}
