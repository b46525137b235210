#ifndef AR_BACKEND_DIALECT_HPP
#define AR_BACKEND_DIALECT_HPP

// The dialect: how one database spells SQL, and what else differs between databases. Each backend
// (`backends/<name>/`) implements one and registers it; the core asks the dialect and never names a
// backend. Every piece of SQL on which databases disagree is a hook here (placeholders, quoting,
// LIMIT/OFFSET, RETURNING, WITH RECURSIVE, DDL and its IF [NOT] EXISTS guards, the transaction
// statements, a stream's server-side cursor); what the core still spells itself is the SQL every
// supported database writes alike (SELECT ... FROM ... WHERE, JOIN ... ON, IN (...), ROW_NUMBER()
// OVER (...), COUNT(*)). The defaults below are the standard spelling; a dialect overrides what
// its database writes otherwise. docs/backends.md lists the hooks and what each backend says.

#include <ar/export.hpp>
#include <ar/value.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ar {

struct table_meta;

// How one database spells SQL and what else differs between databases: a backend derives from it
// and overrides what its database writes otherwise.
class AR_API dialect {
 public:
  virtual ~dialect() = default;

  // The URL schemes this dialect serves: "sqlite3" in "sqlite3://db=:memory:".
  virtual std::span<const std::string_view> schemes() const = 0;
  // The name its driver is registered under (ar::register_driver, ar/backend/driver.hpp): "sqlite3".
  // Messages name the database by it ("a sqlite3 database does not store NaN").
  virtual std::string_view driver_name() const = 0;

  // Appends an identifier, quoted. Identifiers come only from model metadata.
  virtual void quote_identifier(std::string& out, std::string_view identifier) const;
  // Appends `identifier` between two `quote` characters, each `quote` inside it doubled: the
  // quoting of every dialect ar has, for its own quote_identifier.
  static void quote_with(std::string& out, std::string_view identifier, char quote);
  // Appends the placeholder of the index-th (1-based) bound parameter, in the form the backend's
  // driver sends as it is (PostgreSQL: $1, as the wire protocol numbers them; nothing rewrites it).
  virtual void placeholder(std::string& out, std::size_t index) const = 0;

  // DDL: the column type of a value type, and the column definition of a generated integer key.
  virtual std::string_view column_type(value_type type) const = 0;
  // DDL: the definition of a generated integer key column (SQLite: "INTEGER PRIMARY KEY").
  virtual std::string_view generated_key_definition(value_type type) const = 0;
  // DDL: the column type of an exact decimal declared NUMERIC(precision, scale) (ar::numeric<P,
  // S>), or of a plain ar::decimal when both are 0: "NUMERIC(10, 2)", "NUMERIC".
  virtual std::string decimal_column_type(int precision, int scale) const;
  // The SUM of a decimal column declared with `scale` digits after the point, as the text before
  // and after the column: by default "COALESCE(SUM(" and "), 0)", exact where the database adds
  // decimals exactly. SQLite, whose NUMERIC columns hold doubles, adds them as whole numbers of
  // 10^-scale (exact below 2^53) and divides once.
  virtual std::pair<std::string, std::string> decimal_sum(int scale) const;
  // Why a decimal written to a column of decimal_column_type(precision, scale) would not be kept
  // exactly (empty: it would). ar refuses such a value before the statement runs, with an
  // ar::value_error naming the table and the field. By default nothing: the database keeps every
  // decimal of 38 digits, or refuses it itself. SQLite keeps at most 15 significant digits (a
  // double); MariaDB's DECIMAL(65, 38) for a plain ar::decimal, 27 before the point.
  virtual std::string decimal_refusal(const decimal& v, int precision, int scale) const;
  // DDL: appends the start of CREATE TABLE up to the column list, the guard included:
  // "CREATE TABLE [IF NOT EXISTS] "table"".
  virtual void create_table_head(std::string& out, std::string_view table, bool if_not_exists) const;
  // DDL: appends the statement that drops a table: "DROP TABLE [IF EXISTS] "table"".
  virtual void drop_table(std::string& out, std::string_view table, bool if_exists) const;
  // DDL: appends `v` as an SQL literal (a column's DEFAULT, the values of an enum's CHECK), or
  // returns false when the database has none this hook can write: the caller then refuses the DDL.
  // Nothing a program wrote can end the literal: text is quoted with its quotes doubled (and its
  // backslashes where backslash_escapes()), a NUL byte in it refused; numbers are written exactly
  // (never NaN or an infinity); bool is TRUE / FALSE. The default writes NULL, the integers, doubles,
  // bools, text and decimals, and refuses the rest (times, dates, bytes, UUIDs).
  virtual bool literal(std::string& out, const value& v) const;
  // The longest identifier (a constraint's or an index's name) the database keeps, in bytes; 0 for no
  // limit. A longer name ar makes is cut and ends with a hash of the whole name, so it stays unique
  // and the same on every run (PostgreSQL 63, MariaDB 64).
  virtual std::size_t max_identifier_length() const { return 0; }
  // DDL: an index (not unique) over `columns` of `table`, each already quoted. Where the database
  // declares it inside CREATE TABLE, appends ", INDEX "name" (...)" there and returns true (MariaDB,
  // whose InnoDB would otherwise make an index of its own for each foreign key); by default returns
  // false, and the index is a statement of its own: create_index.
  virtual bool index_in_create_table(std::string& out, std::string_view name,
                                     std::span<const std::string> columns) const;
  // DDL: appends "CREATE INDEX [IF NOT EXISTS] "name" ON "table" (columns)".
  virtual void create_index(std::string& out, std::string_view name, std::string_view table,
                            std::span<const std::string> columns, bool if_not_exists) const;
  // DDL for migrations (ar/migrate.hpp). Whether DDL runs inside a transaction, undone by its
  // ROLLBACK (PostgreSQL, SQLite: the default); MariaDB commits each DDL statement by itself.
  virtual bool transactional_ddl() const { return true; }
  // DROP INDEX of `table`'s index `name` (both unquoted): by default "DROP INDEX "name"" (MariaDB
  // names the table: DROP INDEX `name` ON `table`).
  virtual void drop_index(std::string& out, std::string_view name, std::string_view table) const;
  // ALTER TABLE that adds (or drops) the FOREIGN KEY constraint `name` of `table`; `definition` is
  // "FOREIGN KEY (...) REFERENCES ...". Returns false where the database cannot change a table's
  // constraints (SQLite). By default: ADD CONSTRAINT, and DROP CONSTRAINT (MariaDB: DROP FOREIGN KEY).
  virtual bool add_foreign_key(std::string& out, std::string_view table, std::string_view name,
                               std::string_view definition) const;
  // ALTER TABLE that drops `table`'s FOREIGN KEY constraint `name`; false where it cannot (SQLite).
  virtual bool drop_foreign_key(std::string& out, std::string_view table, std::string_view name) const;
  // Where a table's constraints cannot be altered (add_foreign_key and drop_foreign_key return
  // false), migrations rebuild the table instead. Empty by default (no rebuild: the error says the
  // database cannot). table_definition_sql reads the CREATE TABLE of a table and the CREATE INDEX /
  // CREATE TRIGGER statements made on it (the table's name bound; rows of type, name and sql, the
  // table's first).
  virtual std::string table_definition_sql() const { return {}; }
  // The statements that rebuild `table` as `create` (its CREATE TABLE, edited) with its rows, and
  // make `made_on_it` (its indexes and triggers) again.
  virtual std::vector<std::string> rebuild_table_sql(std::string_view /*table*/, std::string_view /*create*/,
                                                     std::span<const std::string> /*made_on_it*/) const {
    return {};
  }
  // The switch of foreign key enforcement on a connection, sent before the transaction of a
  // rebuild begins and after it ends (SQLite ignores it inside a transaction): a rebuild drops a
  // table other tables may refer to, which must neither fail nor fire their ON DELETE actions.
  virtual std::string foreign_keys_enforced_sql(bool /*on*/) const { return {}; }
  // The rows whose foreign key points at no row, in every table: rows of table (text), row id
  // (integer or NULL), referred table (text). A transaction run with enforcement off commits only
  // when there are none.
  virtual std::string foreign_key_check_sql() const { return {}; }
  // The statements that take and give back a lock on migrating for the whole of a run, on one
  // connection, where a migration cannot lock by its transaction (MariaDB: GET_LOCK / RELEASE_LOCK,
  // each returning one integer, 1 when it succeeded). Empty by default: the version row's write,
  // first in each migration's transaction, is the lock.
  virtual std::string migration_lock_sql() const { return {}; }
  // The statement that gives the migration lock back (see migration_lock_sql); empty by default.
  virtual std::string migration_unlock_sql() const { return {}; }

  // DDL: whether a FOREIGN KEY may tie a column of type `column` to a key column of type `key`. By
  // default always (ar's relations need only the two to agree on values). MariaDB: only the same
  // type (InnoDB refuses an INT referring to a BIGINT); the foreign key is then left without a
  // constraint, and still indexed.
  virtual bool foreign_key_types_match(value_type /*column*/, value_type /*key*/) const { return true; }
  // DDL: the type of a column that an index, a unique constraint or a foreign key covers (not a
  // primary key's: key_column_definition); `indexes` are the column sets of those that cover it.
  // By default its usual type. A database that cannot index an unbounded type (MariaDB's LONGTEXT)
  // gives a bounded one that fits the widest of them.
  virtual std::string indexed_column_definition(const table_meta& table, std::size_t column,
                                                std::span<const std::span<const std::size_t>> indexes) const;

  // Transactions: the statements that begin, commit and roll back one, and those of a nested
  // transaction's savepoint (its name is ar's, a plain identifier such as ar_savepoint_1).
  virtual std::string_view begin_transaction() const { return "BEGIN"; }
  // "COMMIT".
  virtual std::string_view commit_transaction() const { return "COMMIT"; }
  // "ROLLBACK".
  virtual std::string_view rollback_transaction() const { return "ROLLBACK"; }
  virtual std::string savepoint(std::string_view name) const;              // "SAVEPOINT name"
  virtual std::string release_savepoint(std::string_view name) const;      // "RELEASE SAVEPOINT name"
  virtual std::string rollback_to_savepoint(std::string_view name) const;  // "ROLLBACK TO SAVEPOINT name"

  // Two-phase commit (ar::distributed_transaction, ar/distributed.hpp): each empty where the
  // backend has none. `id` is ar's, of letters, digits and '_'. The statement that ends the open
  // transaction by preparing it under `id` (PostgreSQL: PREPARE TRANSACTION 'id'; MariaDB:
  // XA PREPARE 'id').
  virtual std::string prepare_transaction_sql(std::string_view id) const;
  // Commits the transaction prepared under `id` (COMMIT PREPARED 'id'; MariaDB: XA COMMIT 'id').
  virtual std::string commit_prepared_sql(std::string_view id) const;
  // Rolls it back (ROLLBACK PREPARED 'id'; MariaDB: XA ROLLBACK 'id', which also rolls back one
  // begun by begin_prepared_sql and not prepared, once end_before_prepare_sql ended it).
  virtual std::string rollback_prepared_sql(std::string_view id) const;
  // Where the id must be known when the transaction begins (XA), the statement that begins a
  // transaction to be prepared under `id`, in place of BEGIN (MariaDB: XA START 'id'). Empty by
  // default: BEGIN, and the id comes with the PREPARE. Such a transaction is rolled back, before it
  // is prepared, by end_before_prepare_sql (its failure ignored: the server may have ended the
  // transaction itself, a deadlock's victim) then rollback_prepared_sql.
  virtual std::string begin_prepared_sql(std::string_view /*id*/) const { return {}; }
  // The statement that ends the work of the transaction begun by begin_prepared_sql(id), sent
  // before prepare_transaction_sql (MariaDB: XA END 'id'). Empty by default: none.
  virtual std::string end_before_prepare_sql(std::string_view /*id*/) const { return {}; }
  // Whether a prepared transaction stays bound to the connection that prepared it for as long as
  // that connection is open (MariaDB: no other connection can commit or roll it back, XAER_NOTA,
  // and that one runs nothing else until it does). ar then finishes it on that connection, and
  // closes a connection it leaves holding one, so that the server hands the transaction over to
  // recovery. False by default (PostgreSQL: any connection finishes it).
  virtual bool prepared_transaction_bound_to_connection() const { return false; }
  // What prepared_transactions_sql answers.
  enum class prepared_listing : unsigned char {
    // The transactions prepared on this database whose id starts with the bound text: one row each,
    // its id (text), when it was prepared (text) and how many seconds ago (a double).
    named,
    // XA RECOVER FORMAT='SQL' (MariaDB): no value bound; every XA transaction prepared on the
    // server, of any database, one row each: formatID, gtrid_length, bqual_length (integers) and
    // the id as an SQL literal ('id'), with no time. ar keeps its own, of this database (its
    // prepared names carry their database's identity, hashed).
    xa_recover,
  };
  // The form of prepared_transactions_sql's answer; `named` by default.
  virtual prepared_listing prepared_transactions_listing() const { return prepared_listing::named; }
  // The statement that lists the transactions prepared on this database (see prepared_listing).
  virtual std::string prepared_transactions_sql() const { return {}; }
  // One row, one text column: a name of this database that every connection of every process reads
  // the same (PostgreSQL: the cluster's system identifier and the database's name; MariaDB: the
  // server's host name and port and the database's name).
  virtual std::string database_identity_sql() const { return {}; }

  // Whether INSERT ... RETURNING gives back generated keys (else last_insert_id_sql is run).
  virtual bool supports_returning() const { return true; }
  // The statement that reads the key the last INSERT generated, where RETURNING is not supported.
  virtual std::string_view last_insert_id_sql() const { return {}; }
  // Appends the clause that ends an INSERT and gives back its generated key: " RETURNING "key"".
  virtual void returning_clause(std::string& out, std::string_view key_column) const;

  // Row limits. A query's LIMIT and OFFSET values are bound: the clause calls bind(out, part) where
  // each one's placeholder goes, in the order of its text, and the value follows that order.
  enum class row_limit : unsigned char { limit, offset };
  // What limit_clause calls where a LIMIT or OFFSET value's placeholder goes.
  class limit_binder {
   public:
    // Appends the placeholder of `part` and binds its value.
    virtual void operator()(std::string& out, row_limit part) = 0;

   protected:
    ~limit_binder() = default;
  };
  // Appends the clause of a query with a limit, an offset or both (at least one):
  // " LIMIT ? OFFSET ?", " LIMIT ?", " OFFSET ?" (or `LIMIT <no_limit()> OFFSET ?`).
  virtual void limit_clause(std::string& out, bool limit, bool offset, limit_binder& bind) const;
  // What LIMIT takes to mean "no limit" when only OFFSET is wanted, or empty when OFFSET may
  // stand alone (the default limit_clause reads it).
  virtual std::string_view no_limit() const { return {}; }
  // Appends what keeps only the first row of a query (an EXISTS test): " LIMIT 1".
  virtual void first_row_only(std::string& out) const { out += " LIMIT 1"; }

  // Text search: the conditions of like / ilike (a pattern, % and _ its wildcards) and of
  // contains / starts_with / ends_with (a text taken as it is). Each appends its condition through
  // a writer that appends the operand (a column or an expression) and binds a parameter where its
  // placeholder goes; the text is always bound, never written into the statement.
  class match_writer {
   public:
    // Appends the operand (the column or expression matched).
    virtual void operand(std::string& out) = 0;
    // Appends a placeholder and binds `v` to it.
    virtual void parameter(std::string& out, value v) = 0;

   protected:
    ~match_writer() = default;
  };
  // Where text_match finds the text: anywhere (contains), at the start or at the end (ends_with).
  enum class text_position : unsigned char { anywhere, start, end };
  // "x LIKE ?" (negated: "x NOT LIKE ?"); with ignore_case (ilike) the default is
  // "LOWER(x) LIKE LOWER(?)", which PostgreSQL spells ILIKE.
  virtual void pattern_match(std::string& out, match_writer& w, std::string_view pattern, bool ignore_case,
                             bool negated) const;
  // The text found at `where`, case counting unless ignore_case. The default escapes the text's
  // %, _ and ! with ! (like_pattern) and appends "x LIKE ? ESCAPE '!'", ignoring case as
  // pattern_match does.
  virtual void text_match(std::string& out, match_writer& w, std::string_view text, text_position where,
                          bool ignore_case) const;

  // SQL written by hand (db.execute, ar::execute, ar::sql) marks each value with ? on every
  // backend; ar writes the dialect's placeholder in its place, and leaves alone what is quoted
  // ('text', "identifier"), commented (-- and /* */) or dollar-quoted ($tag$ ... $tag$), and ??,
  // which stands for one ?. How strings and comments are written where databases differ:
  // whether a backslash escapes the next character inside quotes (MariaDB, unless
  // NO_BACKSLASH_ESCAPES), and whether # starts a comment to the end of the line (MariaDB).
  virtual bool backslash_escapes() const { return false; }
  // Whether # starts a comment to the end of the line (MariaDB).
  virtual bool hash_comments() const { return false; }

  // What opens a recursive common table expression (a tree's ancestors and descendants):
  // "WITH RECURSIVE ".
  virtual std::string_view with_recursive() const { return "WITH RECURSIVE "; }
  // What opens the list on the right of a row-value IN, `(a, b) IN (<here>(?, ?), (?, ?))` (a
  // relation over a foreign key of several columns): nothing, the standard list of row values; or
  // "VALUES " where only a subquery may stand there (SQLite), or where a long list of row values
  // would be planned as a chain of ORs (PostgreSQL: past some thousands it exceeds its stack).
  virtual std::string_view row_values_list() const { return {}; }
  // Whether the first row of such a VALUES list casts its parameters to their columns' types
  // (`CAST(? AS <column_type>)`), for a database that would otherwise take them as text (PostgreSQL).
  // The bound values of a CASE (ar::case_when) are cast to their own types then, too.
  virtual bool row_values_typed() const { return false; }

  // The most parameters one statement may bind.
  virtual std::size_t max_parameters() const = 0;

  // Appends the clause that turns an INSERT into an insert-or-update on the primary key.
  virtual void upsert_clause(std::string& out, const table_meta& table) const;
  // Appends what makes a multi-row INSERT resolve a conflict on a unique key (ar::insert_all with
  // ar::on_conflict; RETURNING, when asked for, follows it). `target`: the positions of the unique
  // key's columns (empty: any unique key, only when `update` is empty). `update`: the columns set to
  // the new row's values on a conflict, never a key column (empty: the row there is kept and the new
  // one skipped). Default: " ON CONFLICT (t) DO UPDATE SET c = excluded.c", " ON CONFLICT [(t)] DO
  // NOTHING". MariaDB cannot name the key: " ON DUPLICATE KEY UPDATE c = VALUES(c)", and a no-op
  // assignment of the key to skip (not INSERT IGNORE, which would also turn other errors into warnings).
  virtual void on_conflict_clause(std::string& out, const table_meta& table, std::span<const std::size_t> target,
                                  std::span<const std::size_t> update) const;

  // Streaming in constant memory. A dialect whose driver receives whole results at once (libpq)
  // reads a stream through a server-side cursor: these give its statements, which the library
  // (src/query/stream.cpp) runs in order: declare_cursor once with the query's values, fetch_cursor for
  // each batch until one comes back short, close_cursor at the end or when the stream is dropped.
  // The default, empty strings, means the driver already reads row by row: the query runs as it is.
  virtual std::string declare_cursor(std::string_view /*name*/, std::string_view /*select*/) const { return {}; }
  // The statement that fetches the next `rows` rows of the cursor.
  virtual std::string fetch_cursor(std::string_view /*name*/, std::size_t /*rows*/) const { return {}; }
  // The statement that closes the cursor.
  virtual std::string close_cursor(std::string_view /*name*/) const { return {}; }

  // Connection strings (what follows "scheme://" in ar::open's URL; `url` is the whole URL). What
  // the driver is given to connect: by default that part as it is.
  virtual std::string driver_connection_string(std::string_view connection, std::string_view url) const;
  // Why this connection string must not reach the driver (SQLite: it names no database file, which
  // would open a temporary database), or an empty string when it may.
  virtual std::string refuse_connection_string(std::string_view /*connection*/) const { return {}; }
  // The secrets of a connection string (passwords), as a driver might quote them: ar masks them in
  // every message and in database::url(). By default: the value of every key that names a password
  // (password, pass, pwd, ...; quoted or not) and the password of a URI (`user:secret@host`).
  virtual std::vector<std::string> connection_secrets(std::string_view connection) const;

  // Statements run once on every new connection.
  virtual std::vector<std::string> session_setup() const { return {}; }
  // Statements that make a new connection's session read-only, run after session_setup on a
  // reader's connections (open_options::readers): a write sent there fails instead of diverging
  // from the writer. None by default.
  virtual std::vector<std::string> read_only_session() const { return {}; }

  // Replication positions, for read-your-writes and the lag bound of readers (open_options::readers,
  // src/exec/readers.cpp). A SELECT of one row and one text column: the writer's log position now,
  // past every transaction it committed (PostgreSQL: its WAL insert position; MariaDB: its binary
  // log's GTIDs). Empty (the default): positions are not known, and the time window is the rule.
  virtual std::string write_position_sql() const { return {}; }
  // A SELECT of one row and one text column run on a reader: the position it has replayed up to,
  // NULL or empty when it is not a replica. Empty (the default): not known.
  virtual std::string replay_position_sql() const { return {}; }
  // Whether a reader that replayed up to `replayed` holds everything the writer had at `written`
  // (both as the statements above give them); false when either cannot be read.
  virtual bool position_reached(std::string_view /*replayed*/, std::string_view /*written*/) const { return false; }

  // How many connections a database's pool holds unless ar::open is told otherwise. An embedded
  // database whose connections would each see their own data (SQLite in memory) says 1.
  virtual std::size_t default_pool_size() const { return 4; }

  // DDL: the column type of a primary key the program supplies (not generated). A database that
  // cannot index an unbounded type (MySQL's TEXT) gives a bounded one here.
  virtual std::string_view key_column_type(value_type type) const { return column_type(type); }
  // The type of key column `column` of `table`, which may have a composite key (AR_PRIMARY_KEY(a,
  // b)) whose columns share a limit: key_column_type of its type unless the database says otherwise.
  virtual std::string key_column_definition(const table_meta& table, std::size_t column) const;
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
  // Whether the database stores NaN (SQLite binds it as NULL: refused there).
  virtual bool stores_nan() const { return true; }
  // Whether the database stores the infinities.
  virtual bool stores_infinity() const { return true; }

  // The catalog, for ar::verify_schema. Values are bound there too: the table's name is the one
  // parameter of each statement (write its placeholder with placeholder(out, 1)).
  // The statement that lists a table's columns, one row each, in order: the column's name (text),
  // its type as the catalog spells it (text), whether it takes NULL (the integer 1 or 0) and its
  // position in the table's primary key (an integer, 1 for the first; 0 when it is not part of it).
  // No row: there is no such table. Empty (the default): this backend cannot list its catalog, and
  // verify_schema says so.
  virtual std::string catalog_columns_sql() const { return {}; }
  // The statement that lists the first column of each of a table's indexes, one row per index (the
  // column's name, text, or NULL for an index that starts with an expression).
  virtual std::string catalog_index_columns_sql() const { return {}; }
  // What ar-gen (tools/ar-gen) reads besides, to write models of an existing database. Empty (the
  // default): the backend cannot say, and the tool reports it.
  // The statement that lists the tables of the database (of the schema unqualified names find), one
  // row each: the table's name (text). It binds no parameter.
  virtual std::string catalog_tables_sql() const { return {}; }
  // The statement that lists a table's foreign keys (the table's name bound as in
  // catalog_columns_sql), one row per column of each: the constraint's name or number (text), the
  // column's position in it (an integer, 1 for the first), the column (text), the table it refers
  // to (text) and the column it refers to there (text, or NULL for that table's primary key).
  virtual std::string catalog_foreign_keys_sql() const { return {}; }
  // The statement that lists the columns of a table the database fills in itself (an identity, a
  // serial, AUTO_INCREMENT), one row each: the column's name (text).
  virtual std::string catalog_generated_columns_sql() const { return {}; }
  // The statement that lists a table's unique indexes and constraints (the primary key too, where
  // the catalog lists it as one; not partial or expression indexes), one row per column of each,
  // ordered by index and then by the column's position in it: the index's name and the column's
  // name (text each).
  virtual std::string catalog_unique_keys_sql() const { return {}; }
  // The statement that lists every index of a table (ar::catalog_indexes), one row per column of
  // each, ordered by index name and then by the column's position in it: the index's name (text),
  // the column's name (text, or NULL for an expression) and whether the index is unique (1 or 0).
  virtual std::string catalog_indexes_sql() const { return {}; }
  // Whether a column of the catalog type `type` (as catalog_columns_sql gives it) holds every value a
  // field of `field` may have, and gives it back as it was: an int64 field needs a 64-bit integer
  // column, an int32 field takes one of 32 bits or more, a text field a character type. The default
  // knows the standard SQL names.
  virtual bool column_type_holds(std::string_view type, value_type field) const;
  // The same for a field whose values are fewer than its stored type's (a mapped type's
  // ar::value_range): a std::uint32_t field (stored as an int64) takes a column that holds 0 to
  // 4294967295, as MariaDB's INT UNSIGNED does; a float field (stored as a double) a 32-bit float
  // column. Whatever column_type_holds(type, field) takes holds these too. The default adds the
  // standard SQL names: SMALLINT, INTEGER and BIGINT by their widths, REAL for a float.
  virtual bool column_holds_range(std::string_view type, value_type field, value_range range) const;
  // Whether an integer column of `bits` bits, signed or not, holds every value of `range` (one of
  // the unsigned ones; false for the others): for a dialect's column_holds_range.
  static bool integer_holds(unsigned bits, bool is_unsigned, value_range range) noexcept;
  // The field type for a column of the catalog type `type` (what ar-gen writes): one that holds
  // every value such a column holds and that such a column holds (column_holds_range agrees: the
  // two directions of one rule), so nothing is cut or refused on either side. nullopt when ar has
  // none: a signed SMALLINT (no 16-bit field), MariaDB's MEDIUMINT, json, intervals, ... NUMERIC and
  // DECIMAL are not answered here. The default knows the standard SQL names.
  struct column_field {
    // The field's value type.
    value_type type;
    value_range range = value_range::stored;  // float, std::uint8_t ... std::uint64_t
  };
  // The field type for a column of the catalog type `type`, or nullopt (see column_field).
  virtual std::optional<column_field> field_for_column(std::string_view type) const;
  // Whether the database finds a column whatever the case of its name (SQLite, MariaDB): "artistid"
  // is then the column "ArtistId".
  virtual bool column_names_ignore_case() const { return false; }
  // Whether NULL comes before every value in an ascending ORDER BY (SQLite, MariaDB) rather than
  // after it (PostgreSQL); a descending one puts it at the other end. A fan-out over shards
  // (ar::shard) merges its shards' rows so, as one database of the dialect would order them.
  virtual bool nulls_sort_first() const { return true; }
  // What is written before and after a text column in ORDER BY to order it by its bytes (code
  // points, for UTF-8), whatever the column's collation: a fan-out over shards writes it in each
  // shard's statement, so that each shard's order is the one its merge compares by (SQLite: ""
  // and " COLLATE BINARY").
  virtual std::pair<std::string_view, std::string_view> text_byte_order() const { return {"", " COLLATE BINARY"}; }

 protected:
  // Appends an upsert's assignments, `a = <before>a<after>, b = ...` over every column but the
  // key (before "excluded.": PostgreSQL and SQLite; "VALUES(" and ")": MariaDB).
  void assign_non_key_columns(std::string& out, const table_meta& table, std::string_view before,
                              std::string_view after) const;
  // The same over the columns at `columns`.
  void assign_columns(std::string& out, const table_meta& table, std::span<const std::size_t> columns,
                      std::string_view before, std::string_view after) const;

  // A catalog type name as column_type_holds compares it: lower case, without what parentheses hold,
  // spaces single: "INT(11) UNSIGNED" is "int unsigned", "NUMERIC(10,2)" is "numeric".
  static std::string normal_type_name(std::string_view type);

  // The LIKE pattern that finds `text` as it is at `where`, with ! escaping %, _ and itself:
  // "50%" at the start is "50!%%". Used with " ESCAPE '!'" (like_escape).
  static std::string like_pattern(std::string_view text, text_position where);
  // The ESCAPE clause like_pattern's patterns are used with.
  static constexpr std::string_view like_escape = " ESCAPE '!'";

  // Appends n in decimal: the number of a numbered placeholder.
  static void append_number(std::string& out, std::size_t n) {
    char digits[20];
    std::size_t at = sizeof digits;
    do {
      digits[--at] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n != 0);
    out.append(digits + at, sizeof digits - at);
  }
};

namespace detail {
// Why the database of dialect `d` cannot take a statement with these parameters, or an empty string
// when it can: more of them than max_parameters(), or a value it cannot hold exactly ("parameter 2
// is text with a NUL byte ..."). Statements check their parameters with it before they run, and
// throw ar::database_error with the reason.
AR_API std::string refused_parameters(const dialect& d, std::span<const value> params);
}  // namespace detail

// Makes a dialect available to ar::open under its schemes.
AR_API void register_dialect(std::shared_ptr<const dialect> d);
// The dialect serving a URL scheme, or nullptr.
AR_API const dialect* find_dialect(std::string_view scheme);

}  // namespace ar

#endif  // AR_BACKEND_DIALECT_HPP
