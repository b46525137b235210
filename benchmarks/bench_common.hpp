// What every workload of the suite shares: where the seeded databases live, how a raw twin
// reaches the same data, how statements are counted, and the hand-written helpers the raw twins
// use (a statement cache for the sqlite3 C API, IN lists).
//
// Conventions (see docs/benchmarks.md):
//   - every benchmark is named W<n>/<variant>/<size>; variants: orm, orm_lazy, orm_auto,
//     orm_eager, raw_sqlite3, raw_soci, and sqlitecpp (the C++ peer, SQLiteCpp, where it was found
//     at configure time: AR_BENCH_SQLITECPP); on PostgreSQL the variant starts with pg_ (pg_orm_eager,
//     pg_raw_soci), on MariaDB with my_ (my_orm_eager, my_raw_mariadb: the MariaDB C API, my_raw_soci);
//   - every ORM variant reports the counters `statements` and `round_trips`: the statements one
//     iteration sends and the round trips to the server they take, counted at ar's observation
//     point on one extra run outside the timed loop (on SQLite a round trip is one statement's
//     call into the engine: include/ar/observe.hpp);
//   - items_per_second counts the rows (records) one iteration materialises;
//   - an ORM variant and its raw twins read the same seeded SQLite database (in memory, shared
//     by their connections), the same PostgreSQL schema or the same MariaDB database, each through
//     its own connection;
//   - SQLite benchmarks are timed in CPU time, PostgreSQL and MariaDB ones in wall-clock time (see
//     add()).

#ifndef AR_BENCH_COMMON_HPP
#define AR_BENCH_COMMON_HPP

#include <ar/ar.hpp>

#include <benchmark/benchmark.h>
#include <soci/soci.h>
#include <sqlite3.h>
#ifdef AR_BENCH_HAVE_MARIADB
#include <mysql.h>
#endif
#ifdef AR_BENCH_SQLITECPP
#include <SQLiteCpp/SQLiteCpp.h>
#endif

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bench {

// --- the seeded databases ---------------------------------------------------------------------

// The SQLite database `name`: an in-memory database in shared-cache mode,
// file:ar_bench_<pid>_<name>?mode=memory&cache=shared, which every connection of this process that
// opens that name shares (ar's, the raw sqlite3 one and SOCI's), so the twins read the very rows
// ar seeded, with no file system, fsync or file locks in the measurement. It lives as long as ar's
// connection to it.
//
// A name that starts with "file_" is a database file instead, <temporary directory>/ar_bench_<pid>_
// <name>.db, in SQLite's defaults (a rollback journal, synchronous FULL): what an application on
// SQLite uses, where every statement outside a transaction takes and releases the file's lock and
// checks that no other process changed the file. Every connection opens the same file; cleanup()
// deletes it.
std::string sqlite_uri(std::string_view name);
// True for a name of a database file (see sqlite_uri).
bool is_sqlite_file(std::string_view name);

// Opens the database `name` in ar under the same name (empty until seeded).
ar::database open_sqlite(std::string_view name);
// After seeding (PostgreSQL: ANALYZE; nothing to do on SQLite).
void after_seeding(const ar::database& db);

// PostgreSQL: the SOCI connection string in AR_BENCH_POSTGRESQL, or nullptr when it is not set
// (the pg_ variants are then not registered at all).
const char* postgresql_url();
// Opens (in ar, under `name`) a connection whose search_path is the schema ar_bench_<name>,
// created afresh; the schema is dropped at exit.
ar::database open_postgresql(std::string_view name);

// PostgreSQL through pgbouncer in transaction pooling mode: the URL in AR_BENCH_PGBOUNCER (with
// pooler=transaction; scripts/pgbouncer-test-server.sh env prints one as AR_TEST_PGBOUNCER), or
// nullptr when it is not set (the pgb_ variants are then not registered). Its server must be the
// one AR_BENCH_POSTGRESQL names, which creates the databases.
const char* pgbouncer_url();
// A pooler keeps no search_path: opens (in ar, under `name`) the database ar_bench_<name>, created
// afresh on the server directly, through pgbouncer; it is dropped at exit.
ar::database open_pgbouncer(std::string_view name);

// MariaDB: the SOCI connection string in AR_BENCH_MARIADB (the form of ar's mysql:// URLs, whose
// db names the database the benchmarks' own databases are created from), or nullptr when it is not
// set (the my_ variants are then not registered at all). The raw MariaDB C API twins are built
// where ar's mysql backend is (AR_BENCH_HAVE_MARIADB: the MariaDB client's headers were found).
const char* mariadb_url();
// MariaDB keeps no schemas apart from databases: opens (in ar, under `name`) the database
// ar_bench_<name>, created afresh; it is dropped at exit.
ar::database open_mariadb(std::string_view name);

// Where a workload's database lives; the variants on a server are named with its prefix.
// PostgreSQL through pgbouncer (pgb_) has ORM variants only: SOCI names its prepared statements,
// which a transaction pooler does not keep (soci_on refuses it).
enum class server { sqlite, postgresql, mariadb, pgbouncer };
// "", "pg_", "my_" or "pgb_".
const char* prefix(server at);
// Opens the database `name` on `at` (open_sqlite, open_postgresql, open_mariadb or open_pgbouncer).
ar::database open_on(server at, std::string_view name);

// What a raw twin holds on to. Connections, and everything prepared on them, belong to this
// file and are closed in order by cleanup(): a workload keeps references only.
class extras {
 public:
  // The object of type T kept under `key`, default-constructed on first use; destroyed before
  // the connection it was made for.
  template <class T>
  T& get(const std::string& key) {
    auto& slot = items_[key];
    if (!slot) slot = std::make_shared<T>();
    return *static_cast<T*>(slot.get());
  }
  void clear() { items_.clear(); }

 private:
  std::map<std::string, std::shared_ptr<void>> items_;
};

class sqlite_statements;

struct raw_sqlite_connection {
  sqlite3* db = nullptr;
  std::unique_ptr<sqlite_statements> statements;
};
// A raw sqlite3 connection to the SQLite database `name`, with its statement cache.
raw_sqlite_connection& raw_sqlite(std::string_view name);

struct soci_connection {
  std::unique_ptr<soci::session> session;
  bench::extras extras;
};
// A SOCI session on the SQLite database `name`.
soci_connection& soci_sqlite(std::string_view name);
// A SOCI session on the PostgreSQL schema of `name` (see open_postgresql).
soci_connection& soci_postgresql(std::string_view name);
// A SOCI session (its mysql backend) on the MariaDB database of `name` (see open_mariadb).
soci_connection& soci_mariadb(std::string_view name);
// The SOCI session of `name` on `at`.
soci_connection& soci_on(server at, std::string_view name);

#ifdef AR_BENCH_HAVE_MARIADB
// A raw MariaDB C API connection to the database of `name` (see open_mariadb). Its twins keep their
// prepared statements (mariadb_statement, with their bound buffers) in `extras`, which are closed
// before the connection.
struct raw_mariadb_connection {
  MYSQL* db = nullptr;
  bench::extras extras;
};
raw_mariadb_connection& raw_mariadb(std::string_view name);
#endif

#ifdef AR_BENCH_SQLITECPP
// The C++ peer: an SQLiteCpp connection to the SQLite database `name`. Its twins keep their
// prepared SQLite::Statement objects in `extras`, which are destroyed before the connection.
struct sqlitecpp_connection {
  std::unique_ptr<SQLite::Database> db;
  bench::extras extras;
};
sqlitecpp_connection& sqlitecpp(std::string_view name);
#endif

// Runs at the end of main: closes every connection and drops the PostgreSQL schemas and the
// MariaDB databases.
void cleanup();

// Registers a benchmark under its full name (W<n>/<variant>/<size>), reported in microseconds.
// SQLite in memory runs in this process, so its benchmarks are timed in CPU time, which other
// processes on a busy machine disturb least. A PostgreSQL benchmark (add_pg) is timed in wall-clock
// time, since the server's work is not this process's CPU time (add_pg times MariaDB's too), and
// so is one on an SQLite file
// (add_file: what the file system and its locks cost is the point); Google Benchmark appends
// "/real_time" to their names.
template <class F>
benchmark::internal::Benchmark* add(const std::string& name, F&& f) {
  return benchmark::RegisterBenchmark(name.c_str(), std::forward<F>(f))->Unit(benchmark::kMicrosecond);
}
template <class F>
benchmark::internal::Benchmark* add_pg(const std::string& name, F&& f) {
  return add(name, std::forward<F>(f))->UseRealTime();
}
// add on SQLite, add_pg on a server.
template <class F>
benchmark::internal::Benchmark* add_on(server at, const std::string& name, F&& f) {
  return at == server::sqlite ? add(name, std::forward<F>(f)) : add_pg(name, std::forward<F>(f));
}
template <class F>
benchmark::internal::Benchmark* add_file(const std::string& name, F&& f) {
  return add(name, std::forward<F>(f))->UseRealTime();
}

// --- running ----------------------------------------------------------------------------------

// Fails the benchmark (without aborting the others) when a run did not read what it should:
// every variant of a workload must read the same number of records.
void expect_rows(benchmark::State& state, std::size_t got, std::size_t expected);
// The same for the statements an ORM variant sends, where the contract fixes their number.
void expect_statements(benchmark::State& state, std::size_t got, std::size_t expected);

// What one iteration of an ORM variant sends, as its workload documents it (docs/benchmarks.md):
// its statements, and the round trips to the server they take. Every ORM variant declares them
// where its counts are reported (run_counted, report_statements), and a run that counts otherwise
// fails (so the smoke test does). Every path of ar sends one statement per round trip today (on
// SQLite a round trip is one statement's call into the engine), so a workload that sends n
// statements declares {n, n}; a pipelined path will declare fewer round trips.
struct counts {
  std::size_t statements;
  std::size_t round_trips;
};
// Fails the benchmark, naming both, when `counter` counted other than `expected`.
void expect_counts(benchmark::State& state, const ar::statement_counter& counter, counts expected);
// A twin that is not the raw sqlite3 one (the sqlitecpp peer) is checked once, outside the timed
// loop, against the raw sqlite3 twin's result: `same` says whether they read (or wrote) the same
// rows; `what` names them in the error.
void expect_same(benchmark::State& state, bool same, std::string_view what);
// How many benchmarks failed one of those checks: ar_bench exits with status 1 when any did, so
// that the smoke test (ctest benchmarks.smoke) catches a broken workload or a changed count.
int failures();

// The loop every workload benchmark runs. `once` performs one iteration and returns the number of
// records it materialised. It runs once untimed before the loop, so that every variant starts
// with its statements prepared and its pages cached; for an ORM variant (run_counted) that run
// also counts the statements at ar's observation point, so that counting costs nothing inside
// the timed loop. items_per_second counts `expected` records per iteration.
template <class F>
void timed_loop(benchmark::State& state, std::size_t expected, F& once, std::size_t rows) {
  for (auto _ : state) {
    rows = once();
    benchmark::DoNotOptimize(rows);
  }
  expect_rows(state, rows, expected);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(expected));
}

template <class F>
void run(benchmark::State& state, std::size_t expected, F&& once) {
  const std::size_t rows = once();
  timed_loop(state, expected, once, rows);
}

// With AR_BENCH_SHOW_SQL set, prints the statements a counted run sent (to stderr), so that the
// raw twins can be checked against them.
void show_statements(const benchmark::State& state, const ar::statement_counter& counter);

// Reports what `counter` counted as the benchmark's counters `statements` and `round_trips`, and
// checks them against what the workload documents.
inline void report_counts(benchmark::State& state, const ar::statement_counter& counter, counts expected) {
  state.counters["statements"] = static_cast<double>(counter.count());
  state.counters["round_trips"] = static_cast<double>(counter.round_trips());
  expect_counts(state, counter, expected);
}

template <class F>
void run_counted(benchmark::State& state, std::size_t expected, F&& once, counts expected_counts) {
  std::size_t rows = 0;
  {
    ar::statement_counter counter;
    rows = once();
    show_statements(state, counter);
    report_counts(state, counter, expected_counts);
  }
  timed_loop(state, expected, once, rows);
}

// For the benchmarks that write their own loop: counts what one call sends, and checks it.
template <class F>
void report_statements(benchmark::State& state, F&& one_iteration, counts expected_counts) {
  ar::statement_counter counter;
  one_iteration();
  show_statements(state, counter);
  report_counts(state, counter, expected_counts);
}

// --- the raw twins' tools -----------------------------------------------------------------------

// Hand-written code caches its prepared statements too (preparing costs ~3 µs): by SQL text.
class sqlite_statements {
 public:
  explicit sqlite_statements(sqlite3* db) : db_(db) {}
  sqlite_statements(const sqlite_statements&) = delete;
  sqlite_statements& operator=(const sqlite_statements&) = delete;
  ~sqlite_statements();
  // The statement for `sql`, reset (prepared on first use).
  sqlite3_stmt* get(const std::string& sql);
  sqlite3* db() const noexcept { return db_; }

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// "prefix (?, ?, ?)suffix" with n placeholders, for the sqlite3 C API.
std::string sqlite_in(std::string_view prefix, std::size_t n, std::string_view suffix = {});
// "prefix (:k0, :k1, ...)suffix" for SOCI (which renumbers them for PostgreSQL).
std::string soci_in(std::string_view prefix, std::size_t n, std::string_view suffix = {});

inline std::optional<std::string> column_optional_text(sqlite3_stmt* st, int i) {
  if (sqlite3_column_type(st, i) == SQLITE_NULL) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i)),
                     static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
}
inline std::string column_text(sqlite3_stmt* st, int i) {
  return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i)),
                     static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
}

// A SOCI statement with n key parameters (use) and row variables (into), prepared once per key
// count and kept, as a careful hand-written loader would: Row holds the into() targets.
template <class Row>
struct soci_in_statement {
  std::vector<long long> keys;
  Row row;
  std::unique_ptr<soci::statement> st;
};

template <class Row>
class soci_in_cache {
 public:
  // bind_into(statement&, Row&) exchanges the into() targets; sql_for(n) gives the SQL.
  template <class BindInto, class SqlFor>
  soci_in_statement<Row>& get(soci::session& s, std::size_t n, BindInto&& bind_into, SqlFor&& sql_for) {
    auto& slot = cache_[n];
    if (!slot) {
      slot = std::make_unique<soci_in_statement<Row>>();
      slot->keys.resize(n);
      slot->st = std::make_unique<soci::statement>(s);
      slot->st->alloc();
      slot->st->prepare(sql_for(n));
      bind_into(*slot->st, slot->row);
      for (std::size_t i = 0; i < n; ++i) slot->st->exchange(soci::use(slot->keys[i]));
      slot->st->define_and_bind();
    }
    return *slot;
  }

 private:
  std::map<std::size_t, std::unique_ptr<soci_in_statement<Row>>> cache_;
};

#ifdef AR_BENCH_HAVE_MARIADB
// --- the MariaDB C API, as a careful C programmer writes it -------------------------------------
//
// Each SQL is prepared once (mysql_stmt_prepare, kept with its buffers in the connection's extras),
// its parameters and result columns bound once to fixed buffers (mysql_stmt_bind_param,
// mysql_stmt_bind_result); each run executes, reads the whole result into the client
// (mysql_stmt_store_result, as ar does) and fetches row by row. A string is read with its length
// from a fixed buffer, and with mysql_stmt_fetch_column when it is longer than that buffer.

// A prepared statement, closed with its owner.
class mariadb_statement {
 public:
  mariadb_statement() = default;
  mariadb_statement(const mariadb_statement&) = delete;
  mariadb_statement& operator=(const mariadb_statement&) = delete;
  ~mariadb_statement();
  // Prepares `sql` on `db` (once: false when it already was).
  bool prepare(MYSQL* db, const std::string& sql);
  MYSQL_STMT* get() const noexcept { return stmt_; }
  // Binds the parameters (once, after prepare); the buffers must outlive the statement.
  void bind_params(MYSQL_BIND* binds);
  // Binds the result columns (once, after prepare).
  void bind_result(MYSQL_BIND* binds);
  // Runs the statement and reads its result, if any, into the client.
  void execute();
  // The next row: false at the end. A truncated column (MYSQL_DATA_TRUNCATED) is a row too:
  // mariadb_text::value reads the rest of it.
  bool fetch();
  // Frees the stored result, so that the statement can run again.
  void free_result() noexcept;

 private:
  [[noreturn]] void fail(const char* what) const;
  MYSQL_STMT* stmt_ = nullptr;
};

// An integer column (or parameter) bound to a long long.
struct mariadb_integer {
  long long value = 0;
  my_bool is_null = 0;
  void bind(MYSQL_BIND& b) noexcept;
};

// A string column bound to a fixed buffer; the value with its length.
struct mariadb_text {
  char buffer[64];
  unsigned long length = 0;
  my_bool is_null = 0;
  my_bool error = 0;
  void bind(MYSQL_BIND& b) noexcept;
  // The value of the column `index` of the row just fetched, read again with
  // mysql_stmt_fetch_column when it did not fit the buffer.
  std::string value(const mariadb_statement& st, unsigned int index) const;
  std::optional<std::string> optional_value(const mariadb_statement& st, unsigned int index) const {
    return is_null ? std::nullopt : std::optional<std::string>(value(st, index));
  }
};

// "prefix (?, ?, ?)suffix": the MariaDB C API takes the sqlite3 C API's placeholders.
inline std::string mariadb_in(std::string_view prefix, std::size_t n, std::string_view suffix = {}) {
  return sqlite_in(prefix, n, suffix);
}
#endif  // AR_BENCH_HAVE_MARIADB

}  // namespace bench

#endif  // AR_BENCH_COMMON_HPP
