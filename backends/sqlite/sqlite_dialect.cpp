// SQLite: the embedded default. Double-quoted identifiers, positional ? placeholders, RETURNING for
// generated keys (SQLite 3.35+), time points as ISO-8601 text, booleans as 0/1.

#include <ar/backend/dialect.hpp>

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

  std::string_view column_type(value_type type) const override {
    switch (type) {
      case value_type::int32:
      case value_type::int64:
      case value_type::boolean: return "INTEGER";
      case value_type::float64: return "REAL";
      case value_type::text:
      case value_type::time: return "TEXT";
    }
    return "TEXT";
  }

  // Exactly "INTEGER PRIMARY KEY" makes the column an alias of the rowid.
  std::string_view generated_key_definition(value_type) const override { return "INTEGER PRIMARY KEY"; }

  // SQLite accepts OFFSET only after a LIMIT.
  std::string_view no_limit() const override { return "-1"; }

  // SQLite binds NaN as NULL: a nullable column would hold NULL instead of NaN.
  bool stores_nan() const override { return false; }

  // SQLITE_MAX_VARIABLE_NUMBER's default since SQLite 3.32.
  std::size_t max_parameters() const override { return 32766; }

  std::vector<std::string> session_setup() const override { return {"PRAGMA foreign_keys = ON"}; }

  // SOCI's sqlite3 backend opens whatever name it finds: the value of db= or dbname=, else the whole
  // connection string. An empty one is a temporary database that vanishes with its connection, and
  // a string with settings but no db= would open a file named after them: both are refused.
  std::string refuse_connection_string(std::string_view connection) const override {
    const std::string_view remedy =
        "; write sqlite3://db=<file> (db=:memory: for a database in memory)";
    if (connection.find('=') == std::string_view::npos) {
      if (connection.find_first_not_of(" \t") == std::string_view::npos)
        return "names no database file" + std::string(remedy);
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
