#ifndef AR_TESTS_SUPPORT_BACKENDS_HPP
#define AR_TESTS_SUPPORT_BACKENDS_HPP

// The backends every suite runs on: each backend the library is built with (AR_BACKENDS, the list
// that registers them), so a new one is picked up without editing a test. SQLite is in memory;
// PostgreSQL is the server named by AR_TEST_POSTGRESQL, MariaDB the one named by AR_TEST_MARIADB,
// and PostgreSQL is run again through pgbouncer in transaction pooling mode, named by
// AR_TEST_PGBOUNCER (scripts/test.sh starts all three). A missing server fails the test: never
// skipped.

#include <ar/ar.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace ar_test {

// The name each registered backend's tests carry (their ctest suffix), in registration order: the
// backend's folder name, except mysql, whose servers the suites run against are MariaDB
// ("mariadb"), and after postgresql, "postgresql_pgbouncer": the same server through pgbouncer
// (pool_mode = transaction, pooler=transaction in the URL). Today: "sqlite", "postgresql",
// "postgresql_pgbouncer", "mariadb".
const std::vector<std::string>& registered_backends();

// The database engine under a test backend, for the tests that pick SQL or expectations by
// dialect: "postgresql" for postgresql_pgbouncer, else the name itself.
std::string engine_of(const std::string& backend);

// Opens the backend under `name` in a fresh namespace: a new in-memory database ("sqlite"), a new
// file ("sqlite_file", for pools of more than one connection), a new PostgreSQL schema on every
// connection's search path, a new MariaDB database named in the connection string, a PostgreSQL
// database of the process's own through pgbouncer ("postgresql_pgbouncer": made once, emptied
// after each test; a pooler keeps no search_path). `options` go to ar::open.
ar::database open_backend(const std::string& backend, const std::string& name = "default",
                          ar::open_options options = {});
// The PostgreSQL servers the sharding suite spreads its shards over: the URLs in
// AR_TEST_POSTGRESQL_SHARDS, ';' between them (scripts/test.sh starts three servers and sets it), or
// none when it is not set.
std::vector<std::string> postgresql_shard_servers();
// Opens the backend as the `index`-th shard of a sharding test: on "postgresql" with
// AR_TEST_POSTGRESQL_SHARDS set, a fresh schema on the server listed there at `index` (so that each
// shard is a server of its own); else open_backend (on one server, a schema each).
ar::database open_shard_backend(const std::string& backend, std::size_t index, const std::string& name,
                                ar::open_options options = {});
// Opens another handle, under `name`, onto what open_backend opened as `first` (the same SQLite file,
// PostgreSQL schema or MariaDB database), for tests of what ar::open itself does with a database
// that already has tables. Not for "sqlite" (in memory: open "sqlite_file" for such tests).
ar::database open_backend_again(const ar::database& first, const std::string& name, ar::open_options options = {});
// Drops what open_backend created and closes every database.
void close_backends();

// What differs between backends, for the few tests that must know (as SOCI's own tests declare
// per backend what it can do). Each one states a true difference of the backend, never a failure
// to hide.
struct capabilities {
  bool returning = true;
  // A stream holds one row at a time in the client. SOCI's mysql backend receives a whole result
  // before the first row (mysql_store_result): a stream there still reads row by row, but the
  // result sits in the client's memory while it does.
  bool streams_in_constant_memory = true;
  // A stream reads through a statement that keeps its connection until the last row (SQLite;
  // MySQL, which has no server-side cursor outside stored programs). PostgreSQL's streams read a
  // server-side cursor in batches and leave the connection free in between.
  bool stream_holds_the_connection = false;
  // A double column stores NaN / the infinities. PostgreSQL has both. SQLite has the infinities, but
  // would bind NaN as NULL: ar refuses NaN there. MySQL has neither: ar refuses both.
  bool stores_nan = true;
  bool stores_infinity = true;
  // The longest string primary key, in characters, or 0 for no limit. MySQL cannot make TEXT a key:
  // a string key is VARCHAR(768), the most InnoDB indexes in utf8mb4 (3072 bytes).
  std::size_t string_key_max_chars = 0;
  // A text column holds a NUL byte inside a string. PostgreSQL's text cannot (ar refuses such a
  // value with an ar::error rather than let libpq cut it at the NUL).
  bool text_holds_nul = true;
  // A text column holds bytes that are not UTF-8 exactly as given. SQLite stores the bytes;
  // PostgreSQL (UTF8 databases) and MariaDB (utf8mb4, strict mode) refuse them...
  bool text_holds_invalid_utf8 = true;
  // ... except UTF-16 surrogates written as UTF-8 (ED A0 80 - ED BF BF), which MariaDB's utf8mb4
  // stores as they are. PostgreSQL refuses them too.
  bool text_holds_utf8_surrogates = true;
  // A double column keeps the sign of -0.0. SQLite (a REAL that is a whole number is stored as an
  // integer) and MariaDB read it back as 0.0, which is equal to it (== is true).
  bool keeps_negative_zero = true;
  // The longest LIKE pattern, in bytes, or 0 for no limit of its own (SQLite:
  // SQLITE_MAX_LIKE_PATTERN_LENGTH; a longer one is a database_error, "pattern too complex").
  std::size_t like_pattern_max_bytes = 0;
  // Any failed statement inside a transaction makes the server refuse the rest of it until a
  // rollback (PostgreSQL: "current transaction is aborted", 25P02). SQLite and MariaDB fail that
  // statement alone and the transaction goes on.
  bool failed_statement_aborts_transaction = false;
  // DDL inside a transaction commits it first (MariaDB's implicit commit); SQLite and PostgreSQL
  // run DDL inside the transaction.
  bool ddl_commits_transaction = false;
};
capabilities capabilities_of(const std::string& backend);

// SQL text in the spelling of a database's dialect, for the tests that write or expect statements
// themselves: {name} is the identifier `name` quoted (`"name"`, `` `name` ``), each ? outside a
// '...' literal is the next placeholder (?, :1, ...). Everything else is kept as written.
std::string sql_for(const ar::dialect& d, std::string_view text);
inline std::string sql_for(const ar::database& db, std::string_view text) { return sql_for(db.dialect(), text); }

// A suite parameterised by backend name: GetParam() is one of registered_backends().
class backend_test : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { db = open_backend(GetParam()); }
  void TearDown() override { close_backends(); }
  ar::database db;
};

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace ar_test

#define AR_INSTANTIATE_BACKEND_SUITE(suite)                                                        \
  INSTANTIATE_TEST_SUITE_P(backends, suite, ::testing::ValuesIn(::ar_test::registered_backends()), \
                           ::ar_test::backend_name)

#endif  // AR_TESTS_SUPPORT_BACKENDS_HPP
