// ar::verify_schema: each model's table as the catalog describes it (the dialect's catalog
// statements), compared column by column with the model's table_meta.

#include <ar/detail/execute.hpp>
#include <ar/verify_schema.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ar::detail {

namespace {

struct catalog_column {
  std::string name;
  std::string type;
  bool nullable;
  std::int64_t key_position;  // 0: not part of the primary key
};

bool same_name(const dialect& d, std::string_view a, std::string_view b) {
  if (!d.column_names_ignore_case()) return a == b;
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [&](char x, char y) { return lower(x) == lower(y); });
}

std::string_view field_type_name(value_type type) {
  switch (type) {
    case value_type::int32: return "std::int32_t";
    case value_type::int64: return "std::int64_t";
    case value_type::float64: return "double";
    case value_type::boolean: return "bool";
    case value_type::text: return "std::string";
    case value_type::time: return "ar::time_point";
    case value_type::date: return "ar::date";
    case value_type::bytes: return "ar::bytes";
    case value_type::uuid: return "ar::uuid";
    case value_type::decimal: return "ar::decimal";
    case value_type::json: return "ar::json";
  }
  return "?";
}

// A mapped type's own name where its range says it (float, std::uint32_t), else its stored type's.
std::string_view field_type_name(const column_meta& c) {
  switch (c.range) {
    case value_range::stored: break;
    case value_range::float32: return "float";
    case value_range::uint8: return "std::uint8_t";
    case value_range::uint16: return "std::uint16_t";
    case value_range::uint32: return "std::uint32_t";
    case value_range::uint64: return "std::uint64_t";
  }
  return field_type_name(c.type);
}

std::string field_description(const column_meta& c) {
  const std::string type = c.type == value_type::decimal && c.precision > 0
                               ? "ar::numeric<" + std::to_string(c.precision) + ", " + std::to_string(c.scale) + ">"
                               : std::string(field_type_name(c));
  return "the field '" + std::string(c.field) + "' (" + (c.nullable ? "std::optional<" + type + ">" : type) + ")";
}

// The precision and scale a catalog type declares: "NUMERIC(10,2)", "decimal(10, 2)", "numeric(10)"
// (scale 0); none for "numeric" alone.
std::optional<std::pair<int, int>> declared_numeric(std::string_view type) {
  const std::size_t open = type.find('(');
  if (open == std::string_view::npos) return std::nullopt;
  int numbers[2] = {0, 0};
  int count = 0;
  bool digit = false;
  for (std::size_t i = open + 1; i < type.size() && type[i] != ')'; ++i) {
    const char ch = type[i];
    if (ch >= '0' && ch <= '9') {
      if (count < 2) numbers[count] = numbers[count] * 10 + (ch - '0');
      digit = true;
    } else if (ch == ',') {
      if (!digit) return std::nullopt;
      ++count;
      digit = false;
    } else if (ch != ' ') {
      return std::nullopt;
    }
  }
  if (!digit || count > 1) return std::nullopt;
  return std::pair{numbers[0], numbers[1]};
}

std::vector<catalog_column> read_columns(database_state& state, const std::string& sql, std::string_view table) {
  std::vector<catalog_column> out;
  std::string name;
  std::optional<std::string> type;
  std::int64_t nullable = 0;
  std::int64_t key = 0;
  const std::array<column_binding, 4> columns{bind_column(name), bind_column(type), bind_column(nullable),
                                              bind_column(key)};
  const value param{std::string(table)};
  auto on_row = [&] { out.push_back({name, type.value_or(""), nullable != 0, key}); };
  run(state, sql, {&param, 1}, columns, row_callback::of(on_row), cache_policy::once);
  return out;
}

std::vector<std::string> read_index_first_columns(database_state& state, const std::string& sql,
                                                  std::string_view table) {
  std::vector<std::string> out;
  std::optional<std::string> name;
  const std::array<column_binding, 1> columns{bind_column(name)};
  const value param{std::string(table)};
  auto on_row = [&] {
    if (name) out.push_back(*name);
  };
  run(state, sql, {&param, 1}, columns, row_callback::of(on_row), cache_policy::once);
  return out;
}

class checker {
 public:
  checker(const database& db, const schema_model& model)
      : db_(db), d_(db.dialect()), state_(state_of(db)), table_(*model.table), model_(model) {}

  void check(std::vector<schema_problem>& errors, std::vector<schema_problem>& warnings) {
    // The names the database knows the table and columns by (open_options::naming, AR_NAMING).
    const naming_scope names(db_.naming());
    const std::string columns_sql = d_.catalog_columns_sql();
    if (columns_sql.empty())
      throw configuration_error("ar::verify_schema: the " + std::string(d_.driver_name()) +
                                " backend cannot list its catalog (its dialect gives no catalog_columns_sql)");
    catalog_ = read_columns(state_, columns_sql, table_name(table_));
    if (catalog_.empty()) {
      add(errors, schema_problem_kind::missing_table, {}, "the table does not exist");
      return;
    }
    for (std::size_t i = 0; i < table_.columns.size(); ++i) check_column(errors, i);
    check_key(errors);
    check_foreign_keys(warnings);
  }

 private:
  void add(std::vector<schema_problem>& to, schema_problem_kind kind, std::string_view column, std::string message) {
    to.push_back({kind, db_.name(), std::string(table_name(table_)), std::string(column), std::move(message)});
  }

  const catalog_column* find(std::string_view column) const {
    for (const catalog_column& c : catalog_)
      if (same_name(d_, c.name, column)) return &c;
    return nullptr;
  }

  void check_column(std::vector<schema_problem>& errors, std::size_t index) {
    const column_meta& c = table_.columns[index];
    const std::string_view column = column_name(table_, index);
    const catalog_column* found = find(column);
    if (!found) {
      add(errors, schema_problem_kind::missing_column, column, "no such column, for " + field_description(c));
      return;
    }
    // A mapped type asks for what it writes (an INT UNSIGNED holds a std::uint32_t), not for the
    // whole range of its stored type.
    if (c.range == value_range::stored ? !d_.column_type_holds(found->type, c.type)
                                       : !d_.column_holds_range(found->type, c.type, c.range)) {
      add(errors, schema_problem_kind::wrong_type, column,
          "the column's type " + (found->type.empty() ? std::string("(none)") : found->type) + " cannot hold " +
              field_description(c));
    } else if (c.type == value_type::decimal && c.precision > 0) {
      // An ar::numeric<P, S> reads and writes at its own scale: a column of another declared
      // precision or scale would round what the field writes, or hold what it refuses to read.
      const auto declared = declared_numeric(found->type);
      if (declared && (declared->first != c.precision || declared->second != c.scale))
        add(errors, schema_problem_kind::wrong_type, column,
            "the column's type " + found->type + " is not the NUMERIC(" + std::to_string(c.precision) + ", " +
                std::to_string(c.scale) + ") of " + field_description(c));
    }
    if (found->nullable && !c.nullable)
      add(errors, schema_problem_kind::nullable_column, column,
          "the column takes NULL but " + field_description(c) + " is not a std::optional");
  }

  void check_key(std::vector<schema_problem>& errors) {
    std::vector<const catalog_column*> key;
    for (const catalog_column& c : catalog_)
      if (c.key_position > 0) key.push_back(&c);
    std::sort(key.begin(), key.end(), [](auto* a, auto* b) { return a->key_position < b->key_position; });
    // The model's key columns, in key order: one, or AR_PRIMARY_KEY(a, b)'s.
    bool same = key.size() == table_.key_columns.size();
    std::string model_key;
    for (std::size_t k = 0; k < table_.key_columns.size(); ++k) {
      const std::string_view column = column_name(table_, table_.key_columns[k]);
      model_key += (k ? ", " : "") + std::string(column);
      if (same && !same_name(d_, key[k]->name, column)) same = false;
    }
    if (same) return;
    if (table_.key_columns.size() > 1) model_key = "(" + model_key + ")";
    std::string message = "the model's primary key is '" + model_key + "' but ";
    if (key.empty()) {
      message += "the table has no primary key";
    } else {
      message += "the table's primary key is (";
      for (std::size_t i = 0; i < key.size(); ++i) message += (i ? ", " : "") + key[i]->name;
      message += ")";
    }
    add(errors, schema_problem_kind::primary_key_mismatch, column_name(table_, table_.primary_key), std::move(message));
  }

  void check_foreign_keys(std::vector<schema_problem>& warnings) {
    if (model_.foreign_keys.empty()) return;
    const std::string sql = d_.catalog_index_columns_sql();
    if (sql.empty()) return;
    std::vector<std::string> leading = read_index_first_columns(state_, sql, table_name(table_));
    // The primary key is an index, also where the catalog lists none for it (SQLite's rowid).
    for (const catalog_column& c : catalog_)
      if (c.key_position == 1) leading.push_back(c.name);
    for (const foreign_key_meta& fk : model_.foreign_keys) {
      const std::string_view column = column_name(table_, fk.column);
      if (!find(column)) continue;  // already an error
      const bool indexed = std::any_of(leading.begin(), leading.end(),
                                       [&](const std::string& name) { return same_name(d_, name, column); });
      if (!indexed)
        add(warnings, schema_problem_kind::unindexed_foreign_key, column,
            "the foreign key of the relation '" + std::string(fk.relation) +
                "' leads no index: loading the other side reads the whole table (CREATE INDEX ... ON " +
                std::string(table_name(table_)) + " (" + std::string(column) + "))");
    }
  }

  const database& db_;
  const dialect& d_;
  database_state& state_;
  const table_meta& table_;
  const schema_model& model_;
  std::vector<catalog_column> catalog_;
};

}  // namespace

schema_report verify_models(std::span<const database> dbs, std::span<const schema_model> models) {
  std::vector<schema_problem> errors;
  schema_report report;
  for (std::size_t i = 0; i < models.size(); ++i) checker(dbs[i], models[i]).check(errors, report.warnings);
  if (!errors.empty()) throw schema_mismatch_error(std::move(errors));
  return report;
}

}  // namespace ar::detail
