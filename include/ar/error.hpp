#ifndef AR_ERROR_HPP
#define AR_ERROR_HPP

#include <ar/export.hpp>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ar {

// The root of every exception `ar` throws: catch `ar::error` to catch them all.
class AR_API error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Optimistic locking (AR_LOCK_VERSION): an update, save or destroy found no row with the record's
// key at the lock version it was read at: another writer changed (or deleted) the row since.
// Nothing was written, and the record is as it was. Names the database, the table, the key and
// the version expected.
class AR_API stale_record_error : public error {
 public:
  // Builds the error and its what() from the database's name, the table, the key and the version.
  stale_record_error(std::string database, std::string table, std::string key, std::int64_t expected_version);
  // The name of the database the record belongs to.
  const std::string& database() const noexcept { return database_; }
  // The record's table.
  const std::string& table() const noexcept { return table_; }
  // The record's key, as it would appear in a query log.
  const std::string& key() const noexcept { return key_; }
  // The lock version the record was read at, which the row no longer has.
  std::int64_t expected_version() const noexcept { return expected_; }

 private:
  std::string database_;
  std::string table_;
  std::string key_;
  std::int64_t expected_;
};

// One failed validation (AR_VALIDATES): the field's name and what is wrong with its value, as
// "can't be blank" or "is too long (maximum is 40 characters)".
struct field_error {
  // The field's name, as declared in AR_FIELDS.
  std::string field;
  // What is wrong with its value ("can't be blank").
  std::string message;
  // Equal when both the field and the message are.
  friend bool operator==(const field_error&, const field_error&) = default;
};

// save, insert or update of a record whose validations failed (ar/validation.hpp): nothing was
// written. errors() lists every failure, per field in declaration order; what() says them all:
// "ar: a record of 'posts' is not valid, nothing was written: title can't be blank; ...".
class AR_API validation_error : public error {
 public:
  // Builds the error and its what() from the table and the failures.
  validation_error(std::string table, std::vector<field_error> errors);
  // The table of the record that is not valid.
  const std::string& table() const noexcept { return table_; }
  // Every failed validation, per field in declaration order.
  const std::vector<field_error>& errors() const noexcept { return errors_; }

 private:
  std::string table_;
  std::vector<field_error> errors_;
};

// A before_ callback (AR_CALLBACK, ar::on; ar/callbacks.hpp) returned false: the write it came
// before was not made, nothing was written, and the record is as it was before the call. Names the
// table, the hook (before_save, ...) and the callback (its name in AR_CALLBACK, or the one given
// to ar::on).
class AR_API callback_vetoed : public error {
 public:
  // The veto of `callback` at `hook` of a write to `table`.
  callback_vetoed(std::string table, std::string hook, std::string callback);
  // The table of the vetoed write.
  const std::string& table() const noexcept { return table_; }
  // The hook whose callback vetoed (before_save, before_create, before_update, before_destroy).
  const std::string& hook() const noexcept { return hook_; }
  // The callback that returned false: its name in AR_CALLBACK, or the one given to ar::on.
  const std::string& callback() const noexcept { return callback_; }

 private:
  std::string table_;
  std::string hook_;
  std::string callback_;
};

// A lookup by primary key found no row (find_or_throw), or an update/destroy matched no row.
class AR_API record_not_found : public error {
 public:
  // Builds the error and its what() from the table and the key looked up.
  record_not_found(std::string table, std::string key);
  // The table that was searched.
  const std::string& table() const noexcept { return table_; }
  // The key that was looked up, as it would appear in a query log.
  const std::string& key() const noexcept { return key_; }

 private:
  std::string table_;
  std::string key_;
};

// What kind of failure the database reported, as far as a program can act on it. The three after
// `other` are retryable: the database gave up on the transaction because of other transactions running at
// the same time, and the same transaction run again can succeed (ar::retry_transaction).
enum class error_kind : std::uint8_t {
  other,
  // PostgreSQL 40001 (serializable or repeatable-read isolation), MariaDB 1020, SQLite
  // SQLITE_BUSY_SNAPSHOT: the transaction saw data another one changed since.
  serialization_failure,
  // PostgreSQL 40P01, MariaDB 1213: the server chose this transaction as a deadlock's victim and
  // rolled it back.
  deadlock,
  // MariaDB 1205 (innodb_lock_wait_timeout), PostgreSQL 55P03 (lock_timeout, NOWAIT), SQLite
  // SQLITE_BUSY (the busy timeout ran out): another connection held a lock too long.
  lock_timeout,
  // A constraint refused the row (never retryable: the same row is refused again). A foreign key:
  // PostgreSQL 23503, MariaDB 1451 / 1452, SQLite SQLITE_CONSTRAINT_FOREIGNKEY.
  foreign_key_violation,
  // A unique key or the primary key: PostgreSQL 23505, MariaDB 1062, SQLite SQLITE_CONSTRAINT_UNIQUE
  // and SQLITE_CONSTRAINT_PRIMARYKEY.
  unique_violation,
  // A CHECK (an enum column's values): PostgreSQL 23514, MariaDB 4025, SQLite SQLITE_CONSTRAINT_CHECK.
  check_violation,
  // NULL in a NOT NULL column: PostgreSQL 23502, MariaDB 1048, SQLite SQLITE_CONSTRAINT_NOTNULL.
  not_null_violation,
  // The connection lost its server before the statement's answer came (the server went away or
  // restarted, the network failed).
  connection_lost,
};

// Whether a failure of this kind may go away when its transaction runs again.
constexpr bool retryable_kind(error_kind kind) noexcept {
  return kind == error_kind::serialization_failure || kind == error_kind::deadlock || kind == error_kind::lock_timeout;
}

// The database refused a statement. Carries the SQL text (with placeholders: values are always
// bound, never spliced), the backend's own message and the name of the database, and what kind of
// failure it was: the backend's code for it and, where a program can act on it, its kind.
class AR_API database_error : public error {
 public:
  // Builds the error and its what() from the database, the SQL, the backend's message, code, kind.
  database_error(std::string database, std::string sql, std::string backend_message, std::string code = {},
                 error_kind kind = error_kind::other);
  // The name of the database that refused the statement.
  const std::string& database() const noexcept { return database_; }
  // The statement's SQL, with placeholders (the values are bound, never part of it).
  const std::string& sql() const noexcept { return sql_; }
  // The backend's own message for the failure.
  const std::string& backend_message() const noexcept { return backend_message_; }
  // The backend's code for the failure: PostgreSQL's SQLSTATE ("23505"), MariaDB's error number
  // ("1062"), SQLite's extended result code ("2067"); empty when the driver gave none (ar refused
  // the statement itself, or the connection was lost before an answer).
  const std::string& code() const noexcept { return code_; }
  // What kind of failure it was (error_kind::other when a program cannot act on it).
  error_kind kind() const noexcept { return kind_; }
  // A serialization failure, a deadlock or a lock timeout: the transaction, run again from its
  // start, may succeed.
  bool retryable() const noexcept { return retryable_kind(kind_); }

 protected:
  // A subclass that words what() itself (conversion_error, timeout_error): no code, kind other.
  struct worded {};
  // Builds the error with `what` as its what(), no code and kind other.
  database_error(worded, const std::string& what, std::string database, std::string sql, std::string backend_message);

 private:
  std::string database_;
  std::string sql_;
  std::string backend_message_;
  std::string code_;
  error_kind kind_;
};

// A statement ran past its timeout (open_options::statement_timeout, or an
// ar::statement_timeout_scope) and was stopped: by the server (the connection stays usable), or by
// the client when the server did not answer in time (the connection is dropped, the next statement
// opens a new one). Names the database, the SQL and the timeout.
class AR_API timeout_error : public database_error {
 public:
  // Builds the error and its what() from the database, the SQL, the timeout, the backend's message.
  timeout_error(const std::string& database, const std::string& sql, std::chrono::milliseconds timeout,
                const std::string& backend_message);
  // The timeout the statement ran past.
  std::chrono::milliseconds timeout() const noexcept { return timeout_; }

 private:
  std::chrono::milliseconds timeout_;
};

// A value the database returned does not fit the field it was read into: text where a number is
// expected ('abc', '12abc'), a fraction or an out-of-range number for an integer field (3.7, 1e20),
// a number other than 0 or 1 for a bool, a number for a std::string, a NULL for a field that is not
// a std::optional, a time ar::time_point cannot hold. Nothing is ever coerced (no 0, 12, 3,
// INT64_MAX or true in its place). A database_error (the statement ran, its result could not be
// read), so `catch (const ar::database_error&)` catches it too; backend_message() is the sentence
// that says what was found and what was expected.
class AR_API conversion_error : public database_error {
 public:
  // Builds the error and its what() from where the value came from, what was found and expected.
  conversion_error(const std::string& database, const std::string& sql, std::string table, std::string column,
                   std::string found, std::string expected);
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
class AR_API connection_error : public error {
 public:
  using error::error;
};

// No server of a database could serve a read: its readers (open_options::readers) and the writer
// all failed to connect or lost their connection. what() names each server and what it answered.
class AR_API no_server_error : public connection_error {
 public:
  using connection_error::connection_error;
};

// The program asked for something that is not set up: a database name that is not open, a
// model bound to a missing database, a value that does not fit the column it is meant for.
class AR_API configuration_error : public error {
 public:
  using error::error;
};

// A write that would move a record of a sharded model (ar::shard) to another shard: its shard key
// differs from the one its row was read or written with. Rows are not moved between shards; what()
// names the table, the key field and both values.
class AR_API shard_key_error : public configuration_error {
 public:
  using configuration_error::configuration_error;
};

// A field's value that its column cannot store, refused before any statement is sent: a
// std::uint64_t above 9223372036854775807 (the largest a BIGINT holds), a value an
// ar::type_mapping's to_stored refuses. Names the table and the field (both empty for a value
// compared with a column in a filter), and why.
class AR_API value_error : public configuration_error {
 public:
  // Builds the error and its what() from the table, the field and why the value is refused.
  value_error(std::string table, std::string field, std::string why);
  // The table of the record; empty for a value compared with a column in a filter.
  const std::string& table() const noexcept { return table_; }
  // The field whose value was refused; empty for a value compared with a column in a filter.
  const std::string& field() const noexcept { return field_; }
  // Why the column cannot store the value, as a sentence.
  const std::string& why() const noexcept { return why_; }

 private:
  std::string table_;
  std::string field_;
  std::string why_;
};

// Misuse of a transaction: commit after rollback, an outer transaction ended while a nested one
// is open, retry_transaction inside a transaction.
class AR_API transaction_error : public error {
 public:
  using error::error;
};

// The server ended the transaction (or refuses every further statement of it) after a statement in
// it failed: a deadlock's victim (MariaDB, PostgreSQL), any failed statement on PostgreSQL, a
// statement SQLite answered by rolling the transaction back. From then on, every statement the
// program sends in that transaction throws this, without reaching the database, and commit()
// throws it too; leaving the scope (or rollback()) ends the transaction quietly. On PostgreSQL, a
// failure inside a savepoint (a nested ar::transaction) is undone when the savepoint's scope ends,
// and the enclosing transaction goes on.
// Likewise when a statement the program ran in the transaction ended it (a COMMIT or ROLLBACK sent
// through execute; on MariaDB, DDL, which commits implicitly): ended_by_statement() is true, cause()
// is that statement, and what ran before it was committed or rolled back as it did.
class AR_API transaction_aborted : public transaction_error {
 public:
  // A failure ended the transaction: the database, the refused statement, the failure's message and
  // kind, and whether the server rolled it back (else it refuses statements until a rollback).
  transaction_aborted(std::string database, std::string sql, std::string cause, error_kind cause_kind,
                      bool whole_transaction);
  // Selects the constructor for a transaction ended by a statement the program ran in it.
  struct ended_by_statement_t {};
  // A statement the program ran ended the transaction: the database, the refused SQL, that statement.
  transaction_aborted(ended_by_statement_t, std::string database, std::string sql, std::string statement);
  // The transaction was ended by a statement that succeeded in it (cause()), not by a failure.
  bool ended_by_statement() const noexcept { return ended_by_statement_; }
  // The name of the database the transaction runs on.
  const std::string& database() const noexcept { return database_; }
  // The statement that was refused ("COMMIT" for commit()), with placeholders.
  const std::string& sql() const noexcept { return sql_; }
  // The backend's message for the failure that ended the transaction, and its kind.
  const std::string& cause() const noexcept { return cause_; }
  // The kind of the failure that ended the transaction (other when a statement ended it).
  error_kind cause_kind() const noexcept { return cause_kind_; }
  // The transaction failed for a reason that running it again may not meet (a deadlock, a
  // serialization failure, a lock timeout): ar::retry_transaction runs it again.
  bool retryable() const noexcept { return retryable_kind(cause_kind_); }

 private:
  std::string database_;
  std::string sql_;
  std::string cause_;
  error_kind cause_kind_;
  bool ended_by_statement_ = false;
};

// A relation name that the model does not declare (in a path, a cache call, ...). Names the model.
class AR_API relation_not_found : public error {
 public:
  using error::error;
};

// A relation path that is not a dot-separated list of names ("posts..comments", ".posts", "").
class AR_API invalid_relation_path : public error {
 public:
  using error::error;
};

// Destroying a record whose AR_DEPENDENT(restrict) relation still has rows.
class AR_API restrict_error : public error {
 public:
  using error::error;
};

// A write through relations that cross databases failed after it had already changed another
// database. Writes are atomic per database only: what was written there stands. Names those
// databases; what() also carries the original error's message.
class AR_API partial_write_error : public error {
 public:
  // Builds the error with `what` as its what() and the databases whose changes stand.
  partial_write_error(std::string what, std::vector<std::string> written)
      : error(std::move(what)), written_(std::move(written)) {}
  // The databases whose changes stand.
  const std::vector<std::string>& written_databases() const noexcept { return written_; }

 private:
  std::vector<std::string> written_;
};

// Strict loading: a relation was read lazily although it was not eager-loaded. Names the model and
// the relation.
class AR_API lazy_load_error : public error {
 public:
  // Builds the error and its what() from the model, the relation and what to do instead.
  lazy_load_error(std::string model, std::string relation,
                  std::string_view remedy = "add it to the query's with(...), or load it with ar::load");
  // The model whose relation was read.
  const std::string& model() const noexcept { return model_; }
  // The relation's name.
  const std::string& relation() const noexcept { return relation_; }

 private:
  std::string model_;
  std::string relation_;
};

// What ar::verify_schema found wrong with a table, compared with the model it belongs to.
enum class schema_problem_kind : std::uint8_t {
  missing_table,          // the database has no table of the model's name
  missing_column,         // the table has no column for a field
  wrong_type,             // the column's type cannot hold every value of the field
  nullable_column,        // the column takes NULL but the field is not a std::optional
  primary_key_mismatch,   // the model's key column is not the table's primary key, or not all of it
  unindexed_foreign_key,  // a warning: a belongs_to's foreign key column leads no index
};

// One problem: where it is (the database's name, the table, the column; the column is empty when the
// problem is the table's) and what is wrong, as a sentence.
struct schema_problem {
  // What is wrong.
  schema_problem_kind kind;
  // The name of the database the table is in.
  std::string database;
  // The table (the model's).
  std::string table;
  // The column; empty when the problem is the table's.
  std::string column;
  // What is wrong, as a sentence that names the table and the column.
  std::string message;
};

// ar::verify_schema found tables that do not match their models. Lists every problem of every model
// it was given, not only the first; what() has one line per problem.
class AR_API schema_mismatch_error : public error {
 public:
  // Builds the error and its what() (one line per problem) from every problem found.
  explicit schema_mismatch_error(std::vector<schema_problem> problems);
  // Every problem found, for every model verify_schema was given.
  const std::vector<schema_problem>& problems() const noexcept { return problems_; }

 private:
  std::vector<schema_problem> problems_;
};

}  // namespace ar

#endif  // AR_ERROR_HPP
