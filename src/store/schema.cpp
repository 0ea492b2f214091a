#include "store/schema.h"

#include "common/strings.h"

namespace cxm::store {
namespace {

ColumnSpec Key(std::string name) {
  return {.name = std::move(name), .type = ColumnType::kText, .is_required = true};
}
ColumnSpec Text(std::string name) { return {.name = std::move(name)}; }
ColumnSpec FreeText(std::string name) { return {.name = std::move(name), .is_free_text = true}; }
ColumnSpec Ref(std::string name, std::string parent, bool is_required) {
  return {.name = std::move(name), .is_required = is_required, .parent_table = std::move(parent)};
}
ColumnSpec Timestamp(std::string name, bool is_required) {
  return {.name = std::move(name), .type = ColumnType::kTimestamp, .is_required = is_required};
}
ColumnSpec Integer(std::string name, std::optional<double> min_value,
                   std::optional<double> max_value, bool is_required = false) {
  return {.name = std::move(name), .type = ColumnType::kInteger, .is_required = is_required,
          .min_value = min_value, .max_value = max_value};
}
ColumnSpec Double(std::string name, std::optional<double> min_value = std::nullopt) {
  return {.name = std::move(name), .type = ColumnType::kDouble, .min_value = min_value};
}
ColumnSpec Boolean(std::string name) { return {.name = std::move(name), .type = ColumnType::kBoolean}; }
ColumnSpec Enum(std::string name, std::vector<std::string> allowed, bool is_required = false) {
  return {.name = std::move(name), .is_required = is_required, .allowed = std::move(allowed)};
}

std::vector<TableSpec> BuildCatalog() {
  std::vector<TableSpec> tables;
  tables.push_back({.name = "customers",
                    .columns = {Key("customer_id"), Text("segment"), Text("persona"),
                                Text("country"), Text("language"), Timestamp("signup_ts", false),
                                Boolean("loyalty_member")},
                    .key = {"customer_id"},
                    .load_order = 0});
  tables.push_back({.name = "employees",
                    .columns = {Key("agent_id"), Text("team"), Text("name"),
                                Timestamp("hired_ts", false)},
                    .key = {"agent_id"},
                    .load_order = 0});
  tables.push_back({.name = "self_assessment",
                    .columns = {Key("touchpoint"), Key("metric"), Double("believed_value"),
                                Timestamp("ts", true)},
                    .key = {"touchpoint", "metric", "ts"},
                    .load_order = 0});
  tables.push_back(
      {.name = "interactions",
       .columns = {Key("interaction_id"), Ref("customer_id", "customers", true),
                   Timestamp("ts", true), Timestamp("end_ts", false), Text("channel"),
                   Text("touchpoint"), Text("journey_stage"), Text("agent_id"), Text("team"),
                   Enum("outcome", {"resolved", "unresolved", "escalated", "abandoned"}),
                   Text("failure"), Double("compensation_value", 0.0),
                   Integer("transfers", 0.0, std::nullopt), Boolean("repeat_contact")},
       .key = {"interaction_id"},
       .load_order = 1});
  tables.push_back({.name = "transactions",
                    .columns = {Key("transaction_id"), Ref("customer_id", "customers", true),
                                Timestamp("ts", true), Double("amount"), Text("currency"),
                                Text("category")},
                    .key = {"transaction_id"},
                    .load_order = 1});
  tables.push_back({.name = "churn",
                    .columns = {Ref("customer_id", "customers", true), Timestamp("ts", true),
                                FreeText("reason")},
                    .key = {"customer_id"},
                    .load_order = 1});
  tables.push_back({.name = "employee_feedback",
                    .columns = {Key("response_id"), Ref("agent_id", "employees", true),
                                Timestamp("ts", true), Integer("enps", 0.0, 10.0),
                                FreeText("text")},
                    .key = {"response_id"},
                    .load_order = 1});
  tables.push_back({.name = "messages",
                    .columns = {Ref("interaction_id", "interactions", true),
                                Integer("seq", 0.0, std::nullopt, true), Timestamp("ts", false),
                                Enum("speaker", {"customer", "agent", "bot"}, true),
                                FreeText("text")},
                    .key = {"interaction_id", "seq"},
                    .load_order = 2});
  tables.push_back(
      {.name = "feedback",
       .columns = {Key("feedback_id"), Ref("customer_id", "customers", false),
                   Ref("interaction_id", "interactions", false), Timestamp("ts", true),
                   Enum("kind", {"survey", "review", "social", "email"}, true),
                   Integer("nps", 0.0, 10.0), Integer("csat", 1.0, 5.0), Integer("ces", 1.0, 7.0),
                   FreeText("text"), Text("touchpoint")},
       .key = {"feedback_id"},
       .load_order = 2});
  // Key columns are never null: make that explicit on the spec used for validation.
  for (TableSpec& table : tables) {
    for (ColumnSpec& column : table.columns) {
      for (const std::string& key : table.key) {
        if (column.name == key) column.is_required = true;
      }
    }
  }
  return tables;
}

}  // namespace

const ColumnSpec* TableSpec::FindColumn(std::string_view column_name) const {
  for (const ColumnSpec& column : columns) {
    if (column.name == column_name) return &column;
  }
  return nullptr;
}

const std::vector<TableSpec>& CanonicalTables() {
  static const std::vector<TableSpec> kTables = BuildCatalog();
  return kTables;
}

const TableSpec* FindCanonicalTable(std::string_view table_name) {
  for (const TableSpec& table : CanonicalTables()) {
    if (table.name == table_name) return &table;
  }
  return nullptr;
}

std::string_view SqlTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kText: return "VARCHAR";
    case ColumnType::kTimestamp: return "TIMESTAMP";
    case ColumnType::kInteger: return "BIGINT";
    case ColumnType::kDouble: return "DOUBLE";
    case ColumnType::kBoolean: return "BOOLEAN";
  }
  return "VARCHAR";
}

std::string CreateTableSql(const TableSpec& table) {
  std::vector<std::string> definitions;
  for (const ColumnSpec& column : table.columns) {
    std::string definition = QuoteIdentifier(column.name) + " " + std::string(SqlTypeName(column.type));
    if (column.is_required) definition += " NOT NULL";
    definitions.push_back(std::move(definition));
  }
  definitions.push_back("source VARCHAR NOT NULL");
  std::vector<std::string> key;
  for (const std::string& column : table.key) key.push_back(QuoteIdentifier(column));
  definitions.push_back("PRIMARY KEY (" + Join(key, ", ") + ")");
  return "CREATE TABLE " + QuoteIdentifier(table.name) + " (\n  " + Join(definitions, ",\n  ") +
         "\n)";
}

}  // namespace cxm::store
