// The temporary tables and columns one load works in (loader.cpp, loader_attributes.cpp): the
// staged source, the derived candidates and typed rows of each plan, the rows to skip.
#pragma once

#include <cstddef>
#include <string>

#include <fmt/format.h>

namespace cxm::ingest {

inline constexpr char kSourceTable[] = "__cxm_src";
inline constexpr char kSkipRows[] = "__cxm_skip";

inline std::string CandidatesName(std::size_t plan_idx) { return fmt::format("__cxm_cand_{}", plan_idx); }
inline std::string CandidateRowsName(std::size_t plan_idx) { return fmt::format("__cxm_cand_rows_{}", plan_idx); }
inline std::string TypedName(std::size_t plan_idx) { return fmt::format("__cxm_typed_{}", plan_idx); }
inline std::string TypedRowsName(std::size_t plan_idx) { return fmt::format("__cxm_typed_rows_{}", plan_idx); }
// A mapped attribute's column among the candidates.
inline std::string AttributeColumnName(std::size_t attribute_idx) {
  return fmt::format("__cxm_attr_{}", attribute_idx);
}

}  // namespace cxm::ingest
