// The canonical data model of SPEC §3 as data: one TableSpec per table, used to create the
// schema, to validate rows on ingest, and to match a file's header to a table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cxm::store {

enum class ColumnType { kText, kTimestamp, kInteger, kDouble, kBoolean };

struct ColumnSpec {
  std::string name;
  ColumnType type = ColumnType::kText;
  bool is_required = false;           // NOT NULL (key columns are always required)
  std::optional<double> min_value;    // inclusive range for numeric columns
  std::optional<double> max_value;
  std::vector<std::string> allowed;   // enum values (lower case); empty = free text
  bool is_free_text = false;          // customer-written text: PII is redacted on ingest
  std::string parent_table;           // referential check: value must exist in parent's key
};

struct TableSpec {
  std::string name;
  std::vector<ColumnSpec> columns;    // in storage order; every table also has `source`
  std::vector<std::string> key;       // primary key columns
  int load_order = 0;                 // parents load before children within one file

  const ColumnSpec* FindColumn(std::string_view column_name) const;
};

// The canonical tables, in load order (parents first).
const std::vector<TableSpec>& CanonicalTables();
const TableSpec* FindCanonicalTable(std::string_view table_name);

// SQL type name used in the DDL.
std::string_view SqlTypeName(ColumnType type);

// CREATE TABLE for one canonical table, with its primary key and the `source` column.
std::string CreateTableSql(const TableSpec& table);

// The derived tables `cxm analyze` writes (SPEC §3, derived), under the schema version like the
// canonical ones: their DDL, and the column list inserts name.
std::string TextEmotionsDdl();
std::string InteractionExperienceDdl();
// customer_state is rebuilt aside (`name` customer_state_next) and swapped in.
std::string CustomerStateDdl(std::string_view name);
const std::vector<std::string>& CustomerStateColumns();
// The settings of the last complete `cxm analyze` (one row), which every analysis reads.
std::string AnalysisSettingsDdl(std::string_view name);
// Attributes: source columns a mapping keeps beyond the canonical ones (docs/mapping.md).
//   entity       'customer', 'interaction' or 'feedback'; entity_id its key
//   customer_id, interaction_id, feedback_id   the rows it belongs to (for erasure and joins)
//   value        as given (redacted like free text), NULL when empty
//   number       the value as a number; NULL when it is not one, is missing or is "not applicable"
//   not_applicable  the value is the column's declared not-applicable code
std::string AttributesDdl();
// One row per (entity, name): kind ('number', 'rating', 'category'), higher_is ('better',
// 'worse' or NULL: no usual direction), the not-applicable code, and the mapping that declared it.
std::string AttributeSpecsDdl();
const std::vector<std::string>& AttributeEntities();  // customer, interaction, feedback
// Which touchpoint names play which role (purchase, support, delivery, billing, returns).
std::string TouchpointRolesDdl();

}  // namespace cxm::store
