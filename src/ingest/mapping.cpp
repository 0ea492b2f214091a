#include "ingest/mapping.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "common/strings.h"
#include "store/schema.h"

namespace cxm::ingest {
namespace {

MappingPosition PositionOf(const toml::node& node) {
  return {static_cast<int>(node.source().begin.line), static_cast<int>(node.source().begin.column)};
}

// toml++ throws on syntax errors; this adapter is the only place that catches them.
Result<toml::table> ParseToml(const std::string& text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", path, error.source().begin.line,
                                               error.source().begin.column, error.description()));
  }
}

bool IsAttributeName(std::string_view name) {
  if (name.empty() || name.size() > 64 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

template <typename Fail>
Status ParseAttributes(const toml::node& node, const std::string& target, const Fail& fail,
                       std::vector<AttributeMapping>* out) {
  if (AttributeEntityOf(target).empty()) {
    return fail(node, fmt::format("attributes belong to customers, interactions or feedback, not to {}", target));
  }
  if (!node.is_table()) return fail(node, "'attributes' must be a table: name = \"expression\" or name = { ... }");
  for (auto&& [key, value] : *node.as_table()) {
    AttributeMapping attribute{.name = std::string(key.str()), .position = PositionOf(value)};
    if (!IsAttributeName(attribute.name)) {
      return fail(value, fmt::format("attribute name '{}' must be lower case letters, digits and _ (starting "
                                     "with a letter): it becomes an option value such as --by {}",
                                     attribute.name, "contract"));
    }
    if (value.is_string()) {
      attribute.expression = value.as_string()->get();
    } else if (value.is_table()) {
      for (auto&& [field, setting] : *value.as_table()) {
        const std::string field_name(field.str());
        const std::optional<std::string> text = setting.template value<std::string>();
        if (field_name == "not_applicable" && !text) {
          // A code may be written as a number: not_applicable = 99.
          if (setting.is_integer()) {
            attribute.not_applicable = std::to_string(setting.as_integer()->get());
            continue;
          }
          if (setting.is_floating_point()) {
            attribute.not_applicable = fmt::format("{}", setting.as_floating_point()->get());
            continue;
          }
        }
        if (!text) return fail(setting, fmt::format("attribute '{}': '{}' must be a string", attribute.name, field_name));
        if (field_name == "expression") {
          attribute.expression = *text;
        } else if (field_name == "kind") {
          if (*text != "number" && *text != "rating" && *text != "category") {
            return fail(setting, "kind must be number, rating or category");
          }
          attribute.kind = *text;
        } else if (field_name == "higher_is") {
          if (*text != "better" && *text != "worse") return fail(setting, "higher_is must be better or worse");
          attribute.higher_is = *text;
        } else if (field_name == "not_applicable") {
          attribute.not_applicable = *text;
        } else {
          return fail(setting, fmt::format("unknown key '{}' in attribute '{}' (expression, kind, higher_is, "
                                           "not_applicable)", field_name, attribute.name));
        }
      }
    } else {
      return fail(value, fmt::format("attribute '{}' must be a string (a SQL expression) or a table", attribute.name));
    }
    if (attribute.expression.empty()) {
      return fail(value, fmt::format("attribute '{}' needs an expression", attribute.name));
    }
    if (attribute.kind == "rating" && attribute.higher_is.empty()) attribute.higher_is = "better";
    if (attribute.kind == "category" && !attribute.higher_is.empty()) {
      return fail(value, fmt::format("attribute '{}': a category has no higher or lower", attribute.name));
    }
    out->push_back(std::move(attribute));
  }
  return Status::Ok();
}

}  // namespace

std::string AttributeEntityOf(std::string_view table) {
  if (table == "customers") return "customer";
  if (table == "interactions") return "interaction";
  if (table == "feedback") return "feedback";
  return "";
}

std::string Mapping::Where(const MappingPosition& position) const {
  return fmt::format("{}:{}:{}", path, position.line, position.column);
}

const SourceSpec* Mapping::FindSource(const std::string& name) const {
  for (const SourceSpec& source : sources) {
    if (source.name == name) return &source;
  }
  return nullptr;
}

Result<Mapping> Mapping::Load(const std::string& path) {
  CXM_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  return Parse(text, path);
}

Result<Mapping> Mapping::Parse(const std::string& text, const std::string& path) {
  CXM_ASSIGN_OR_RETURN(toml::table root, ParseToml(text, path));
  Mapping mapping;
  mapping.path = path;
  mapping.folder = std::filesystem::path(path).parent_path().string();
  if (mapping.folder.empty()) mapping.folder = ".";

  const auto fail = [&mapping](const toml::node& node, const std::string& message) {
    return Status::InvalidArgument(fmt::format("{}: {}", mapping.Where(PositionOf(node)), message));
  };
  const auto string_field = [&](const toml::table& table, std::string_view key,
                                std::string* out) -> Status {
    const toml::node* node = table.get(key);
    if (node == nullptr) return Status::Ok();
    if (!node->is_string()) return fail(*node, fmt::format("'{}' must be a string", key));
    *out = node->as_string()->get();
    return Status::Ok();
  };

  for (auto&& [key, node] : root) {
    if (key != "sources" && key != "tables" && key != "touchpoint_roles") {
      return fail(node, fmt::format("unknown section '{}' (expected [sources.NAME], [[tables]] or [touchpoint_roles])",
                                    key.str()));
    }
  }

  if (const toml::node* sources = root.get("sources")) {
    if (!sources->is_table()) return fail(*sources, "'sources' must be a table of named sources");
    for (auto&& [name, node] : *sources->as_table()) {
      if (!node.is_table()) {
        return fail(node, fmt::format("source '{}' must be a table with a 'path'", name.str()));
      }
      const toml::table& table = *node.as_table();
      SourceSpec source{.name = std::string(name.str()), .position = PositionOf(node)};
      CXM_TRY(string_field(table, "path", &source.pattern));
      CXM_TRY(string_field(table, "format", &source.format));
      CXM_TRY(string_field(table, "timezone", &source.timezone));
      for (auto&& [field, value] : table) {
        if (field != "path" && field != "format" && field != "timezone") {
          return fail(value, fmt::format("unknown key '{}' in source '{}' (path, format, timezone)",
                                         field.str(), source.name));
        }
      }
      if (source.pattern.empty()) {
        return fail(node, fmt::format("source '{}' needs a 'path'", source.name));
      }
      // A mapping may come from someone else: it reads files beside it, never elsewhere.
      const std::filesystem::path pattern(source.pattern);
      bool leaves_folder = pattern.is_absolute() || source.pattern.starts_with('~');
      for (const std::filesystem::path& part : pattern) leaves_folder |= part == "..";
      if (leaves_folder) {
        return fail(*table.get("path"),
                    fmt::format("source '{}': path '{}' must name files in the mapping's own folder "
                                "or below it (no absolute path, no '..')",
                                source.name, source.pattern));
      }
      if (!source.format.empty() && source.format != "csv" && source.format != "tsv" &&
          source.format != "jsonl" && source.format != "parquet") {
        return fail(*table.get("format"),
                    "format must be one of csv, tsv, jsonl, parquet (or left out to detect)");
      }
      mapping.sources.push_back(std::move(source));
    }
  }

  if (const toml::node* roles = root.get("touchpoint_roles")) {
    if (!roles->is_table()) return fail(*roles, "[touchpoint_roles] must be a table: role = [\"touchpoint\", ...]");
    for (const auto& [role, names] : *roles->as_table()) {
      const std::string role_name(role.str());
      const std::vector<std::string>& known = TouchpointRoleNames();
      if (std::find(known.begin(), known.end(), role_name) == known.end()) {
        return fail(names, fmt::format("'{}' is not a touchpoint role; use one of {}", role_name, Join(known, ", ")));
      }
      if (!names.is_array()) return fail(names, fmt::format("{} must list touchpoint names: [\"name\", ...]", role_name));
      for (const toml::node& name : *names.as_array()) {
        const std::optional<std::string> touchpoint = name.value<std::string>();
        if (!touchpoint || touchpoint->empty()) return fail(name, "a touchpoint name must be a non-empty string");
        mapping.touchpoint_roles.push_back({*touchpoint, role_name});
      }
    }
  }

  const toml::node* tables = root.get("tables");
  if (tables == nullptr || !tables->is_array_of_tables()) {
    return Status::InvalidArgument(path + ": no [[tables]] entries: a mapping needs at least one");
  }
  for (const toml::node& node : *tables->as_array()) {
    const toml::table& table = *node.as_table();
    Derivation derivation{.position = PositionOf(node)};
    CXM_TRY(string_field(table, "source", &derivation.source));
    CXM_TRY(string_field(table, "target", &derivation.target));
    CXM_TRY(string_field(table, "filter", &derivation.filter));
    if (const toml::node* filter = table.get("filter")) derivation.filter_position = PositionOf(*filter);
    if (const toml::node* distinct = table.get("distinct")) {
      if (!distinct->is_boolean()) return fail(*distinct, "'distinct' must be true or false");
      derivation.is_distinct = distinct->as_boolean()->get();
    }
    for (auto&& [field, value] : table) {
      if (field != "source" && field != "target" && field != "filter" && field != "distinct" &&
          field != "columns" && field != "constants" && field != "attributes") {
        return fail(value, fmt::format("unknown key '{}' in [[tables]] (source, target, filter, "
                                       "distinct, columns, constants, attributes)",
                                       field.str()));
      }
    }
    if (derivation.source.empty()) return fail(node, "[[tables]] entry needs a 'source'");
    if (mapping.FindSource(derivation.source) == nullptr) {
      return fail(*table.get("source"),
                  fmt::format("source '{}' is not declared under [sources]", derivation.source));
    }
    const store::TableSpec* target = store::FindCanonicalTable(derivation.target);
    if (target == nullptr) {
      const toml::node* target_node = table.get("target");
      return fail(target_node ? *target_node : node,
                  fmt::format("target '{}' is not a canonical table", derivation.target));
    }

    const auto add_columns = [&](std::string_view section, bool is_constant) -> Status {
      const toml::node* columns = table.get(section);
      if (columns == nullptr) return Status::Ok();
      if (!columns->is_table()) return fail(*columns, fmt::format("'{}' must be a table", section));
      for (auto&& [column, value] : *columns->as_table()) {
        const std::string column_name(column.str());
        if (target->FindColumn(column_name) == nullptr) {
          return fail(value, fmt::format("column '{}' is not a column of {}", column_name,
                                         derivation.target));
        }
        for (const ColumnMapping& existing : derivation.columns) {
          if (existing.column == column_name) {
            return fail(value, fmt::format("column '{}' is mapped twice", column_name));
          }
        }
        ColumnMapping mapped{.column = column_name, .is_constant = is_constant,
                             .position = PositionOf(value)};
        if (value.is_string()) {
          mapped.expression = value.as_string()->get();
        } else if (is_constant && (value.is_integer() || value.is_floating_point() ||
                                   value.is_boolean())) {
          if (value.is_integer()) {
            mapped.expression = std::to_string(value.as_integer()->get());
          } else if (value.is_floating_point()) {
            mapped.expression = fmt::format("{}", value.as_floating_point()->get());
          } else {
            mapped.expression = value.as_boolean()->get() ? "true" : "false";
          }
        } else {
          return fail(value, fmt::format("column '{}' must be a string {}", column_name,
                                         is_constant ? "or number" : "(a SQL expression)"));
        }
        derivation.columns.push_back(std::move(mapped));
      }
      return Status::Ok();
    };
    CXM_TRY(add_columns("columns", /*is_constant=*/false));
    CXM_TRY(add_columns("constants", /*is_constant=*/true));
    if (const toml::node* attributes = table.get("attributes")) {
      CXM_TRY(ParseAttributes(*attributes, derivation.target, fail, &derivation.attributes));
    }

    for (const std::string& key : target->key) {
      bool is_mapped = false;
      for (const ColumnMapping& mapped : derivation.columns) is_mapped |= mapped.column == key;
      if (!is_mapped) {
        return fail(node, fmt::format("key column '{}' of {} is not mapped", key, derivation.target));
      }
    }
    mapping.tables.push_back(std::move(derivation));
  }
  return mapping;
}

const std::vector<std::string>& TouchpointRoleNames() {
  static const std::vector<std::string> kRoles = {"purchase", "delivery", "support", "billing", "returns"};
  return kRoles;
}

namespace {

bool GlobMatches(std::string_view pattern, std::string_view name) {
  // '*' any run, '?' one character; enough for export file names.
  std::size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

Result<std::vector<MappedFile>> ResolveSources(const Mapping& mapping,
                                               const std::vector<std::string>& files) {
  std::vector<MappedFile> work;
  if (files.empty()) {
    for (const SourceSpec& source : mapping.sources) {
      const std::filesystem::path pattern = std::filesystem::path(mapping.folder) / source.pattern;
      const std::filesystem::path folder = pattern.parent_path();
      const std::string name_pattern = pattern.filename().string();
      std::vector<std::string> matches;
      std::error_code error;
      for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
        // A link could point anywhere on the machine: a mapping reads only real files beside it.
        if (entry.is_regular_file() && !entry.is_symlink() &&
            GlobMatches(name_pattern, entry.path().filename().string())) {
          matches.push_back(entry.path().string());
        }
      }
      if (matches.empty()) {
        return Status::NotFound(fmt::format("{}: source '{}': no file matches {}",
                                            mapping.Where(source.position), source.name,
                                            pattern.string()));
      }
      std::sort(matches.begin(), matches.end());
      for (std::string& match : matches) work.push_back({std::move(match), &source});
    }
    return work;
  }
  for (const std::string& file : files) {
    const std::string name = std::filesystem::path(file).filename().string();
    const SourceSpec* matched = nullptr;
    for (const SourceSpec& source : mapping.sources) {
      if (GlobMatches(std::filesystem::path(source.pattern).filename().string(), name)) {
        matched = &source;
        break;
      }
    }
    if (matched == nullptr) {
      std::vector<std::string> patterns;
      for (const SourceSpec& source : mapping.sources) {
        patterns.push_back(source.name + " = " + source.pattern);
      }
      return Status::InvalidArgument(fmt::format("{}: matches no source of {} ({})", file,
                                                 mapping.path, Join(patterns, "; ")));
    }
    work.push_back({file, matched});
  }
  return work;
}

}  // namespace cxm::ingest
