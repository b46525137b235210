// Migrations (ar/migrate.hpp): the schema API's statements, the schema_migrations table, and the
// runs that apply and revert migrations in order, each in its transaction where the database's DDL
// is transactional, else step by step under the server's named lock.

#include "exec/database_state.hpp"

#include <ar/backend/dialect.hpp>
#include <ar/detail/crud_sql.hpp>
#include <ar/detail/execute.hpp>
#include <ar/detail/table_ddl.hpp>
#include <ar/error.hpp>
#include <ar/migrate.hpp>
#include <ar/transaction.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ar {

namespace {

constexpr std::string_view migrations_table = "schema_migrations";

void require_plain_naming(const database& db, std::string_view what) {
  const naming& n = db.naming();
  if (n.style != name_style::as_declared || !n.table_prefix.empty())
    throw configuration_error(std::string(what) + ": the database '" + db.name() +
                              "' was opened with a naming convention (open_options::naming), and a migration's "
                              "table and column names are used as written: run migrations through a database "
                              "opened on the same URL without one");
}

std::string quoted(const dialect& d, std::string_view name) {
  std::string out;
  d.quote_identifier(out, name);
  return out;
}

std::string quoted_list(const dialect& d, const std::vector<std::string>& names) {
  std::string out = "(";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    d.quote_identifier(out, names[i]);
  }
  return out + ')';
}

std::vector<std::string_view> views(const std::vector<std::string>& names) { return {names.begin(), names.end()}; }

// A table as create_table_sql reads one, made from a migration's columns: names as written.
struct built_table {
  std::string name;
  std::deque<std::string> strings;  // the names the metas view (a deque never moves them)
  std::vector<column_meta> columns;
  std::vector<std::size_t> keys;
  std::vector<std::array<std::size_t, 1>> singles;  // one per column: the column alone
  std::vector<detail::index_ddl> indexes;
  std::vector<detail::column_ddl> column_ddls;
  std::vector<value> defaults;
  // Referenced tables: each a table of the one column referred to.
  std::deque<column_meta> target_columns;
  std::deque<table_meta> targets;
  std::vector<detail::foreign_key_ddl> foreign_keys;
  table_meta meta{};
  detail::table_ddl ddl{};

  std::string_view keep(std::string s) { return strings.emplace_back(std::move(s)); }
};

void build(built_table& t, std::string_view table, const std::vector<column_spec>& specs, bool generate_key) {
  t.name = std::string(table);
  const std::size_t n = specs.size();
  t.columns.reserve(n);
  t.singles.reserve(n);
  t.defaults.reserve(n);
  t.column_ddls.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const column_spec& c = specs[i];
    const std::string_view name = t.keep(c.name());
    t.columns.push_back(column_meta{name, name, c.type(), c.nullable(), true, static_cast<std::uint8_t>(c.precision()),
                                    static_cast<std::uint8_t>(c.scale())});
    t.singles.push_back({i});
    if (c.is_primary_key()) t.keys.push_back(i);
    if (c.default_value()) {
      t.defaults.push_back(*c.default_value());
      t.column_ddls[i].given_default = &t.defaults.back();
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (specs[i].is_unique()) t.indexes.push_back({t.singles[i], true});
    if (const auto& ref = specs[i].reference()) {
      const std::string_view target_column = t.keep(ref->second);
      t.target_columns.push_back(column_meta{target_column, target_column, specs[i].type(), false, true});
      table_meta target{};
      target.table = t.keep(ref->first);
      target.columns = {&t.target_columns.back(), 1};
      target.primary_key = 0;
      target.generated_key = false;
      target.naming = name_style::as_declared;
      t.targets.push_back(target);
      static constexpr std::array<std::size_t, 1> first{0};
      t.foreign_keys.push_back(
          {t.singles[i], &t.targets.back(), first, true, t.keep(specs[i].name()), specs[i].indexed()});
    }
  }
  t.meta.table = t.name;
  t.meta.columns = t.columns;
  t.meta.primary_key = t.keys.empty() ? 0 : t.keys.front();
  t.meta.generated_key =
      generate_key && t.keys.size() == 1 &&
      (t.columns[t.keys[0]].type == value_type::int64 || t.columns[t.keys[0]].type == value_type::int32);
  t.meta.naming = name_style::as_declared;
  t.meta.key_columns = t.keys;
  t.ddl = detail::table_ddl{&t.meta, t.foreign_keys, t.indexes, t.column_ddls};
}

std::vector<std::string> create_statements(const database& db, std::string_view table,
                                           const std::vector<column_spec>& columns, bool generate_key,
                                           bool if_not_exists) {
  if (columns.empty())
    throw configuration_error("ar::schema::create_table('" + std::string(table) + "'): a table needs a column");
  built_table t;
  build(t, table, columns, generate_key);
  if (t.keys.empty())
    throw configuration_error("ar::schema::create_table('" + std::string(table) +
                              "'): no column is marked primary_key(); mark the key column (or each column of a "
                              "composite key)");
  return detail::create_table_sql(detail::state_of(db), t.ddl, if_not_exists,
                                  std::vector<bool>(t.foreign_keys.size(), true));
}

// The column's definition in ADD COLUMN: its type (bounded where the database cannot index an
// unbounded one and the column is unique), DEFAULT, NOT NULL.
std::string column_definition(const database& db, std::string_view table, const column_spec& c) {
  const dialect& d = db.dialect();
  built_table t;
  build(t, table, {c}, false);
  std::string out;
  if (c.is_unique()) {
    const std::array<std::span<const std::size_t>, 1> covering{t.singles[0]};
    out += d.indexed_column_definition(t.meta, 0, covering);
  } else if (c.type() == value_type::decimal) {
    out += d.decimal_column_type(c.precision(), c.scale());
  } else {
    out += d.column_type(c.type());
  }
  if (c.default_value()) {
    out += " DEFAULT ";
    if (!d.literal(out, *c.default_value()))
      throw configuration_error("ar::schema::add_column('" + std::string(table) + "', '" + c.name() +
                                "'): the default_to value has no literal the " + std::string(d.driver_name()) +
                                " dialect writes safely (ar writes numbers, bools and text without a NUL byte)");
  }
  if (!c.nullable()) out += " NOT NULL";
  return out;
}

std::string index_statement(const database& db, std::string_view table, const std::vector<std::string>& columns,
                            const index_options& options) {
  const dialect& d = db.dialect();
  const std::string name =
      options.name.empty() ? detail::ddl_object_name(d, "index", table, views(columns)) : options.name;
  std::vector<std::string> quoted_columns;
  quoted_columns.reserve(columns.size());
  for (const std::string& c : columns) quoted_columns.push_back(quoted(d, c));
  std::string out;
  d.create_index(out, name, table, quoted_columns, false);
  if (options.unique) out.replace(0, std::string_view("CREATE INDEX").size(), "CREATE UNIQUE INDEX");
  return out;
}

// schema_migrations: version, name, and when it was applied (UTC).
const std::vector<column_spec>& migrations_columns() {
  static const std::vector<column_spec> columns{column_def<std::int64_t>("version").primary_key(),
                                                column_def<std::string>("name"), column_def<time_point>("applied_at")};
  return columns;
}

std::string placeholders(const dialect& d, std::size_t n) {
  std::string out;
  for (std::size_t i = 1; i <= n; ++i) {
    if (i > 1) out += ", ";
    d.placeholder(out, i);
  }
  return out;
}

struct applied_row {
  std::int64_t version = 0;
  std::string name;
};

template <class Runner>
std::vector<applied_row> read_applied(const database& db, Runner&& run_on) {
  const dialect& d = db.dialect();
  const std::string sql = "SELECT " + quoted(d, "version") + ", " + quoted(d, "name") + " FROM " +
                          quoted(d, migrations_table) + " ORDER BY " + quoted(d, "version");
  std::vector<applied_row> rows;
  applied_row staging;
  std::array<detail::column_binding, 2> columns{detail::bind_column(staging.version),
                                                detail::bind_column(staging.name)};
  auto keep = [&] { rows.push_back(staging); };
  run_on(sql, std::span<const value>{}, std::span<const detail::column_binding>(columns),
         detail::row_callback::of(keep));
  return rows;
}

std::string where_of(const database& db) { return "database '" + db.name() + "'"; }

// --- rebuilding a table, where ALTER TABLE cannot change constraints (SQLite) ---------------------

// The clauses of a CREATE TABLE's list of columns and constraints, each [begin, end) between the
// commas outside parentheses, quotes and comments, and where the list closes.
struct definition_list {
  std::vector<std::pair<std::size_t, std::size_t>> clauses;
  std::size_t close = std::string::npos;
};

definition_list split_definition(const std::string& create) {
  definition_list out;
  int depth = 0;
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < create.size(); ++i) {
    const char c = create[i];
    const char next = i + 1 < create.size() ? create[i + 1] : '\0';
    if (quote) {
      if (c != quote) continue;
      if (next == quote && quote != ']')
        ++i;  // a doubled quote stands for itself
      else
        quote = 0;
      continue;
    }
    if (c == '-' && next == '-') {
      i = std::min(create.find('\n', i), create.size());
    } else if (c == '/' && next == '*') {
      const std::size_t end = create.find("*/", i + 2);
      i = end == std::string::npos ? create.size() : end + 1;
    } else if (c == '\'' || c == '"' || c == '`') {
      quote = c;
    } else if (c == '[') {
      quote = ']';
    } else if (c == '(') {
      if (++depth == 1) start = i + 1;
    } else if (c == ')') {
      if (--depth == 0) {
        out.clauses.emplace_back(start, i);
        out.close = i;
        break;
      }
    } else if (c == ',' && depth == 1) {
      out.clauses.emplace_back(start, i);
      start = i + 1;
    }
  }
  return out;
}

// The first `n` words of a clause, unquoted and upper-cased, and each parenthesised list as one
// word of its own ("(A,B)").
std::vector<std::string> leading_words(std::string_view clause, std::size_t n) {
  std::vector<std::string> words;
  std::size_t i = 0;
  auto upper = [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); };
  while (i < clause.size() && words.size() < n) {
    const char c = clause[i];
    if (c == '"' || c == '`' || c == '[' || c == '\'') {
      const char close = c == '[' ? ']' : c;
      std::string word;
      for (++i; i < clause.size(); ++i) {
        if (clause[i] == close) {
          if (close != ']' && i + 1 < clause.size() && clause[i + 1] == close) {
            word += upper(close);
            ++i;
            continue;
          }
          ++i;
          break;
        }
        word += upper(clause[i]);
      }
      words.push_back(std::move(word));
    } else if (c == '(') {
      std::string list = "(";
      for (const std::string& w : leading_words(clause.substr(i + 1, clause.find(')', i) - i - 1), 64))
        list += (list.size() > 1 ? "," : "") + w;
      words.push_back(list + ")");
      i = std::min(clause.find(')', i), clause.size() - 1) + 1;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
      std::string word;
      while (i < clause.size() &&
             (std::isalnum(static_cast<unsigned char>(clause[i])) || clause[i] == '_' || clause[i] == '$'))
        word += upper(clause[i++]);
      words.push_back(std::move(word));
    } else {
      ++i;  // a space, a comma inside a column list, or punctuation: not a word
    }
  }
  return words;
}

std::string upper_case(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The table-level FOREIGN KEY clause of `create` named `name`, or else the unnamed one on exactly
// `columns`: its [begin, end), or nothing.
std::optional<std::pair<std::size_t, std::size_t>> foreign_key_clause(const std::string& create,
                                                                      const std::string& name,
                                                                      const std::vector<std::string>& columns) {
  std::string list = "(";
  for (const std::string& c : columns) list += (list.size() > 1 ? "," : "") + upper_case(c);
  list += ")";
  const definition_list parts = split_definition(create);
  std::optional<std::pair<std::size_t, std::size_t>> unnamed;
  for (const auto& [begin, end] : parts.clauses) {
    const auto words = leading_words(std::string_view(create).substr(begin, end - begin), 4);
    if (words.size() >= 3 && words[0] == "CONSTRAINT" && words[1] == upper_case(name) && words[2] == "FOREIGN")
      return std::pair{begin, end};
    if (!unnamed && words.size() >= 3 && words[0] == "FOREIGN" && words[1] == "KEY" && words[2] == list)
      unnamed = std::pair{begin, end};
  }
  return unnamed;
}

// Fails (ar::database_error, kind foreign_key_violation) when a row's foreign key points at no
// row: what a transaction run with enforcement off checks before it commits.
void check_foreign_keys(const database& db, const std::string& what) {
  const std::string sql = db.dialect().foreign_key_check_sql();
  if (sql.empty()) return;
  std::string table, parent;
  std::optional<std::int64_t> row;
  std::array<detail::column_binding, 3> columns{detail::bind_column(table), detail::bind_column(row),
                                                detail::bind_column(parent)};
  std::size_t found = 0;
  std::string listed;
  auto keep = [&] {
    if (found < 5)
      listed += std::string(found ? "; " : "") + "a row of '" + table + "'" +
                (row ? " (rowid " + std::to_string(*row) + ")" : std::string()) + " refers to no row of '" + parent +
                "'";
    ++found;
  };
  detail::run(detail::state_of(db), sql, {}, columns, detail::row_callback::of(keep), detail::cache_policy::once);
  if (found > 0)
    throw database_error(db.name(), sql,
                         what + " would leave " + std::to_string(found) +
                             " row(s) whose foreign key points at no row, so nothing of it was kept: " + listed +
                             (found > 5 ? "; ..." : ""),
                         {}, error_kind::foreign_key_violation);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// schema
// ---------------------------------------------------------------------------------------------

schema::schema(database db, detail::connection_pin* pin) : db_(std::move(db)), pin_(pin) {
  require_plain_naming(db_, "ar::schema");
}

void schema::run(const std::string& sql) {
  if (pin_)
    detail::run(*pin_, sql, {}, {}, {}, detail::cache_policy::once);
  else
    detail::run(detail::state_of(db_), sql, {}, {}, {}, detail::cache_policy::once);
  ran_.push_back(sql);
  // Prepared statements may refer to the table as it was (PostgreSQL keeps their plans).
  db_.clear_statement_cache();
}

void schema::run_all(const std::vector<std::string>& statements) {
  for (const std::string& sql : statements) run(sql);
}

void schema::create_table(std::string_view table, const std::vector<column_spec>& columns) {
  run_all(create_statements(db_, table, columns, true, false));
}

void schema::drop_table(std::string_view table) { run("DROP TABLE " + quoted(db_.dialect(), table)); }

void schema::rename_table(std::string_view from, std::string_view to) {
  run("ALTER TABLE " + quoted(db_.dialect(), from) + " RENAME TO " + quoted(db_.dialect(), to));
}

void schema::add_column(std::string_view table, const column_spec& column) {
  if (column.is_primary_key())
    throw configuration_error("ar::schema::add_column('" + std::string(table) + "', '" + column.name() +
                              "'): a primary key is declared by create_table, not added to a table");
  const dialect& d = db_.dialect();
  run("ALTER TABLE " + quoted(d, table) + " ADD COLUMN " + quoted(d, column.name()) + " " +
      column_definition(db_, table, column));
  if (column.is_unique()) add_index(table, {column.name()}, {.unique = true, .name = {}});
  if (const auto& ref = column.reference()) {
    if (column.indexed()) add_index(table, {column.name()});
    add_foreign_key(table, {column.name()}, ref->first, {ref->second});
  }
}

void schema::drop_column(std::string_view table, std::string_view column) {
  run("ALTER TABLE " + quoted(db_.dialect(), table) + " DROP COLUMN " + quoted(db_.dialect(), column));
}

void schema::rename_column(std::string_view table, std::string_view from, std::string_view to) {
  const dialect& d = db_.dialect();
  run("ALTER TABLE " + quoted(d, table) + " RENAME COLUMN " + quoted(d, from) + " TO " + quoted(d, to));
}

void schema::add_index(std::string_view table, const std::vector<std::string>& columns, const index_options& options) {
  if (columns.empty())
    throw configuration_error("ar::schema::add_index('" + std::string(table) + "'): an index needs a column");
  run(index_statement(db_, table, columns, options));
}

void schema::drop_index(std::string_view table, std::string_view name) {
  std::string sql;
  db_.dialect().drop_index(sql, name, table);
  run(sql);
}

void schema::add_foreign_key(std::string_view table, const std::vector<std::string>& columns, std::string_view to_table,
                             const std::vector<std::string>& to_columns) {
  const dialect& d = db_.dialect();
  if (columns.empty() || columns.size() != to_columns.size())
    throw configuration_error("ar::schema::add_foreign_key('" + std::string(table) + "' -> '" + std::string(to_table) +
                              "'): name as many columns as the columns they refer to (at least one)");
  const std::string name = detail::ddl_object_name(d, "fk", table, views(columns));
  const std::string definition = "FOREIGN KEY " + quoted_list(d, columns) + " REFERENCES " + quoted(d, to_table) + " " +
                                 quoted_list(d, to_columns);
  std::string sql;
  if (d.add_foreign_key(sql, table, name, definition)) return run(sql);
  const std::string call =
      "ar::schema::add_foreign_key('" + std::string(table) + "' -> '" + std::string(to_table) + "')";
  if (d.table_definition_sql().empty())
    throw configuration_error(call + ": " + std::string(d.driver_name()) +
                              " cannot add a constraint to an existing table; declare the foreign key when the table "
                              "is created (column_spec::references in create_table)");
  rebuild_table(table, call, [&](const std::string& create) {
    if (foreign_key_clause(create, name, {}))
      throw configuration_error(call + ": the table has a foreign key named '" + name + "' already");
    const std::size_t close = split_definition(create).close;
    if (close == std::string::npos)
      throw configuration_error(call + ": ar could not read the table's CREATE TABLE: " + create);
    return create.substr(0, close) + ", CONSTRAINT " + quoted(d, name) + " " + definition + create.substr(close);
  });
}

void schema::drop_foreign_key(std::string_view table, const std::vector<std::string>& columns) {
  const dialect& d = db_.dialect();
  const std::string name = detail::ddl_object_name(d, "fk", table, views(columns));
  std::string sql;
  if (d.drop_foreign_key(sql, table, name)) return run(sql);
  const std::string call = "ar::schema::drop_foreign_key('" + std::string(table) + "')";
  if (d.table_definition_sql().empty())
    throw configuration_error(call + ": " + std::string(d.driver_name()) +
                              " cannot drop a constraint of an existing table");
  rebuild_table(table, call, [&](const std::string& create) {
    const auto clause = foreign_key_clause(create, name, columns);
    if (!clause)
      throw configuration_error(call + ": the table has no foreign key named '" + name +
                                "', nor one without a name on the same columns");
    // From the comma before the clause (a constraint follows the columns: there is one) to its end.
    const std::size_t comma = create.rfind(',', clause->first);
    return create.substr(0, comma) + create.substr(clause->second);
  });
}

void schema::rebuild_table(std::string_view table, const std::string& call,
                           const std::function<std::string(const std::string& create)>& edit) {
  const dialect& d = db_.dialect();
  std::unique_ptr<transaction> own;
  if (!foreign_keys_off_) {
    if (db_.in_transaction())
      throw configuration_error(call + ": " + std::string(d.driver_name()) +
                                " changes a table's constraints by rebuilding the table, with foreign key enforcement "
                                "off, which it cannot switch inside a transaction: call it outside the transaction "
                                "this thread has open on database '" +
                                db_.name() + "', or in a migration (ar::migrator)");
    own.reset(new transaction(db_, d.foreign_keys_enforced_sql(false), d.foreign_keys_enforced_sql(true)));
  }
  std::string type, object, sql, create;
  std::vector<std::string> made_on_it;
  std::array<detail::column_binding, 3> columns{detail::bind_column(type), detail::bind_column(object),
                                                detail::bind_column(sql)};
  const std::array<value, 1> params{value{std::string(table)}};
  auto keep = [&] {
    if (type == "table")
      create = sql;
    else
      made_on_it.push_back(sql);
  };
  if (pin_)
    detail::run(*pin_, d.table_definition_sql(), params, columns, detail::row_callback::of(keep),
                detail::cache_policy::once);
  else
    detail::run(detail::state_of(db_), d.table_definition_sql(), params, columns, detail::row_callback::of(keep),
                detail::cache_policy::once);
  if (create.empty())
    throw configuration_error(call + ": " + where_of(db_) + " has no table '" + std::string(table) + "'");
  run_all(d.rebuild_table_sql(table, edit(create), made_on_it));
  if (own) {
    check_foreign_keys(db_, call);
    own->commit();
  }
}

void schema::execute(std::string_view sql) { run(std::string(sql)); }

// ---------------------------------------------------------------------------------------------
// migrator
// ---------------------------------------------------------------------------------------------

migrator::migrator(database db, std::vector<migration> migrations)
    : db_(std::move(db)), migrations_(std::move(migrations)) {
  require_plain_naming(db_, "ar::migrator");
  std::sort(migrations_.begin(), migrations_.end(),
            [](const migration& a, const migration& b) { return a.version < b.version; });
  for (std::size_t i = 0; i < migrations_.size(); ++i) {
    if (!migrations_[i].up)
      throw configuration_error("ar::migrator: migration " + std::to_string(migrations_[i].version) + " '" +
                                migrations_[i].name + "' has no up");
    if (i > 0 && migrations_[i].version == migrations_[i - 1].version)
      throw configuration_error("ar::migrator: two migrations have the version " +
                                std::to_string(migrations_[i].version) + " ('" + migrations_[i - 1].name + "' and '" +
                                migrations_[i].name + "'); each needs its own");
  }
}

namespace {

void ensure_migrations_table(const database& db) {
  for (const std::string& sql : create_statements(db, migrations_table, migrations_columns(), false, true)) {
    try {
      detail::run(detail::state_of(db), sql, {}, {}, {}, detail::cache_policy::once);
    } catch (const database_error& e) {
      // Two processes creating it at once: PostgreSQL's IF NOT EXISTS checks before it inserts the
      // table's catalog rows, so the second may fail on them (a unique violation). The table is there.
      if (e.kind() != error_kind::unique_violation) throw;
    }
  }
}

std::vector<applied_row> applied_on(const database& db) {
  return read_applied(db, [&](const std::string& sql, std::span<const value> params,
                              std::span<const detail::column_binding> columns, detail::row_callback on_row) {
    detail::run(detail::state_of(db), sql, params, columns, on_row, detail::cache_policy::once);
  });
}

std::vector<applied_row> applied_on(detail::connection_pin& pin, const database& db) {
  return read_applied(db, [&](const std::string& sql, std::span<const value> params,
                              std::span<const detail::column_binding> columns, detail::row_callback on_row) {
    detail::run(pin, sql, params, columns, on_row, detail::cache_policy::once);
  });
}

bool contains(const std::vector<applied_row>& rows, std::int64_t version) {
  return std::any_of(rows.begin(), rows.end(), [&](const applied_row& r) { return r.version == version; });
}

std::string record_sql(const dialect& d) {
  return "INSERT INTO " + quoted(d, migrations_table) + " (" + quoted(d, "version") + ", " + quoted(d, "name") + ", " +
         quoted(d, "applied_at") + ") VALUES (" + placeholders(d, 3) + ")";
}

std::string forget_sql(const dialect& d) {
  std::string out = "DELETE FROM " + quoted(d, migrations_table) + " WHERE " + quoted(d, "version") + " = ";
  d.placeholder(out, 1);
  return out;
}

time_point now_in_microseconds() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

[[noreturn]] void fail(const database& db, const migration& m, std::string_view direction, const std::exception& e,
                       const std::vector<std::string>& ran, bool transactional) {
  std::string message = "ar::migrator: " + std::string(direction) + " of migration " + std::to_string(m.version) +
                        " '" + m.name + "' on " + where_of(db) + " failed: " + e.what();
  if (transactional) {
    message += "; it was rolled back whole (nothing of it stays, and its version is not recorded)";
  } else {
    message += "; " + std::string(db.dialect().driver_name()) + " commits each DDL statement, so the " +
               std::to_string(ran.size()) +
               " statement(s) before it stay done (migration_error::statements_done) and " + "the version is " +
               (direction == "up" ? "not recorded" : "still recorded");
  }
  throw migration_error(std::move(message), m.version, m.name, ran);
}

// Takes the server's named lock for the run on `pin`, and gives it back when it ends.
class run_lock {
 public:
  run_lock(detail::connection_pin& pin, const database& db) : pin_(pin), db_(db) {
    std::int64_t got = 0;
    std::array<detail::column_binding, 1> out{detail::bind_column(got)};
    const std::string sql = db.dialect().migration_lock_sql();
    detail::run(pin_, sql, {}, out, {}, detail::cache_policy::once);
    if (got != 1)
      throw timeout_error(db.name(), sql, std::chrono::seconds(60),
                          "another process has been migrating for 60 seconds (it holds the lock "
                          "'ar_schema_migrations'); nothing was migrated");
  }
  ~run_lock() {
    try {
      std::int64_t released = 0;
      std::array<detail::column_binding, 1> out{detail::bind_column(released)};
      detail::run(pin_, db_.dialect().migration_unlock_sql(), {}, out, {}, detail::cache_policy::once);
    } catch (...) {
      // The lock goes with the connection when it closes.
    }
  }
  run_lock(const run_lock&) = delete;
  run_lock& operator=(const run_lock&) = delete;

 private:
  detail::connection_pin& pin_;
  const database& db_;
};

}  // namespace

std::vector<std::int64_t> migrator::up(std::optional<std::int64_t> target) {
  ensure_migrations_table(db_);
  std::vector<std::int64_t> done;
  const dialect& d = db_.dialect();
  if (d.transactional_ddl()) {
    const std::vector<applied_row> before = applied_on(db_);
    for (const migration& m : migrations_) {
      if (target && m.version > *target) break;
      if (contains(before, m.version)) continue;
      schema s(db_, nullptr);
      try {
        transaction tx(db_, d.foreign_keys_enforced_sql(false), d.foreign_keys_enforced_sql(true));
        s.foreign_keys_off_ = !tx.nested() && !d.foreign_keys_enforced_sql(false).empty();
        // The version row first: a second process applying the same migration waits here for this
        // transaction, then finds the row (a unique violation) and skips the migration.
        try {
          const std::array<value, 3> row{value{m.version}, value{m.name}, value{now_in_microseconds()}};
          detail::run(detail::state_of(db_), record_sql(d), row, {}, {}, detail::cache_policy::once);
        } catch (const database_error& e) {
          if (e.kind() == error_kind::unique_violation) continue;  // applied meanwhile; tx rolls back
          throw;
        }
        m.up(s);
        if (s.foreign_keys_off_)
          check_foreign_keys(db_, "migration " + std::to_string(m.version) + " '" + m.name + "'");
        tx.commit();
      } catch (const migration_error&) {
        throw;
      } catch (const std::exception& e) {
        db_.clear_statement_cache();
        fail(db_, m, "up", e, s.statements(), true);
      }
      done.push_back(m.version);
    }
    return done;
  }
  detail::connection_pin pin(detail::state_of(db_));
  run_lock lock(pin, db_);
  const std::vector<applied_row> before = applied_on(pin, db_);  // read under the lock
  for (const migration& m : migrations_) {
    if (target && m.version > *target) break;
    if (contains(before, m.version)) continue;
    schema s(db_, &pin);
    try {
      m.up(s);
      const std::array<value, 3> row{value{m.version}, value{m.name}, value{now_in_microseconds()}};
      detail::run(pin, record_sql(d), row, {}, {}, detail::cache_policy::once);
    } catch (const std::exception& e) {
      fail(db_, m, "up", e, s.statements(), false);
    }
    done.push_back(m.version);
  }
  return done;
}

std::vector<std::int64_t> migrator::down(std::int64_t target) {
  ensure_migrations_table(db_);
  const dialect& d = db_.dialect();
  auto plan = [&](const std::vector<applied_row>& applied) {
    std::vector<const migration*> steps;
    for (auto it = applied.rbegin(); it != applied.rend(); ++it) {
      const applied_row& row = *it;
      if (row.version <= target) break;
      const auto known = std::find_if(migrations_.begin(), migrations_.end(),
                                      [&](const migration& m) { return m.version == row.version; });
      if (known == migrations_.end())
        throw configuration_error("ar::migrator: down to " + std::to_string(target) + " on " + where_of(db_) +
                                  " would revert version " + std::to_string(row.version) + " ('" + row.name +
                                  "'), which this program does not know; nothing was reverted");
      if (!known->down)
        throw configuration_error("ar::migrator: down to " + std::to_string(target) + " on " + where_of(db_) +
                                  " would revert migration " + std::to_string(row.version) + " '" + row.name +
                                  "', which has no down; nothing was reverted");
      steps.push_back(&*known);
    }
    return steps;
  };
  std::vector<std::int64_t> done;
  if (d.transactional_ddl()) {
    for (const migration* m : plan(applied_on(db_))) {
      schema s(db_, nullptr);
      try {
        transaction tx(db_, d.foreign_keys_enforced_sql(false), d.foreign_keys_enforced_sql(true));
        s.foreign_keys_off_ = !tx.nested() && !d.foreign_keys_enforced_sql(false).empty();
        const std::array<value, 1> key{value{m->version}};
        // The row first, as up writes it: the second of two processes finds it gone and skips.
        const auto result = detail::run(detail::state_of(db_), forget_sql(d), key, {}, {}, detail::cache_policy::once);
        if (result.rows_affected == 0) continue;
        m->down(s);
        if (s.foreign_keys_off_)
          check_foreign_keys(db_, "migration " + std::to_string(m->version) + " '" + m->name + "' (down)");
        tx.commit();
      } catch (const std::exception& e) {
        db_.clear_statement_cache();
        fail(db_, *m, "down", e, s.statements(), true);
      }
      done.push_back(m->version);
    }
    return done;
  }
  detail::connection_pin pin(detail::state_of(db_));
  run_lock lock(pin, db_);
  for (const migration* m : plan(applied_on(pin, db_))) {
    schema s(db_, &pin);
    try {
      m->down(s);
      const std::array<value, 1> key{value{m->version}};
      detail::run(pin, forget_sql(d), key, {}, {}, detail::cache_policy::once);
    } catch (const std::exception& e) {
      fail(db_, *m, "down", e, s.statements(), false);
    }
    done.push_back(m->version);
  }
  return done;
}

std::vector<migration_status> migrator::status() const {
  ensure_migrations_table(db_);
  const std::vector<applied_row> applied = applied_on(db_);
  std::map<std::int64_t, migration_status> all;
  for (const migration& m : migrations_) all[m.version] = {m.version, m.name, false, true};
  for (const applied_row& r : applied) {
    auto [it, added] = all.try_emplace(r.version, migration_status{r.version, r.name, true, false});
    if (!added) it->second.applied = true;
  }
  std::vector<migration_status> out;
  out.reserve(all.size());
  for (auto& [version, s] : all) out.push_back(std::move(s));
  return out;
}

std::optional<std::int64_t> migrator::current_version() const {
  ensure_migrations_table(db_);
  const std::vector<applied_row> applied = applied_on(db_);
  if (applied.empty()) return std::nullopt;
  return applied.back().version;
}

bool migrator::pending() const {
  ensure_migrations_table(db_);
  const std::vector<applied_row> applied = applied_on(db_);
  return std::any_of(migrations_.begin(), migrations_.end(),
                     [&](const migration& m) { return !contains(applied, m.version); });
}

}  // namespace ar
