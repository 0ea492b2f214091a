// bench/emotion_speed: texts/s of the emotion model on one core (language identification,
// tokenising, features, all heads, thresholds, valence/arousal: everything `cxm emotion` does
// per text but the JSON), over a file of one text per line.
//
//   build/release/bench/emotion_speed FILE [MODEL]
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "text/emotion_model.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: emotion_speed FILE [MODEL]\n";
    return 1;
  }
  const auto load_started = std::chrono::steady_clock::now();
  cxm::Result<cxm::text::EmotionModel> model =
      cxm::text::EmotionModel::Load(argc > 2 ? argv[2] : cxm::text::EmotionModel::DefaultPath());
  if (!model) {
    std::cerr << model.error().message() << "\n";
    return 1;
  }
  const double load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_started).count();
  std::ifstream file(argv[1]);
  std::vector<std::string> texts;
  for (std::string line; std::getline(file, line);) texts.push_back(line);
  const auto started = std::chrono::steady_clock::now();
  std::size_t predicted = 0;
  for (const std::string& text : texts) predicted += model->Analyze(text).predicted[0].size();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << fmt::format("cxm emotion model: {} texts in {:.2f} s = {:.0f} texts/s on one core "
                           "({} GoEmotions labels predicted); model loaded in {:.2f} s\n",
                           texts.size(), seconds, texts.size() / seconds, predicted, load_seconds);
  return 0;
}
