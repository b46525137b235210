// The statements that create a model's table: CREATE TABLE with its columns (DEFAULTs included),
// key, unique constraints, foreign key constraints and CHECKs of enum columns, then the indexes the
// dialect makes apart. Names of constraints and indexes are made here, the same on every run.

#include "exec/database_state.hpp"

#include <ar/backend/dialect.hpp>
#include <ar/detail/crud_sql.hpp>
#include <ar/detail/names.hpp>
#include <ar/detail/table_ddl.hpp>
#include <ar/error.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace ar::detail {

namespace {

// `name`, or where it is longer than the dialect keeps, its start and a hash of the whole (FNV-1a),
// so that two long names that share a start stay apart.
std::string fit_identifier(const dialect& d, std::string name) {
  const std::size_t limit = d.max_identifier_length();
  if (limit == 0 || name.size() <= limit) return name;
  std::uint32_t hash = 2166136261u;
  for (const char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string suffix = "_";
  for (int shift = 28; shift >= 0; shift -= 4) suffix += hex[(hash >> shift) & 0xf];
  name.resize(limit - suffix.size());
  return name + suffix;
}

std::string object_name(const dialect& d, std::string_view prefix, const table_meta& t,
                        std::span<const std::size_t> columns) {
  std::vector<std::string_view> names;
  for (const std::size_t c : columns) names.push_back(column_name(t, c));
  return ddl_object_name(d, prefix, table_name(t), names);
}

std::vector<std::string> quoted_columns(const dialect& d, const table_meta& t, std::span<const std::size_t> columns) {
  std::vector<std::string> out;
  for (const std::size_t c : columns) {
    std::string q;
    d.quote_identifier(q, column_name(t, c));
    out.push_back(std::move(q));
  }
  return out;
}

void column_list(std::string& out, const std::vector<std::string>& quoted) {
  out += '(';
  for (std::size_t i = 0; i < quoted.size(); ++i) {
    if (i) out += ", ";
    out += quoted[i];
  }
  out += ')';
}

bool starts_with(std::span<const std::size_t> index, std::span<const std::size_t> columns) {
  return index.size() >= columns.size() && std::equal(columns.begin(), columns.end(), index.begin());
}

bool same_columns(std::span<const std::size_t> a, std::span<const std::size_t> b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

struct planned_index {
  std::span<const std::size_t> columns;
  bool unique;
};

[[noreturn]] void refuse_literal(const dialect& d, const table_meta& t, std::size_t column, std::string_view what) {
  throw configuration_error("create_table of '" + std::string(table_name(t)) + "': the " + std::string(what) +
                            " of column '" + std::string(column_name(t, column)) + "' has no literal the " +
                            std::string(d.driver_name()) +
                            " dialect writes safely (ar writes numbers, bools and text without a NUL byte)");
}

}  // namespace

// "<prefix>_<table>_on_<a>_and_<b>", as Rails names an index.
std::string ddl_object_name(const dialect& d, std::string_view prefix, std::string_view table,
                            std::span<const std::string_view> columns) {
  std::string name(prefix);
  name += '_';
  name += table;
  name += "_on_";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i) name += "_and_";
    name += columns[i];
  }
  return fit_identifier(d, std::move(name));
}

std::vector<std::string> create_table_sql(database_state& db, const table_ddl& ddl, bool if_not_exists,
                                          const std::vector<bool>& constrained) {
  const naming_scope names(db.naming);
  const dialect& d = db.dialect;
  const table_meta& t = *ddl.table;

  // The indexes: AR_UNIQUE and AR_INDEX (one of the same columns as another left out), then one per
  // foreign key that no other index or the primary key already starts with (none for AR_NO_INDEX).
  std::vector<planned_index> indexes;
  for (const index_ddl& i : ddl.indexes) {
    const bool repeated = std::any_of(indexes.begin(), indexes.end(), [&](const planned_index& p) {
      return same_columns(p.columns, i.columns) && (p.unique || !i.unique);
    });
    if (!repeated) indexes.push_back({i.columns, i.unique});
  }
  for (const foreign_key_ddl& fk : ddl.foreign_keys) {
    if (!fk.indexed) continue;  // AR_NO_INDEX
    const bool served = starts_with(t.key_columns, fk.columns) ||
                        std::any_of(indexes.begin(), indexes.end(),
                                    [&](const planned_index& p) { return starts_with(p.columns, fk.columns); });
    if (!served) indexes.push_back({fk.columns, false});
  }

  std::string out;
  d.create_table_head(out, table_name(t), if_not_exists);
  out += " (";
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    const column_meta& c = t.columns[i];
    if (i) out += ", ";
    d.quote_identifier(out, column_name(t, i));
    out += ' ';
    if (i == t.primary_key && t.generated_key) {
      out += d.generated_key_definition(c.type);
      continue;
    }
    std::vector<std::span<const std::size_t>> covering;
    for (const planned_index& p : indexes)
      if (std::find(p.columns.begin(), p.columns.end(), i) != p.columns.end()) covering.push_back(p.columns);
    if (t.is_key(i))
      out += d.key_column_definition(t, i);
    else if (!covering.empty())
      out += d.indexed_column_definition(t, i, covering);
    else if (c.type == value_type::decimal)
      out += d.decimal_column_type(c.precision, c.scale);
    else
      out += d.column_type(c.type);
    if (i < ddl.columns.size() && (ddl.columns[i].default_value != nullptr || ddl.columns[i].given_default)) {
      out += " DEFAULT ";
      const value v = ddl.columns[i].default_value ? ddl.columns[i].default_value() : *ddl.columns[i].given_default;
      if (!d.literal(out, v)) refuse_literal(d, t, i, ddl.columns[i].default_value ? "AR_DEFAULT" : "default_to");
    }
    if (!c.nullable) out += " NOT NULL";
    if (i == t.primary_key && !t.composite_key()) out += " PRIMARY KEY";
  }
  if (t.composite_key()) {
    out += ", PRIMARY KEY ";
    column_list(out, quoted_columns(d, t, t.key_columns));
  }
  for (const planned_index& p : indexes) {
    if (!p.unique) continue;
    out += ", CONSTRAINT ";
    d.quote_identifier(out, object_name(d, "index", t, p.columns));
    out += " UNIQUE ";
    column_list(out, quoted_columns(d, t, p.columns));
  }
  for (std::size_t f = 0; f < ddl.foreign_keys.size(); ++f) {
    const foreign_key_ddl& fk = ddl.foreign_keys[f];
    if (f >= constrained.size() || !constrained[f] || fk.target == nullptr) continue;
    out += ", CONSTRAINT ";
    d.quote_identifier(out, object_name(d, "fk", t, fk.columns));
    out += " FOREIGN KEY ";
    column_list(out, quoted_columns(d, t, fk.columns));
    out += " REFERENCES ";
    d.quote_identifier(out, table_name(*fk.target));
    out += ' ';
    column_list(out, quoted_columns(d, *fk.target, fk.target_columns));
  }
  for (std::size_t i = 0; i < ddl.columns.size(); ++i) {
    if (ddl.columns[i].allowed == nullptr) continue;
    const std::size_t one[] = {i};
    out += ", CONSTRAINT ";
    d.quote_identifier(out, object_name(d, "check", t, one));
    out += " CHECK (";
    d.quote_identifier(out, column_name(t, i));
    out += " IN (";
    bool first = true;
    for (const value& v : ddl.columns[i].allowed()) {
      if (!first) out += ", ";
      first = false;
      if (!d.literal(out, v)) refuse_literal(d, t, i, "CHECK of the enum");
    }
    out += "))";
  }
  std::vector<const planned_index*> apart;
  for (const planned_index& p : indexes) {
    if (p.unique) continue;
    if (!d.index_in_create_table(out, object_name(d, "index", t, p.columns), quoted_columns(d, t, p.columns)))
      apart.push_back(&p);
  }
  out += ')';
  out += d.table_options();

  std::vector<std::string> statements{std::move(out)};
  for (const planned_index* p : apart) {
    std::string index;
    d.create_index(index, object_name(d, "index", t, p->columns), table_name(t), quoted_columns(d, t, p->columns),
                   if_not_exists);
    statements.push_back(std::move(index));
  }
  return statements;
}

}  // namespace ar::detail
