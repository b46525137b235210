#ifndef AR_DIALECT_HPP
#define AR_DIALECT_HPP

// What differs between databases, and nothing else. Each backend (backends/<name>/) implements
// one dialect and registers it; the core asks the dialect and never names a backend.

#include <ar/value.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ar {

struct table_meta;

class dialect {
 public:
  virtual ~dialect() = default;

  // The URL schemes this dialect serves: "sqlite3" in "sqlite3://db=:memory:".
  virtual std::span<const std::string_view> schemes() const = 0;
  // The SOCI backend to load for it.
  virtual std::string_view soci_backend() const = 0;

  // Appends an identifier, quoted. Identifiers come only from model metadata.
  virtual void quote_identifier(std::string& out, std::string_view identifier) const;
  // Appends the placeholder of the index-th (1-based) bound parameter.
  virtual void placeholder(std::string& out, std::size_t index) const = 0;

  // DDL: the column type of a value type, and the column definition of a generated integer key.
  virtual std::string_view column_type(value_type type) const = 0;
  virtual std::string_view generated_key_definition(value_type type) const = 0;

  // Whether INSERT ... RETURNING gives back generated keys (else last_insert_id_sql is run).
  virtual bool supports_returning() const { return true; }
  virtual std::string_view last_insert_id_sql() const { return {}; }

  // What LIMIT takes to mean "no limit" when only OFFSET is wanted, or empty when OFFSET may
  // stand alone.
  virtual std::string_view no_limit() const { return {}; }

  // The most parameters one statement may bind.
  virtual std::size_t max_parameters() const = 0;

  // Appends the clause that turns an INSERT into an insert-or-update on the primary key.
  virtual void upsert_clause(std::string& out, const table_meta& table) const;

  // Streaming in constant memory. A dialect whose driver receives whole results at once (libpq)
  // reads a stream through a server-side cursor: these give its statements. The default, empty
  // strings, means the driver already reads row by row.
  virtual std::string declare_cursor(std::string_view /*name*/, std::string_view /*select*/) const { return {}; }
  virtual std::string fetch_cursor(std::string_view /*name*/, std::size_t /*rows*/) const { return {}; }
  virtual std::string close_cursor(std::string_view /*name*/) const { return {}; }

  // Connection strings (what follows "scheme://" in ar::open's URL; `url` is the whole URL). What
  // the driver is given to connect: by default that part as it is.
  virtual std::string driver_connection_string(std::string_view connection, std::string_view url) const;
  // Why this connection string must not reach the driver (SQLite: it names no database file, which
  // would open a temporary database), or an empty string when it may.
  virtual std::string refuse_connection_string(std::string_view /*connection*/) const { return {}; }
  // The secrets of a connection string (passwords), as a driver might quote them: ar masks them in
  // every message and in database::url(). By default: the value of every key that names a password
  // (password, pass, pwd, ...; quoted or not) and the password of a URI (user:secret@host).
  virtual std::vector<std::string> connection_secrets(std::string_view connection) const;

  // Statements run once on every new connection.
  virtual std::vector<std::string> session_setup() const { return {}; }

  // How many connections a database's pool holds unless ar::open is told otherwise. An embedded
  // database whose connections would each see their own data (SQLite in memory) says 1.
  virtual std::size_t default_pool_size() const { return 4; }

  // DDL: the column type of a primary key the program supplies (not generated). A database that
  // cannot index an unbounded type (MySQL's TEXT) gives a bounded one here.
  virtual std::string_view key_column_type(value_type type) const { return column_type(type); }
  // DDL: what follows the closing parenthesis of CREATE TABLE (storage engine, character set).
  virtual std::string_view table_options() const { return {}; }
  // The end of an INSERT whose every column takes its default (a table of only a generated key).
  virtual std::string_view insert_default_values() const { return " DEFAULT VALUES"; }
  // The most bytes of values a multi-row INSERT should carry, where the driver writes the values
  // into the statement's text and the server limits its size (MySQL's max_allowed_packet); 0 where
  // values travel apart from the text and only max_parameters counts.
  virtual std::size_t max_statement_bytes() const { return 0; }

  // Values the database cannot hold exactly, which ar refuses before a statement runs rather than
  // let the driver change them (see detail::refused_parameters): a NUL byte inside text (libpq cuts
  // a string at its first), NaN (SQLite binds it as NULL), the infinities.
  virtual bool text_holds_nul() const { return true; }
  virtual bool stores_nan() const { return true; }
  virtual bool stores_infinity() const { return true; }
};

namespace detail {
// Why the database of dialect `d` cannot take a statement with these parameters, or an empty string
// when it can: more of them than max_parameters(), or a value it cannot hold exactly ("parameter 2
// is text with a NUL byte ..."). Statements check their parameters with it before they run, and
// throw ar::database_error with the reason.
std::string refused_parameters(const dialect& d, std::span<const value> params);
}  // namespace detail

// Makes a dialect available to ar::open under its schemes.
void register_dialect(std::shared_ptr<const dialect> d);
// The dialect serving a URL scheme, or nullptr.
const dialect* find_dialect(std::string_view scheme);

}  // namespace ar

#endif  // AR_DIALECT_HPP
