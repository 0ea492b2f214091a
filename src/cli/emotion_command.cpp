#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/strings.h"
#include "text/emotion_model.h"
#include "text/language_id.h"

namespace cxm::cli {

// Emotions of a text, or of each stdin line, as one JSON object per line.
Command AddEmotionCommand(CLI::App& app) {
  auto text = std::make_shared<std::string>();
  auto model_path = std::make_shared<std::string>();
  auto language = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("emotion", "emotions, sentiment, valence and arousal of text, as JSON lines");
  command->add_option("text", *text, "the text (default: one text per line from stdin)");
  command->add_option("--model", *model_path, "model file (default: $CXM_MODEL or the committed model)");
  const std::string languages = Join(text::SupportedLanguages(), ", ");
  command->add_option("--language", *language,
                      "the language the writers are known to write (" + languages + "): taken where "
                      "the text alone leaves it unsure; a text reliably in another language keeps that one");
  return {command, [text, model_path, language, languages](const GlobalOptions&) -> Status {
    const std::string expected = text::NormalizeLanguageCode(*language);
    if (!language->empty() && !text::IsSupportedLanguage(expected)) {
      return Status::InvalidArgument("--language: '" + *language + "' is not one of " + languages);
    }
    CXM_ASSIGN_OR_RETURN(const text::EmotionModel model,
                         text::EmotionModel::Load(*model_path));
    if (!text->empty()) {
      std::cout << text::EmotionResultJson(model.Analyze(*text, expected)) << "\n";
      return Status::Ok();
    }
    const std::vector<std::string> expected_languages =
        expected.empty() ? std::vector<std::string>() : std::vector<std::string>{expected};
    // Batches keep every core busy while the output stays in input order.
    constexpr std::size_t kBatch = 8192;
    std::vector<std::string> lines;
    const auto flush = [&] {
      for (const text::EmotionResult& result : model.AnalyzeBatch(lines, 0, expected_languages)) {
        std::cout << text::EmotionResultJson(result) << '\n';
      }
      lines.clear();
    };
    for (std::string line; std::getline(std::cin, line);) {
      lines.push_back(std::move(line));
      if (lines.size() == kBatch) flush();
    }
    flush();
    std::cout.flush();
    return Status::Ok();
  }};
}

}  // namespace cxm::cli
