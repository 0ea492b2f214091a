// Compares an analysis's JSON with its golden file, or writes a golden file.
//
//   golden_compare GOLDEN NEW     exit 0 when NEW holds what GOLDEN holds, else 1 with the paths
//                                 that differ
//   golden_compare --write NEW    prints NEW as a golden file: numbers rounded to the decimals
//                                 their column shows, one value per line
//
// Strings, booleans, nulls, keys and array lengths compare exactly. A number compares at the
// precision the golden file states: rounded to the decimals its column shows (column_types) or,
// in a golden file written before columns said so, to as many decimals as it prints. Numbers
// outside rows (none today) compare at their printed decimals. That is
// what "the same figure" means for a report; last-bit differences of a sum's order do not count.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

using Json = nlohmann::ordered_json;

// Parses keeping each floating-point literal's text: a float becomes the string "\x01<text>".
class TextKeepingSax : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  explicit TextKeepingSax(Json& document) : json_sax_dom_parser(document, false) {}
  bool number_float(double, const std::string& text) {
    scratch_ = "\x01" + text;
    return string(scratch_);
  }

 private:
  std::string scratch_;
};

Json ReadGolden(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  Json root;
  TextKeepingSax sax(root);
  if (!Json::sax_parse(buffer.str(), &sax)) throw std::runtime_error(path + ": not JSON");
  return root;
}

Json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return Json::parse(in);
}

int DecimalsOf(const std::string& text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string::npos) return 0;
  std::size_t end = text.find_first_of("eE", dot);
  if (end == std::string::npos) end = text.size();
  return static_cast<int>(end - dot - 1);
}

double Rounded(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return std::strtod(text, nullptr);
}

int failures = 0;
// Set while proving a change of representation against golden files written before it: keys
// the new output adds are then reported but not counted.
const bool kAllowNewKeys = std::getenv("GOLDEN_ALLOW_NEW_KEYS") != nullptr;

void Fail(const std::string& path, const std::string& what) {
  if (++failures <= 40) std::cout << "  " << (path.empty() ? "/" : path) << ": " << what << "\n";
}

void Compare(const Json& golden, const Json& actual, const std::string& path, int column_decimals) {
  if (golden.is_string() && golden.get_ref<const std::string&>().rfind('\x01', 0) == 0) {
    const std::string text = golden.get<std::string>().substr(1);
    if (!actual.is_number()) return Fail(path, "expected the number " + text + ", found " + actual.dump());
    // A column that states its decimals is compared at them; an older golden file at what it prints.
    const int decimals = column_decimals >= 0 ? column_decimals : DecimalsOf(text);
    const double expected = std::strtod(text.c_str(), nullptr);
    if (std::fabs(Rounded(actual.get<double>(), decimals) - Rounded(expected, decimals)) > 1e-9 * std::max(1.0, std::fabs(expected))) {
      Fail(path, "expected " + text + ", found " + actual.dump());
    }
    return;
  }
  if (golden.is_number()) {  // an integer literal
    if (!actual.is_number()) return Fail(path, "expected the number " + golden.dump() + ", found " + actual.dump());
    if (std::fabs(Rounded(actual.get<double>(), std::max(column_decimals, 0)) - golden.get<double>()) > 1e-9) {
      Fail(path, "expected " + golden.dump() + ", found " + actual.dump());
    }
    return;
  }
  if (golden.type() != actual.type()) return Fail(path, "expected " + golden.dump() + ", found " + actual.dump());
  if (golden.is_array()) {
    if (golden.size() != actual.size()) {
      return Fail(path, "expected " + std::to_string(golden.size()) + " items, found " + std::to_string(actual.size()));
    }
    for (std::size_t idx = 0; idx < golden.size(); ++idx) {
      Compare(golden[idx], actual[idx], path + "/" + std::to_string(idx), column_decimals);
    }
    return;
  }
  if (golden.is_object()) {
    for (const auto& [key, value] : golden.items()) {
      if (!actual.contains(key)) {
        Fail(path + "/" + key, "missing");
        continue;
      }
      int decimals = -1;
      if (key == "rows" && golden.contains("column_types")) decimals = -2;  // per column, below
      if (decimals == -2) {
        const Json& types = golden["column_types"];
        for (std::size_t row = 0; row < value.size() && row < actual[key].size(); ++row) {
          for (const auto& [column, cell] : value[row].items()) {
            int column_places = -1;
            for (const Json& type : types) {
              if (type["name"] == column) column_places = type["decimals"].get<int>();
            }
            if (!actual[key][row].contains(column)) {
              Fail(path + "/rows/" + std::to_string(row) + "/" + column, "missing");
              continue;
            }
            Compare(cell, actual[key][row][column], path + "/rows/" + std::to_string(row) + "/" + column, column_places);
          }
          if (actual[key][row].size() != value[row].size()) Fail(path + "/rows/" + std::to_string(row), "other columns");
        }
        if (value.size() != actual[key].size()) Fail(path + "/rows", "another number of rows");
        continue;
      }
      Compare(value, actual[key], path + "/" + key, column_decimals);
    }
    for (const auto& [key, value] : actual.items()) {
      if (golden.contains(key)) continue;
      if (kAllowNewKeys) {
        std::cout << "  " << path << "/" << key << ": new (allowed)\n";
      } else {
        Fail(path + "/" + key, "not in the golden file");
      }
    }
    return;
  }
  if (golden != actual) Fail(path, "expected " + golden.dump() + ", found " + actual.dump());
}

// Rounds every finding's numbers to the decimals its column shows.
void RoundForGolden(Json& json) {
  if (json.is_object() && json.contains("column_types") && json.contains("rows")) {
    for (Json& row : json["rows"]) {
      for (const Json& type : json["column_types"]) {
        const std::string name = type["name"];
        if (row.contains(name) && row[name].is_number_float()) {
          row[name] = Rounded(row[name].get<double>(), type["decimals"].get<int>());
        }
      }
    }
    return;
  }
  if (json.is_object() || json.is_array()) {
    for (Json& child : json) RoundForGolden(child);
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 3 && std::string(argv[1]) == "--write") {
      Json json = ReadJson(argv[2]);
      RoundForGolden(json);
      std::cout << json.dump(1) << "\n";
      return 0;
    }
    if (argc != 3) {
      std::cerr << "usage: golden_compare GOLDEN NEW | golden_compare --write NEW\n";
      return 2;
    }
    Compare(ReadGolden(argv[1]), ReadJson(argv[2]), "", -1);
    if (failures > 40) std::cout << "  ... and " << failures - 40 << " more\n";
    return failures == 0 ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "golden_compare: " << error.what() << "\n";
    return 2;
  }
}
