// The engine seam (store/engine.h) over a DuckDB connection of the store.
#pragma once

#include "store/duckdb.h"
#include "store/engine.h"

namespace cxm::store {

class DuckDbEngine final : public Engine {
 public:
  explicit DuckDbEngine(Connection& connection) : connection_(connection) {}
  std::string_view Dialect() const override { return "duckdb"; }
  Result<Frame> Run(const NamedQuery& query) override;

 private:
  Connection& connection_;
};

}  // namespace cxm::store
