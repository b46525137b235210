#ifndef AR_TESTS_SUPPORT_CHINOOK_HPP
#define AR_TESTS_SUPPORT_CHINOOK_HPP

// The Chinook sample database (tests/data/chinook, MIT licence, as its author publishes it): a real
// schema no one here wrote, with PascalCase names, NUMERIC(10,2) prices, dates stored as text on
// SQLite, a composite key (PlaylistTrack) and a self-referential employee tree. Its PostgreSQL dump
// names the same tables and columns in snake_case, with INT keys and TIMESTAMP dates; MariaDB loads
// that dump as tests/support/chinook_mariadb.sed converts it.

#include <ar/ar.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace ar_test {

// A fresh SQLite file loaded from tests/data/chinook/Chinook_Sqlite.sql by the sqlite3 C API
// (the script as published, run with sqlite3_exec), under the test's temporary directory; each
// call makes a new one (named after `file_name` and the process). Returns its path.
std::string make_chinook_sqlite(const std::string& file_name);

// Runs one query on a SQLite file with the sqlite3 C API and returns its first column of every row
// as text (NULL as "NULL"): the raw twin a test compares ar's answer with.
std::vector<std::string> sqlite_column(const std::string& path, const std::string& sql);

// A connection of its own (SOCI, outside ar: in no statement count, query log or pool) to the
// database a URL names, as ar::open takes it ("sqlite3://db=...", "postgresql://...",
// "mysql://..."): it runs the raw SQL a test compares ar's answers with, on the same database.
class raw_connection {
 public:
  explicit raw_connection(const std::string& url);
  ~raw_connection();
  raw_connection(raw_connection&&) noexcept;
  raw_connection& operator=(raw_connection&&) noexcept;

  // The first column of every row as text (NULL as "NULL", numbers as std::to_string writes them).
  std::vector<std::string> column(const std::string& sql);
  // The one integer a query such as SELECT COUNT(*) answers.
  std::int64_t count(const std::string& sql);
  void run(const std::string& sql);

 private:
  std::unique_ptr<soci::session> session_;
};

// SQL written with Chinook's snake_case names in braces, spelled as `db` names them: {invoice_line}
// is the quoted InvoiceLine on a database opened with pascal_case naming, invoice_line on the
// PostgreSQL and MariaDB loads. Everything else is kept as written.
std::string chinook_sql(const ar::database& db, std::string_view text);

// Chinook loaded into a namespace of its own on one backend ("sqlite", "postgresql", "mariadb"),
// dropped by the destructor:
//   sqlite      a fresh file of Chinook_Sqlite.sql (PascalCase: options() name by pascal_case);
//   postgresql  a fresh schema of the AR_TEST_POSTGRESQL database with Chinook_PostgreSql.sql (without
//               its DROP / CREATE DATABASE and \c), the schema on every connection's search path;
//   mariadb     a fresh database on the AR_TEST_MARIADB server with that dump as chinook_mariadb.sed
//               converts it.
// The dumps are run statement by statement through a raw_connection, as published (and converted).
class chinook_database {
 public:
  explicit chinook_database(const std::string& backend);
  ~chinook_database();
  chinook_database(const chinook_database&) = delete;
  chinook_database& operator=(const chinook_database&) = delete;

  // What ar::open takes to open it.
  const std::string& url() const { return url_; }
  ar::open_options options() const;
  // A raw connection to it.
  raw_connection& raw() { return *raw_; }

 private:
  std::string backend_;
  std::string url_;
  std::string drop_url_, drop_sql_;  // how the destructor drops it (a server's); file_ for SQLite
  std::string file_;
  std::optional<raw_connection> raw_;
};

}  // namespace ar_test

#endif  // AR_TESTS_SUPPORT_CHINOOK_HPP
