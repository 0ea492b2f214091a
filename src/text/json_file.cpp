#include "text/json_file.h"

#include "common/strings.h"

namespace cxm::text {

Status ForEachJsonField(const std::string& path,
                        const std::function<Status(std::string_view key, simdjson::ondemand::value value)>& visit) {
  CXM_ASSIGN_OR_RETURN(const std::string content, ReadWholeFile(path));
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(content);
  simdjson::ondemand::document document;
  simdjson::ondemand::object object;
  if (parser.iterate(padded).get(document) || document.get_object().get(object)) {
    return Status::InvalidArgument(path + ": not a JSON object");
  }
  for (auto field : object) {
    std::string_view key;
    simdjson::ondemand::value value;
    if (field.unescaped_key().get(key) || field.value().get(value)) {
      return Status::InvalidArgument(path + ": malformed field");
    }
    CXM_TRY(visit(key, value));
  }
  return Status::Ok();
}

}  // namespace cxm::text
