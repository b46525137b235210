// ar::read_catalog: the tables of a database as the dialect's catalog statements list them.

#include <ar/catalog.hpp>
#include <ar/detail/execute.hpp>
#include <ar/error.hpp>

#include <algorithm>
#include <array>
#include <optional>

namespace ar {

namespace {

std::string required(const dialect& d, std::string sql, std::string_view hook) {
  if (sql.empty())
    throw configuration_error("ar::read_catalog: the " + std::string(d.driver_name()) +
                              " backend cannot list its catalog (its dialect gives no " + std::string(hook) + ")");
  return sql;
}

// The first column of every row of a statement that binds `table` (none when sql is empty).
std::vector<std::string> names(detail::database_state& state, const std::string& sql, std::string_view table) {
  std::vector<std::string> out;
  if (sql.empty()) return out;
  std::optional<std::string> name;
  const std::array<detail::column_binding, 1> columns{detail::bind_column(name)};
  const value param{std::string(table)};
  auto on_row = [&] {
    if (name) out.push_back(*name);
  };
  detail::run(state, sql, {&param, 1}, columns, detail::row_callback::of(on_row), detail::cache_policy::once);
  return out;
}

bool same_name(const dialect& d, std::string_view a, std::string_view b) {
  if (!d.column_names_ignore_case()) return a == b;
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

std::vector<std::string> catalog_table_names(const database& db) {
  const dialect& d = db.dialect();
  const std::string sql = required(d, d.catalog_tables_sql(), "catalog_tables_sql");
  std::vector<std::string> out;
  std::optional<std::string> name;
  const std::array<detail::column_binding, 1> columns{detail::bind_column(name)};
  auto on_row = [&] {
    if (name) out.push_back(*name);
  };
  detail::run(detail::state_of(db), sql, {}, columns, detail::row_callback::of(on_row), detail::cache_policy::once);
  std::sort(out.begin(), out.end());
  return out;
}

catalog_table read_catalog_table(const database& db, std::string_view table) {
  const dialect& d = db.dialect();
  detail::database_state& state = detail::state_of(db);
  catalog_table out;
  out.name = std::string(table);
  const value param{std::string(table)};
  {
    std::string name;
    std::optional<std::string> type;
    std::int64_t nullable = 0;
    std::int64_t key = 0;
    const std::array<detail::column_binding, 4> columns{detail::bind_column(name), detail::bind_column(type),
                                                        detail::bind_column(nullable), detail::bind_column(key)};
    auto on_row = [&] { out.columns.push_back({name, type.value_or(""), nullable != 0, key, false, false}); };
    detail::run(state, required(d, d.catalog_columns_sql(), "catalog_columns_sql"), {&param, 1}, columns,
                detail::row_callback::of(on_row), detail::cache_policy::once);
  }
  if (out.columns.empty()) return out;
  const auto mark = [&](const std::vector<std::string>& listed, bool catalog_column::* flag) {
    for (const std::string& n : listed)
      for (catalog_column& c : out.columns)
        if (same_name(d, c.name, n)) c.*flag = true;
  };
  mark(names(state, d.catalog_generated_columns_sql(), table), &catalog_column::generated);
  {
    // Unique indexes of any width; a column alone in one is unique.
    const std::string sql = d.catalog_unique_keys_sql();
    if (!sql.empty()) {
      std::string index;
      std::string column;
      std::string last;
      const std::array<detail::column_binding, 2> columns{detail::bind_column(index), detail::bind_column(column)};
      auto on_row = [&] {
        if (out.unique_keys.empty() || index != last) out.unique_keys.emplace_back();
        out.unique_keys.back().push_back(column);
        last = index;
      };
      detail::run(state, sql, {&param, 1}, columns, detail::row_callback::of(on_row), detail::cache_policy::once);
      std::vector<std::string> alone;
      for (const std::vector<std::string>& k : out.unique_keys)
        if (k.size() == 1) alone.push_back(k[0]);
      mark(alone, &catalog_column::unique);
    }
  }
  const auto key_columns =
      std::count_if(out.columns.begin(), out.columns.end(), [](const catalog_column& c) { return c.key_position > 0; });
  if (key_columns == 1)
    for (catalog_column& c : out.columns)
      if (c.key_position > 0) c.unique = true;

  const std::string fk_sql = d.catalog_foreign_keys_sql();
  if (!fk_sql.empty()) {
    std::string constraint;
    std::int64_t position = 0;
    std::string column;
    std::string target;
    std::optional<std::string> target_column;
    const std::array<detail::column_binding, 5> columns{detail::bind_column(constraint), detail::bind_column(position),
                                                        detail::bind_column(column), detail::bind_column(target),
                                                        detail::bind_column(target_column)};
    auto on_row = [&] {
      if (out.foreign_keys.empty() || out.foreign_keys.back().name != constraint || position == 1)
        out.foreign_keys.push_back({constraint, {}, target, {}});
      catalog_foreign_key& fk = out.foreign_keys.back();
      fk.columns.push_back(column);
      if (target_column) fk.target_columns.push_back(*target_column);
    };
    detail::run(state, fk_sql, {&param, 1}, columns, detail::row_callback::of(on_row), detail::cache_policy::once);
  }
  return out;
}

std::vector<catalog_table> read_catalog(const database& db) {
  std::vector<catalog_table> out;
  for (const std::string& name : catalog_table_names(db)) out.push_back(read_catalog_table(db, name));
  return out;
}

std::vector<catalog_index> catalog_indexes(const database& db, std::string_view table) {
  const dialect& d = db.dialect();
  const std::string sql = required(d, d.catalog_indexes_sql(), "catalog_indexes_sql");
  std::vector<catalog_index> out;
  std::string index;
  std::optional<std::string> column;
  std::int64_t unique = 0;
  const std::array<detail::column_binding, 3> columns{detail::bind_column(index), detail::bind_column(column),
                                                      detail::bind_column(unique)};
  auto on_row = [&] {
    if (out.empty() || out.back().name != index) out.push_back({index, {}, unique != 0});
    out.back().columns.push_back(column.value_or(""));
  };
  const value param{std::string(table)};
  detail::run(detail::state_of(db), sql, {&param, 1}, columns, detail::row_callback::of(on_row),
              detail::cache_policy::once);
  return out;
}

}  // namespace ar
