#include "store/schema.h"

#include <utility>

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
  // The company's own exchange rates: one unit of `currency` is worth `rate` units of a base of
  // its choosing. Amounts are converted only through these; none are built in.
  tables.push_back({.name = "currency_rates",
                    .columns = {Key("currency"), {.name = "rate", .type = ColumnType::kDouble, .is_required = true,
                                                  .min_value = 0.0}},
                    .key = {"currency"},
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
                   Ref("interaction_id", "interactions", false), Timestamp("ts", false),
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

std::string TextEmotionsDdl() {
  return "CREATE TABLE IF NOT EXISTS text_emotions ("
         "source VARCHAR NOT NULL, "             // 'message' or 'feedback'
         "interaction_id VARCHAR, seq BIGINT, "  // the message's key
         "feedback_id VARCHAR, "                 // the feedback's key
         "language VARCHAR, valence DOUBLE, arousal DOUBLE, sentiment VARCHAR, "
         "top_emotion VARCHAR, top_probability DOUBLE)";
}

std::string InteractionExperienceDdl() {
  return R"sql(
  CREATE TABLE IF NOT EXISTS interaction_experience (
    interaction_id VARCHAR PRIMARY KEY, customer_id VARCHAR, ts TIMESTAMP, touchpoint VARCHAR,
    failure VARCHAR,
    evidence VARCHAR,        -- 'conversation' (customer turns), 'feedback' (linked text), 'survey' (CSAT only)
    evidence_count BIGINT,   -- moments read; a change marks the row for recomputation
    start DOUBLE, experienced DOUBLE, peak DOUBLE, "end" DOUBLE, remembered DOUBLE,
    ending VARCHAR, emotional_shift DOUBLE,
    negativity_lambda DOUBLE, end_window_turns BIGINT))sql";
}

namespace {

constexpr std::pair<const char*, const char*> kCustomerStateColumns[] = {
    {"customer_id", "VARCHAR NOT NULL"}, {"language", "VARCHAR"}, {"country", "VARCHAR"},
    {"segment", "VARCHAR"}, {"persona", "VARCHAR"}, {"loyalty_member", "BOOLEAN"},
    {"signup_ts", "TIMESTAMP"}, {"churn_ts", "TIMESTAMP"}, {"churn_reason", "VARCHAR"},
    {"as_of", "TIMESTAMP"}, {"observed_from", "TIMESTAMP"}, {"memory", "DOUBLE"},
    {"interactions", "BIGINT"}, {"interactions_with_evidence", "BIGINT"}, {"mean_remembered", "DOUBLE"},
    {"orders", "BIGINT"}, {"first_ts", "TIMESTAMP"}, {"last_ts", "TIMESTAMP"}, {"mean_valence", "DOUBLE"},
    {"texts", "BIGINT"}, {"last_nps", "BIGINT"}, {"nps_answers", "BIGINT"}, {"revenue", "DOUBLE"},
    {"observed_years", "DOUBLE"}, {"orders_per_year", "DOUBLE"}, {"recency_days", "DOUBLE"},
    {"expected_orders_per_year", "DOUBLE"}, {"expected_orders_per_year_sd", "DOUBLE"},
    {"expected_nps", "DOUBLE"}, {"attitudinal", "DOUBLE"}, {"behavioural", "DOUBLE"},
    {"behavioural_sd", "DOUBLE"}, {"quadrant", "VARCHAR"}, {"quadrant_confidence", "VARCHAR"},
};

}  // namespace

std::string CustomerStateDdl(std::string_view name) {
  std::vector<std::string> definitions;
  for (const auto& [column, type] : kCustomerStateColumns) definitions.push_back(std::string(column) + " " + type);
  return "CREATE TABLE " + std::string(name) + " (" + Join(definitions, ", ") + ")";
}

const std::vector<std::string>& CustomerStateColumns() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& [column, type] : kCustomerStateColumns) names.emplace_back(column);
    return names;
  }();
  return kNames;
}

std::string AnalysisSettingsDdl(std::string_view name) {
  return "CREATE TABLE " + std::string(name) + R"sql( (
    negativity_lambda DOUBLE NOT NULL,      -- weight of negative moments (peak, memory)
    end_window_turns BIGINT NOT NULL,       -- `end` = mean of the last N customer turns
    memory_half_life_days DOUBLE NOT NULL,
    horizon_days BIGINT NOT NULL,           -- "later" outcomes: this long after the reference date
    reference_date DATE,                    -- NULL: the store's last interaction less the horizon
    currency VARCHAR NOT NULL,              -- reporting currency of value figures
    analyzed_at TIMESTAMP NOT NULL))sql";
}

std::string TouchpointRolesDdl() {
  return "CREATE TABLE touchpoint_roles (touchpoint VARCHAR PRIMARY KEY, role VARCHAR NOT NULL)";
}

std::string AttributesDdl() {
  return "CREATE TABLE attributes (entity VARCHAR NOT NULL, entity_id VARCHAR NOT NULL, customer_id VARCHAR, "
         "interaction_id VARCHAR, feedback_id VARCHAR, name VARCHAR NOT NULL, value VARCHAR, number DOUBLE, "
         "not_applicable BOOLEAN NOT NULL, source VARCHAR, PRIMARY KEY (entity, entity_id, name))";
}

std::string AttributeSpecsDdl() {
  return "CREATE TABLE attribute_specs (entity VARCHAR NOT NULL, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, "
         "higher_is VARCHAR, not_applicable VARCHAR, mapping VARCHAR, PRIMARY KEY (entity, name))";
}

const std::vector<std::string>& AttributeEntities() {
  static const std::vector<std::string> kEntities = {"customer", "interaction", "feedback"};
  return kEntities;
}

}  // namespace cxm::store
