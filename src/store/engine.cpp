#include "store/engine.h"

#include <cstdlib>

#include <fmt/format.h>

namespace cxm::store {

std::size_t Frame::RowCount() const {
  if (columns_.empty()) return 0;
  const Column& first = columns_.front();
  return first.is_text() ? first.texts.size() : first.numbers.size();
}

bool Frame::IsNull(std::size_t column, std::size_t row) const {
  const Column& values = columns_[column];
  return values.is_text() ? !values.texts[row].has_value() : std::isnan(values.numbers[row]);
}

double Frame::Number(std::size_t column, std::size_t row) const {
  const Column& values = columns_[column];
  if (!values.is_text()) return values.numbers[row];
  return values.texts[row] ? std::strtod(values.texts[row]->c_str(), nullptr) : std::nan("");
}

std::string Frame::Text(std::size_t column, std::size_t row) const {
  const Column& values = columns_[column];
  if (values.is_text()) return values.texts[row].value_or("");
  const double value = values.numbers[row];
  if (std::isnan(value)) return "";
  if (values.kind != ValueKind::kNumber) return fmt::format("{}", static_cast<std::int64_t>(value));
  return fmt::format("{}", value);
}

}  // namespace cxm::store
