// The CRUD statements of a table (INSERT, UPDATE, DELETE, SELECT by key, DROP TABLE), rendered
// once per database, table and kind and kept with the database. CREATE TABLE: ddl_sql.cpp.

#include "exec/database_state.hpp"

#include <ar/detail/names.hpp>
#include <ar/backend/dialect.hpp>
#include <ar/database.hpp>
#include <ar/detail/crud_sql.hpp>
#include <ar/detail/execute.hpp>

namespace ar::detail {

namespace {

void column_list(std::string& out, const dialect& d, const table_meta& t, bool with_key) {
  bool first = true;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (!with_key && t.generated_key && i == t.primary_key) continue;
    if (!first) out += ", ";
    first = false;
    d.quote_identifier(out, column_name(t, i));
  }
}

// " WHERE key = <placeholder index>" (" WHERE a = ? AND b = ?" for a composite key, placeholders
// numbered from `index`): how every statement on one record finds it.
void where_key(std::string& out, const dialect& d, const table_meta& t, std::size_t index) {
  out += " WHERE ";
  for (std::size_t k = 0; k < t.key_columns.size(); ++k) {
    if (k) out += " AND ";
    d.quote_identifier(out, column_name(t, t.key_columns[k]));
    out += " = ";
    d.placeholder(out, index + k);
  }
}

std::string render_insert(const dialect& d, const table_meta& t, std::size_t rows, bool with_key, bool returning,
                          bool on_conflict = false, std::span<const std::size_t> target = {},
                          std::span<const std::size_t> update = {}) {
  std::string out = "INSERT INTO ";
  d.quote_identifier(out, table_name(t));
  const std::size_t per_row = with_key || !t.generated_key ? t.columns.size() : t.columns.size() - 1;
  if (per_row == 0) {
    // Only a generated key: every column takes its default.
    out += d.insert_default_values();  // callers insert such rows one at a time
  } else {
    out += " (";
    column_list(out, d, t, with_key);
    out += ") VALUES ";
    std::size_t index = 1;
    for (std::size_t r = 0; r < rows; ++r) {
      out += r ? ", (" : "(";
      for (std::size_t c = 0; c < per_row; ++c) {
        if (c) out += ", ";
        d.placeholder(out, index++);
      }
      out += ')';
    }
  }
  if (on_conflict) d.on_conflict_clause(out, t, target, update);
  if (returning) d.returning_clause(out, column_name(t, t.primary_key));
  return out;
}

std::string render_update(const dialect& d, const table_meta& t) {
  std::string out = "UPDATE ";
  d.quote_identifier(out, table_name(t));
  out += " SET ";
  std::size_t index = 1;
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (t.is_key(i)) continue;
    if (index > 1) out += ", ";
    d.quote_identifier(out, column_name(t, i));
    out += " = ";
    d.placeholder(out, index++);
  }
  where_key(out, d, t, index);
  return out;
}

// UPDATE of some columns (every one but the key when `columns` lists them all), the lock version
// raised and checked when the table has one.
std::string render_update_columns(const dialect& d, const table_meta& t, std::span<const std::size_t> columns) {
  std::string out = "UPDATE ";
  d.quote_identifier(out, table_name(t));
  out += " SET ";
  std::size_t index = 1;
  for (const std::size_t i : columns) {
    if (index > 1) out += ", ";
    d.quote_identifier(out, column_name(t, i));
    out += " = ";
    d.placeholder(out, index++);
  }
  if (t.locked()) {
    if (index > 1) out += ", ";
    d.quote_identifier(out, column_name(t, t.lock_version));
    out += " = ";
    d.quote_identifier(out, column_name(t, t.lock_version));
    out += " + 1";
  }
  where_key(out, d, t, index);
  if (t.locked()) {
    out += " AND ";
    d.quote_identifier(out, column_name(t, t.lock_version));
    out += " = ";
    d.placeholder(out, index + t.key_columns.size());
  }
  return out;
}

std::string render_select_by_key(const dialect& d, const table_meta& t) {
  std::string out = "SELECT ";
  column_list(out, d, t, true);
  out += " FROM ";
  d.quote_identifier(out, table_name(t));
  where_key(out, d, t, 1);
  return out;
}

std::string render_delete(const dialect& d, const table_meta& t) {
  std::string out = "DELETE FROM ";
  d.quote_identifier(out, table_name(t));
  where_key(out, d, t, 1);
  return out;
}

std::string render(const dialect& d, const table_meta& t, crud_kind kind, std::size_t rows) {
  switch (kind) {
    case crud_kind::insert: return render_insert(d, t, rows, false, d.supports_returning());
    case crud_kind::insert_with_key: return render_insert(d, t, rows, true, false);
    case crud_kind::insert_no_return: return render_insert(d, t, rows, false, false);
    case crud_kind::upsert: {
      std::string out = render_insert(d, t, rows, true, false);
      d.upsert_clause(out, t);
      return out;
    }
    case crud_kind::update: return render_update(d, t);
    case crud_kind::destroy: return render_delete(d, t);
    case crud_kind::destroy_locked: {
      std::string out = render_delete(d, t);
      out += " AND ";
      d.quote_identifier(out, column_name(t, t.lock_version));
      out += " = ";
      d.placeholder(out, t.key_columns.size() + 1);
      return out;
    }
    case crud_kind::select_by_key: return render_select_by_key(d, t);
    case crud_kind::count_by_key: {
      std::string out = "SELECT COUNT(*) FROM ";
      d.quote_identifier(out, table_name(t));
      where_key(out, d, t, 1);
      return out;
    }
    case crud_kind::drop_table_if_exists: {
      std::string out;
      d.drop_table(out, table_name(t), true);
      return out;
    }
  }
  return {};
}

}  // namespace

const hashed_sql& crud_statement(database_state& db, const table_meta& table, crud_kind kind, std::size_t rows) {
  // The statement this thread took last: a loop of finds (or of updates of one model) takes it again
  // without the lock or the hash. Kept statements are never erased, and the database is named by its
  // serial (a closed database's state may be followed by another at the same address).
  struct last_taken {
    std::uint64_t serial = 0;
    crud_key key{nullptr, crud_kind::insert, 0};
    const hashed_sql* sql = nullptr;
  };
  thread_local last_taken last;
  const crud_key key{&table, kind, rows};
  if (last.serial == db.serial && last.key == key) return *last.sql;
  std::lock_guard lock(db.crud_mutex);
  auto it = db.crud.find(key);
  if (it == db.crud.end()) {
    const naming_scope names(db.naming);
    hashed_sql sql{render(db.dialect, table, kind, rows)};
    sql.hash = statement_hash(sql.text);
    it = db.crud.emplace(key, std::move(sql)).first;
  }
  last = last_taken{db.serial, key, &it->second};
  return it->second;
}

const std::string& crud_sql(database_state& db, const table_meta& table, crud_kind kind, std::size_t rows) {
  return crud_statement(db, table, kind, rows).text;
}

std::string update_columns_sql(database_state& db, const table_meta& table, std::span<const std::size_t> columns) {
  const naming_scope names(db.naming);
  return render_update_columns(db.dialect, table, columns);
}

std::string uniqueness_sql(database_state& db, const table_meta& table, std::size_t column, bool exclude_key) {
  const naming_scope names(db.naming);
  const dialect& d = db.dialect;
  std::string out = "SELECT COUNT(*) FROM ";
  d.quote_identifier(out, table_name(table));
  out += " WHERE ";
  d.quote_identifier(out, column_name(table, column));
  out += " = ";
  d.placeholder(out, 1);
  if (exclude_key) {
    out += " AND NOT (";
    for (std::size_t k = 0; k < table.key_columns.size(); ++k) {
      if (k) out += " AND ";
      d.quote_identifier(out, column_name(table, table.key_columns[k]));
      out += " = ";
      d.placeholder(out, 2 + k);
    }
    out += ')';
  }
  return out;
}

std::string insert_on_conflict_sql(database_state& db, const table_meta& table, std::size_t rows, bool with_key,
                                   bool returning, std::span<const std::size_t> target,
                                   std::span<const std::size_t> update) {
  const naming_scope names(db.naming);
  return render_insert(db.dialect, table, rows, with_key, returning, true, target, update);
}

}  // namespace ar::detail
