// The attributes of a mapped load (docs/mapping.md, "Attributes"): stored with the rows they
// describe, inside the file's transaction, and described in attribute_specs.
#include <fmt/format.h>

#include "common/strings.h"
#include "ingest/loader.h"
#include "ingest/loader_tables.h"

namespace cxm::ingest {

Result<std::int64_t> Loader::StoreAttributes(const StagedFile& staged, const DerivationPlan& plan,
                                             std::size_t plan_idx, bool has_skips) {
  store::Connection& connection = store_->connection();
  const std::string entity = AttributeEntityOf(plan.target->name);
  const std::string& key = plan.target->key[0];
  // The owning rows, for erasure and for joining an attribute to the rows it describes.
  const auto owner = [&](const char* column) {
    return plan.target->FindColumn(column) != nullptr ? fmt::format("t.{}", column) : std::string("NULL");
  };
  const std::string good = fmt::format("{} t JOIN {} c USING (__row) WHERE NOT t.__bad{}", TypedName(plan_idx),
                                       CandidateRowsName(plan_idx),
                                       has_skips ? fmt::format(" AND t.__row NOT IN (SELECT __row FROM {})", kSkipRows)
                                                 : "");
  std::int64_t stored = 0;
  const std::vector<AttributeMapping>& attributes = plan.derivation->attributes;
  for (std::size_t attribute_idx = 0; attribute_idx < attributes.size(); ++attribute_idx) {
    const AttributeMapping& attribute = attributes[attribute_idx];
    // An empty value is missing; the declared code is "not applicable", which is missing too as
    // a number but is kept apart from an unanswered question.
    const std::string raw = fmt::format("nullif(trim(c.{}), '')", AttributeColumnName(attribute_idx));
    const std::string is_not_applicable = attribute.not_applicable ? fmt::format("coalesce({} = $4, false)", raw)
                                                                   : std::string("false");
    const std::string number = attribute.kind == "category"
                                   ? std::string("NULL")
                                   : fmt::format("CASE WHEN NOT {} THEN cxm_double({}) END", is_not_applicable, raw);
    const std::string value = options_.redact_pii ? fmt::format("cxm_redact({})", raw) : raw;
    CXM_ASSIGN_OR_RETURN(store::Statement insert, connection.Prepare(fmt::format(
        "INSERT OR REPLACE INTO attributes (entity, entity_id, customer_id, interaction_id, feedback_id, name, value, "
        "number, not_applicable, source) SELECT $1, t.{}, {}, {}, {}, $2, {}, {}, {}, $3 FROM {}",
        QuoteIdentifier(key), owner("customer_id"), owner("interaction_id"), owner("feedback_id"), value, number,
        is_not_applicable, good)));
    CXM_TRY(insert.Bind(1, entity));
    CXM_TRY(insert.Bind(2, attribute.name));
    CXM_TRY(insert.Bind(3, std::string_view(staged.path)));
    if (attribute.not_applicable) CXM_TRY(insert.Bind(4, *attribute.not_applicable));
    CXM_ASSIGN_OR_RETURN(store::QueryResult inserted, insert.Execute());
    stored += static_cast<std::int64_t>(inserted.RowsChanged());
  }
  return stored;
}

Status Loader::StoreAttributeSpecs(const Mapping& mapping) {
  store::Connection& connection = store_->connection();
  CXM_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(connection));
  CXM_ASSIGN_OR_RETURN(store::Statement upsert, connection.Prepare(
      "INSERT OR REPLACE INTO attribute_specs (entity, name, kind, higher_is, not_applicable, mapping) "
      "SELECT $1, $2, coalesce($3, CASE WHEN count(value) FILTER (WHERE NOT not_applicable) = count(number) "
      "AND count(number) > 0 THEN 'number' ELSE 'category' END), $4, $5, $6 FROM attributes "
      "WHERE entity = $1 AND name = $2"));
  for (const Derivation& derivation : mapping.tables) {
    for (const AttributeMapping& attribute : derivation.attributes) {
      CXM_TRY(upsert.Bind(1, AttributeEntityOf(derivation.target)));
      CXM_TRY(upsert.Bind(2, attribute.name));
      CXM_TRY(attribute.kind.empty() ? upsert.BindNull(3) : upsert.Bind(3, attribute.kind));
      CXM_TRY(attribute.higher_is.empty() ? upsert.BindNull(4) : upsert.Bind(4, attribute.higher_is));
      CXM_TRY(attribute.not_applicable ? upsert.Bind(5, *attribute.not_applicable) : upsert.BindNull(5));
      CXM_TRY(upsert.Bind(6, mapping.path));
      CXM_TRY(upsert.Execute().error());
    }
  }
  return transaction.Commit();
}

}  // namespace cxm::ingest
