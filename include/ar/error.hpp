#ifndef AR_ERROR_HPP
#define AR_ERROR_HPP

#include <stdexcept>
#include <string>
#include <vector>
#include <string_view>

namespace ar {

// The root of every exception `ar` throws: catch `ar::error` to catch them all.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A lookup by primary key found no row (find_or_throw), or an update/destroy matched no row.
class record_not_found : public error {
 public:
  record_not_found(std::string table, std::string key);
  const std::string& table() const noexcept { return table_; }
  // The key that was looked up, as it would appear in a query log.
  const std::string& key() const noexcept { return key_; }

 private:
  std::string table_;
  std::string key_;
};

// The database refused a statement. Carries the SQL text (with placeholders: values are always
// bound, never spliced), the backend's own message and the name of the database.
class database_error : public error {
 public:
  database_error(std::string database, std::string sql, std::string backend_message);
  const std::string& database() const noexcept { return database_; }
  const std::string& sql() const noexcept { return sql_; }
  const std::string& backend_message() const noexcept { return backend_message_; }

 protected:
  // For a subclass with a what() of its own.
  database_error(std::string what, std::string database, std::string sql, std::string backend_message);

 private:
  std::string database_;
  std::string sql_;
  std::string backend_message_;
};

// A value the database returned does not fit the field it was read into: text where a number is
// expected ('abc', '12abc'), a fraction or an out-of-range number for an integer field (3.7, 1e20),
// a number other than 0 or 1 for a bool, a number for a std::string, a NULL for a field that is not
// a std::optional, a time ar::time_point cannot hold. Nothing is ever coerced (no 0, 12, 3,
// INT64_MAX or true in its place). A database_error (the statement ran, its result could not be
// read), so `catch (const ar::database_error&)` catches it too; backend_message() is the sentence
// that says what was found and what was expected.
class conversion_error : public database_error {
 public:
  conversion_error(std::string database, std::string sql, std::string table, std::string column, std::string found,
                   std::string expected);
  // The table the value came from; empty for a computed column (an aggregate, an expression).
  const std::string& table() const noexcept { return table_; }
  // The result column's name.
  const std::string& column() const noexcept { return column_; }
  // The value found, with its kind, as a log shows it: "text 'abc'", "real 3.7", "integer 2", "NULL".
  const std::string& found() const noexcept { return found_; }
  // What the field takes: "an integer (std::int64_t)", "a bool (0 or 1)", ...
  const std::string& expected() const noexcept { return expected_; }

 private:
  std::string table_;
  std::string column_;
  std::string found_;
  std::string expected_;
};

// Opening a database failed: bad URL, unknown backend, unreachable server.
class connection_error : public error {
 public:
  using error::error;
};

// The program asked for something that is not set up: a database name that is not open, a
// model bound to a missing database, a value that does not fit the column it is meant for.
class configuration_error : public error {
 public:
  using error::error;
};

// Misuse of a transaction: a second one opened on the same database, commit after rollback.
class transaction_error : public error {
 public:
  using error::error;
};

// A relation name that the model does not declare (in a path, a cache call, ...). Names the model.
class relation_not_found : public error {
 public:
  using error::error;
};

// A relation path that is not a dot-separated list of names ("posts..comments", ".posts", "").
class invalid_relation_path : public error {
 public:
  using error::error;
};

// Destroying a record whose AR_DEPENDENT(restrict) relation still has rows.
class restrict_error : public error {
 public:
  using error::error;
};

// A write through relations that cross databases failed after it had already changed another
// database. Writes are atomic per database only: what was written there stands. Names those
// databases; what() also carries the original error's message.
class partial_write_error : public error {
 public:
  partial_write_error(std::string what, std::vector<std::string> written)
      : error(std::move(what)), written_(std::move(written)) {}
  // The databases whose changes stand.
  const std::vector<std::string>& written_databases() const noexcept { return written_; }

 private:
  std::vector<std::string> written_;
};

// Strict loading: a relation was read lazily although it was not eager-loaded. Names the model and
// the relation.
class lazy_load_error : public error {
 public:
  lazy_load_error(std::string model, std::string relation,
                  std::string_view remedy = "add it to the query's with(...), or load it with ar::load");
  const std::string& model() const noexcept { return model_; }
  const std::string& relation() const noexcept { return relation_; }

 private:
  std::string model_;
  std::string relation_;
};

}  // namespace ar

#endif  // AR_ERROR_HPP
