// SQLite: the embedded default. Double-quoted identifiers, positional ? placeholders, RETURNING for
// generated keys (SQLite 3.35+), time points as ISO-8601 text, booleans as 0/1.

#include "backends/sqlite/sqlite_decimal.hpp"

#include <ar/backend/dialect.hpp>
#include <ar/backend/url.hpp>

#include <algorithm>
#include <array>
#include <string>

namespace ar::backends {

namespace {

class sqlite_dialect final : public dialect {
 public:
  std::span<const std::string_view> schemes() const override {
    static constexpr std::array<std::string_view, 2> names{"sqlite3", "sqlite"};
    return names;
  }
  std::string_view driver_name() const override { return "sqlite3"; }

  // Plain positional '?': SQLite resolves numbered ones (?NNN) with a search per parameter, which
  // made preparing a long IN list quadratic (1.1 s for 30,000 keys).
  void placeholder(std::string& out, std::size_t) const override { out += '?'; }
  // SQLite takes a row-value IN's right side only as a subquery: (a, b) IN (VALUES (?, ?), ...).
  std::string_view row_values_list() const override { return "VALUES "; }

  // A sum of doubles is not exact (0.1 ten times is 0.9999999999999999): each value rounded to a
  // whole number of 10^-scale is exact, so is their sum below 2^53, and one division gives the
  // double nearest the exact total, which reads back as that decimal (up to 15 digits; a longer
  // total is refused on read). A plain ar::decimal (scale 0 declared) is summed as it is.
  std::pair<std::string, std::string> decimal_sum(int scale) const override {
    if (scale == 0) return dialect::decimal_sum(scale);
    const std::string unit = "1e" + std::to_string(scale);
    return {"COALESCE(SUM(ROUND(", " * " + unit + ")) / " + unit + ", 0)"};
  }

  // A NUMERIC column keeps a 64-bit integer or a double: a decimal it would round is refused
  // before the statement, naming the field (backends/sqlite/sqlite_decimal.hpp).
  std::string decimal_refusal(const decimal& v, int, int) const override { return sqlite_decimal::refusal(v); }

  std::string_view column_type(value_type type) const override {
    switch (type) {
      case value_type::int32:
      case value_type::int64:
      case value_type::boolean: return "INTEGER";
      case value_type::float64: return "REAL";
      case value_type::text:
      case value_type::time:
      case value_type::date:  // 'YYYY-MM-DD', which orders as the dates do
      case value_type::uuid:  // lower-case, which orders as the bytes do
      case value_type::json: return "TEXT";
      case value_type::bytes: return "BLOB";
      // NUMERIC(P, S) for ar::numeric<P, S> (decimal_column_type): NUMERIC affinity, which keeps a
      // decimal as an INTEGER or a REAL, so that it compares and sorts as a number (ar binds it so).
      case value_type::decimal: return "NUMERIC";
    }
    return "TEXT";
  }

  // Exactly "INTEGER PRIMARY KEY" makes the column an alias of the rowid.
  std::string_view generated_key_definition(value_type) const override { return "INTEGER PRIMARY KEY"; }

  // SQLite accepts OFFSET only after a LIMIT.
  std::string_view no_limit() const override { return "-1"; }

  // SQLite's LIKE already ignores the case of ASCII letters (and only theirs; LOWER() folds no
  // more), so ilike is LIKE. Its GLOB is the match whose case counts: a text found as it is, case
  // counting, is a GLOB pattern with *, ? and [ each in brackets ("a*b" at the start: "a[*]b*").
  void pattern_match(std::string& out, match_writer& w, std::string_view pattern, bool /*ignore_case*/,
                     bool negated) const override {
    dialect::pattern_match(out, w, pattern, false, negated);
  }
  void text_match(std::string& out, match_writer& w, std::string_view text, text_position where,
                  bool ignore_case) const override {
    if (ignore_case) return dialect::text_match(out, w, text, where, ignore_case);
    std::string pattern;
    pattern.reserve(text.size() + 2);
    if (where != text_position::start) pattern += '*';
    for (char c : text) {
      if (c == '*' || c == '?' || c == '[') {
        pattern += '[';
        pattern += c;
        pattern += ']';
      } else {
        pattern += c;
      }
    }
    if (where != text_position::end) pattern += '*';
    w.operand(out);
    out += " GLOB ";
    w.parameter(out, value{std::move(pattern)});
  }

  // SQLite binds NaN as NULL: a nullable column would hold NULL instead of NaN.
  bool stores_nan() const override { return false; }

  // SQLITE_MAX_VARIABLE_NUMBER's default since SQLite 3.32.
  std::size_t max_parameters() const override { return 32766; }

  std::vector<std::string> session_setup() const override { return {"PRAGMA foreign_keys = ON"}; }
  std::vector<std::string> read_only_session() const override { return {"PRAGMA query_only = ON"}; }

  // ALTER TABLE cannot add or drop a constraint: a table's foreign keys are those CREATE TABLE
  // declared (changing them means making the table again).
  bool add_foreign_key(std::string&, std::string_view, std::string_view, std::string_view) const override {
    return false;
  }
  bool drop_foreign_key(std::string&, std::string_view, std::string_view) const override { return false; }
  // ALTER TABLE cannot change constraints: migrations rebuild the table (see the base class). The
  // rows wait in a temporary table while the table is made again under its own name, so that no
  // RENAME has to check the views that read it (they name a table that is, for a moment, gone).
  std::string table_definition_sql() const override {
    return "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
           "ORDER BY type <> 'table', rowid";
  }
  std::vector<std::string> rebuild_table_sql(std::string_view table, std::string_view create,
                                             std::span<const std::string> made_on_it) const override {
    std::string name;
    quote_identifier(name, table);
    const std::string parked = "temp.\"ar_rebuild\"";
    std::vector<std::string> out{"CREATE TEMP TABLE " + parked + " AS SELECT * FROM " + name, "DROP TABLE " + name,
                                 std::string(create), "INSERT INTO " + name + " SELECT * FROM " + parked,
                                 "DROP TABLE " + parked};
    out.insert(out.end(), made_on_it.begin(), made_on_it.end());
    return out;
  }
  std::string foreign_keys_enforced_sql(bool on) const override {
    return on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF";
  }
  std::string foreign_key_check_sql() const override {
    return "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check";
  }

  // SOCI's sqlite3 backend opens whatever name it finds: the value of db= or dbname=, else the whole
  // connection string. An empty one is a temporary database that vanishes with its connection, and
  // a string with settings but no db= would open a file named after them: both are refused.
  // A file named by URL is percent-decoded; SOCI's form (db=<file> timeout=5) goes as it is.
  std::string driver_connection_string(std::string_view connection, std::string_view) const override {
    if (connection.find('=') == std::string_view::npos)
      if (auto file = backend::percent_decode(connection)) return std::move(*file);
    return std::string(connection);
  }

  std::string refuse_connection_string(std::string_view connection) const override {
    const std::string_view remedy = "; write sqlite3://db=<file> (db=:memory: for a database in memory)";
    if (connection.find('=') == std::string_view::npos) {
      if (connection.find_first_not_of(" \t") == std::string_view::npos)
        return "names no database file" + std::string(remedy);
      // A file by URL (sqlite:///abs/app.db, sqlite:app.db, sqlite::memory:): percent-decoded.
      if (connection.find('?') != std::string_view::npos)
        return "has settings after '?', which a SQLite file URL cannot pass on; write "
               "sqlite3://db=<file> timeout=5 (SOCI's form) for settings";
      const auto file = backend::percent_decode(connection);
      if (!file)
        return "has a '%' that is not followed by two hex digits (percent-encoding: %20 for a space, %25 for '%')";
      if (file->find('=') != std::string::npos)
        return "names a file with '=' in its name, which SOCI's sqlite3 backend would read as a setting; "
               "rename the file";
      return {};
    }
    std::size_t at = 0;
    while (at < connection.size()) {
      const std::size_t end = std::min(connection.find(' ', at), connection.size());
      const std::string_view pair = connection.substr(at, end - at);
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && (pair.substr(0, eq) == "db" || pair.substr(0, eq) == "dbname")) {
        const std::string_view name = pair.substr(eq + 1);
        if (name.empty() || name == "\"\"") return "names no database file (its db= is empty)" + std::string(remedy);
        return {};
      }
      at = end + 1;
    }
    return "has settings but names no database file (no db= or dbname=)" + std::string(remedy);
  }

  // The catalog through the table-valued pragmas. A column SQLite declares nullable but that cannot
  // hold NULL, the single INTEGER PRIMARY KEY (an alias of the rowid), is reported NOT NULL.
  std::string catalog_columns_sql() const override {
    return "SELECT name, type, CASE WHEN \"notnull\" <> 0 OR (pk = 1 AND upper(type) = 'INTEGER' AND "
           "max(pk) OVER () = 1) THEN 0 ELSE 1 END, pk FROM pragma_table_info(?) ORDER BY cid";
  }
  std::string catalog_index_columns_sql() const override {
    return "SELECT ii.name FROM pragma_index_list(?) AS il, pragma_index_info(il.name) AS ii WHERE ii.seqno = 0";
  }
  // An INTEGER PRIMARY KEY is the rowid, which SQLite fills in when an insert leaves it NULL, but a
  // schema such as Chinook's supplies its keys: no column is reported generated.
  std::string catalog_tables_sql() const override {
    return "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
           "ORDER BY name";
  }
  std::string catalog_foreign_keys_sql() const override {
    return "SELECT CAST(id AS TEXT), seq + 1, \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?) "
           "ORDER BY id, seq";
  }
  std::string catalog_unique_keys_sql() const override {
    // A partial index (il.partial) is unique only where its WHERE holds; an expression's column has
    // no name (left out as a whole: the index is not a key of columns).
    return "SELECT il.name, ii.name FROM pragma_index_list(?) AS il, pragma_index_info(il.name) AS ii "
           "WHERE il.\"unique\" = 1 AND il.partial = 0 AND NOT EXISTS (SELECT 1 FROM pragma_index_info(il.name) AS e "
           "WHERE e.name IS NULL) ORDER BY il.name, ii.seqno";
  }
  std::string catalog_indexes_sql() const override {
    return "SELECT il.name, ii.name, il.\"unique\" FROM pragma_index_list(?) AS il, pragma_index_info(il.name) AS ii "
           "ORDER BY il.name, ii.seqno";
  }

  // SQLite's type affinity (https://sqlite.org/datatype3.html, 3.1): the declared type decides what a
  // column turns a value into. INTEGER and NUMERIC keep integers; REAL turns them into reals (a
  // 64-bit integer would lose digits); TEXT turns numbers into text; NUMERIC turns text that looks
  // like a number into one ("0042" would come back 42), so text needs TEXT. A column without a type
  // (BLOB affinity) keeps every value as it is given.
  bool column_type_holds(std::string_view type, value_type field) const override {
    enum class affinity { integer, text, blob, real, numeric };
    const std::string t = normal_type_name(type);
    const auto has = [&](std::string_view part) {
      std::string upper(t);
      for (char& c : upper)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      return upper.find(part) != std::string::npos;
    };
    const affinity a = has("INT")                                  ? affinity::integer
                       : has("CHAR") || has("CLOB") || has("TEXT") ? affinity::text
                       : has("BLOB") || t.empty()                  ? affinity::blob
                       : has("REAL") || has("FLOA") || has("DOUB") ? affinity::real
                                                                   : affinity::numeric;
    if (a == affinity::blob) return true;
    switch (field) {
      case value_type::int32:
      case value_type::int64:
      case value_type::boolean: return a == affinity::integer || a == affinity::numeric;
      // A real stays a real under NUMERIC and INTEGER affinity (one that is a whole number may come back
      // an integer, which a double field reads exactly).
      case value_type::float64: return a != affinity::text;
      case value_type::text: return a == affinity::text;
      // ar's time text ("2024-02-29 12:34:56.123456") never looks like a number: NUMERIC (DATETIME,
      // DATE) keeps it as text.
      case value_type::time:
      case value_type::date: return a == affinity::text || a == affinity::numeric;
      case value_type::uuid:
      case value_type::json:
        return a == affinity::text;  // NUMERIC would turn the text 12 into 12
      // ar binds a decimal as an integer or a real, which NUMERIC and INTEGER affinity keep; a REAL
      // column is not exact (a decimal field there would say so on the first sum), TEXT compares as text.
      case value_type::decimal: return a == affinity::numeric || a == affinity::integer;
      // A BLOB is kept as it is under every affinity.
      case value_type::bytes: return true;
    }
    return false;
  }
  // A declared type by its affinity, as SQLite reads it: INTEGER affinity is a 64-bit integer (a
  // BOOL in the name, or TINYINT(1), a bool), TEXT text, BLOB bytes (no type at all: nothing, a
  // column that keeps any value), REAL a double (SQLite's REAL has 8 bytes); of NUMERIC affinity,
  // DATE a date, DATETIME and TIMESTAMP a time point, BOOLEAN a bool.
  std::optional<column_field> field_for_column(std::string_view type) const override {
    std::string t = normal_type_name(type);
    for (char& c : t)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    std::string raw(type);
    for (char& c : raw)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const auto has = [&](std::string_view part) { return t.find(part) != std::string::npos; };
    if (has("BOOL") || raw.rfind("TINYINT(1)", 0) == 0) return column_field{value_type::boolean};
    if (has("INT")) return column_field{value_type::int64};
    if (has("CHAR") || has("CLOB") || has("TEXT")) return column_field{value_type::text};
    if (has("BLOB")) return column_field{value_type::bytes};
    if (t.empty()) return std::nullopt;
    if (has("REAL") || has("FLOA") || has("DOUB")) return column_field{value_type::float64};
    if (t == "DATE") return column_field{value_type::date};
    if (has("DATETIME") || has("TIMESTAMP")) return column_field{value_type::time};
    return std::nullopt;
  }
  // SQLite finds identifiers whatever their case.
  bool column_names_ignore_case() const override { return true; }
  // BINARY: memcmp() of the UTF-8 bytes, though a column be declared COLLATE NOCASE.
  std::pair<std::string_view, std::string_view> text_byte_order() const override { return {"", " COLLATE BINARY"}; }

  // Every connection to ":memory:" is a database of its own, and SQLite takes one writer at a
  // time anyway: one connection unless the program asks for more (a file database can have them).
  std::size_t default_pool_size() const override { return 1; }
};

}  // namespace

void register_sqlite_driver();  // sqlite_native.cpp: statements through the sqlite3 C API

void register_sqlite() {
  register_dialect(std::make_shared<sqlite_dialect>());
  register_sqlite_driver();
}

}  // namespace ar::backends
