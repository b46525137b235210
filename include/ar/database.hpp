#ifndef AR_DATABASE_HPP
#define AR_DATABASE_HPP

// Databases: ar::open(url) connects through SOCI and registers the database under a name;
// each model is bound to one database (by default the first one opened), or spread over several
// by a shard key (ar::shard).

#include <ar/backend/dialect.hpp>
#include <ar/error.hpp>
#include <ar/detail/names.hpp>
#include <ar/export.hpp>
#include <ar/model_traits.hpp>
#include <ar/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <variant>
#include <vector>

namespace ar {

class database;

namespace detail {
class database_state;
AR_API database_state& state_of(const database& db);
}  // namespace detail

// How ar::open sets up a database's connection pool.
struct open_options {
  // The most connections the pool opens; 0 takes the backend's default (SQLite: 1, since every
  // connection to ":memory:" is a database of its own; PostgreSQL and MariaDB: 4). Connections
  // open when first needed and stay open until the database is closed.
  std::size_t pool_size = 0;
  // How long a statement waits for a connection when all are in use before it throws
  // ar::connection_error.
  std::chrono::milliseconds wait = std::chrono::seconds(30);
  // Statements run on every new connection, after the backend's own (e.g. "SET search_path TO app").
  // They are not observed: a pool opening a connection does not change statement counts.
  std::vector<std::string> on_connect = {};
  // The most prepared statements each connection keeps, by SQL text. When a new statement would
  // pass it, the least recently used one that no stream or cursor is reading is finalized. 0 keeps
  // none: every statement is prepared for its execution and finalized after it.
  std::size_t statement_cache_size = 256;
  // The longest a statement may run; 0 (the default): no limit. A statement past it throws
  // ar::timeout_error. Each backend applies it its own way (docs/backends.md, "Timeouts"):
  // PostgreSQL, the server's statement_timeout, and the client gives up on a server that has not
  // answered 500 ms after it (the connection is then dropped); MariaDB, the server's
  // max_statement_time, and a client read timeout of the timeout plus 500 ms rounded up to whole
  // seconds, set when a connection opens; SQLite, for each step (row) of a statement, a busy
  // handler (waiting for another connection's lock) and a progress handler that interrupts it. An
  // ar::statement_timeout_scope overrides it for the statements of one thread.
  std::chrono::milliseconds statement_timeout{0};
  // The longest opening a connection may take (PostgreSQL and MariaDB: connect_timeout, in whole
  // seconds rounded up; libpq waits at least 2 s). 0: no limit. A connection string that names
  // connect_timeout itself keeps its own. Not used by SQLite.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  // How the models' declared names become this database's table and column names, for models that
  // do not declare their own AR_NAMING (ar/naming.hpp): e.g. {.style = ar::name_style::pascal_case}
  // for a schema named InvoiceLine / InvoiceLineId, {.table_prefix = "wp_"}. Names AR_COLUMN gives
  // are used as written. Default: the declared names.
  ar::naming naming = {};
  // Run once the database is open and registered, before ar::open returns it: a check of the
  // database, such as ar::verify_with<Models...>() (ar/verify_schema.hpp), which compares the
  // models' tables with the catalog. If it throws, ar::open closes the database and throws that.
  std::function<void(const database&)> verify = {};
  // Read replicas of this database (docs/scaling.md, "Read replicas"): the URLs of servers that
  // replicate it, of the same backend. Each is opened with these options, a pool of its own and a
  // read-only session. Queries, counts, finds, lazy and eager loads and SELECTs written by hand
  // (ar::sql) then run on a reader, the readers taken in turn; writes, transactions (and every
  // statement in one), streams and locking SELECTs run on this database, the writer. A reader that
  // cannot be reached is left out for reader_retry and the read goes to the next, then to the
  // writer; when none can serve it, ar::no_server_error. A reader that cannot be reached when the
  // database opens does not stop it from opening.
  std::vector<std::string> readers = {};
  // Read-your-writes: after a thread writes to this database, its reads go to a reader only once
  // that reader has replayed the write, by log position where the backend has one (PostgreSQL's
  // WAL, MariaDB's GTIDs: ar reads the writer's position at the thread's next read, and each
  // reader's at most every 20 ms), else to the writer. Where a position cannot be known (SQLite, a
  // reader that is not a replica, a binary log without GTIDs), the thread's reads go to the writer
  // for this long instead (Rails' delay). 0: no read-your-writes, reads go to a reader at once.
  // Other threads' reads are not held back.
  std::chrono::milliseconds read_your_writes = std::chrono::seconds(2);
  // How long a reader that could not be reached (or lost its connection) is left out.
  std::chrono::milliseconds reader_retry = std::chrono::seconds(5);
  // A lag bound: a reader that may have missed a write the writer made longer ago than this is
  // skipped (the read goes to the next reader, then to the writer), as is one whose position
  // cannot be known. The writer's position is read at most every half bound (20 ms at least) while
  // reads go to readers; a reader short of a position counts from the read before it, so one that
  // serves is never further behind than the bound, and one may be skipped up to half a bound
  // early. None: no bound.
  std::optional<std::chrono::milliseconds> reader_max_lag = std::nullopt;
};

// A handle to an open database and its pool of connections; copies share them. Any thread may use
// it: each statement takes a free connection (or the calling thread's transaction connection) and
// gives it back when it is done.
class AR_API database {
 public:
  database() = default;
  // The handle of a database's state (ar::open makes one).
  explicit database(std::shared_ptr<detail::database_state> state) noexcept : state_(std::move(state)) {}

  // The name it is registered under; throws ar::configuration_error for an empty handle.
  const std::string& name() const;
  // The URL it was opened with, its secrets (passwords) masked.
  const std::string& url() const;
  // The dialect of its backend.
  const ar::dialect& dialect() const;
  // open_options::naming: the convention SQL for this database names tables and columns by.
  const ar::naming& naming() const;
  // Whether the handle refers to a database that is not closed.
  bool is_open() const noexcept;
  // The URLs of its readers (open_options::readers), secrets masked, in the order given.
  std::vector<std::string> readers() const;

  // Runs one statement with its values bound to the placeholders (see dialect().placeholder);
  // returns the number of rows it changed.
  std::uint64_t execute(std::string_view sql, std::initializer_list<value> params = {}) const;

  // Prepared statements are cached per connection by SQL text, at most statement_cache_size() on
  // each (open_options::statement_cache_size): the count is over all of them (the writer's; not its
  // readers').
  std::size_t cached_statements() const;
  // Empties every connection's statement cache, its readers' too (one in use: at its next statement
  // or release).
  void clear_statement_cache() const;
  // The most statements each connection caches (open_options::statement_cache_size).
  std::size_t statement_cache_size() const;
  // How many statements were prepared on the pool's connections since the database was opened
  // (a cache hit prepares nothing): growing while the program repeats the same statements means
  // statement_cache_size is smaller than the set of statements it runs. Through a transaction
  // pooler (`pooler=transaction`) nothing is prepared on the server: this counts the client's
  // statement objects made, the same number a direct connection would give for the same program.
  std::uint64_t statements_prepared() const;

  // The most connections the pool opens, and how many are open now.
  std::size_t pool_size() const;
  // How many of the pool's connections are open now.
  std::size_t open_connections() const;

  // Whether the calling thread has a transaction open on this database.
  bool in_transaction() const;

  // Closes the connection and removes the name from the registry. Handles become unusable.
  void close();

  // Equal when both handles refer to the same database.
  friend bool operator==(const database& a, const database& b) noexcept { return a.state_ == b.state_; }

 private:
  // The library's side of the handle (src/), for the library: detail::state_of.
  detail::database_state& state() const;
  friend detail::database_state& detail::state_of(const database& db);

  std::shared_ptr<detail::database_state> state_;
};

namespace detail {
// The state of an open database, for what the headers hand to the library (statements to run).
inline database_state& state_of(const database& db) { return db.state(); }
}  // namespace detail

// Overrides open_options::statement_timeout of `db` for the statements the calling thread sends to
// it while the scope lives (0: no limit); scopes nest, the innermost wins.
//
//   {
//     ar::statement_timeout_scope quick(db, std::chrono::milliseconds(200));
//     auto rows = ar::from<Event>(db) | ar::to_vector;  // at most 200 ms, or ar::timeout_error
//   }
//
// Each backend applies it its own way (docs/backends.md, "Timeouts"): on MariaDB the server's limit
// and, for a server that does not answer, ar shuts the connection's socket down a little after it.
class AR_API statement_timeout_scope {
 public:
  // Sets `timeout` for the statements the calling thread runs on `db` until the scope ends.
  statement_timeout_scope(const database& db, std::chrono::milliseconds timeout);
  statement_timeout_scope(const statement_timeout_scope&) = delete;
  statement_timeout_scope& operator=(const statement_timeout_scope&) = delete;
  ~statement_timeout_scope();

 private:
  const detail::database_state* db_;
};

namespace detail {
// A query's ar::timeout, over the statements the calling thread sends while it lives, on any
// database (its eager loads may run on others); nothing when the query has none. Innermost wins, as
// with statement_timeout_scope.
class AR_API query_timeout_scope {
 public:
  explicit query_timeout_scope(const std::optional<std::int64_t>& timeout_ms) {
    if (timeout_ms) push(*timeout_ms);
  }
  query_timeout_scope(const query_timeout_scope&) = delete;
  query_timeout_scope& operator=(const query_timeout_scope&) = delete;
  ~query_timeout_scope() {
    if (pushed_) pop();
  }

 private:
  void push(std::int64_t timeout_ms);
  void pop() noexcept;
  bool pushed_ = false;
};
}  // namespace detail

// Opens a database and registers it under `name`. The URL is a standard one
// ("postgresql://user:secret@host:5432/app?sslmode=require", "mysql://user:secret@host:3306/app",
// "sqlite:///absolute/path/app.db", "sqlite:app.db", "sqlite::memory:"; each part percent-decoded)
// or the scheme and a SOCI connection string ("sqlite3://db=:memory:",
// "postgresql://host=127.0.0.1 port=5432 dbname=app user=app"). Throws ar::connection_error when
// it cannot connect, ar::configuration_error when the name is taken, the scheme unknown or the URL
// malformed; no message shows a password. The first connection opens at once, the others when
// needed.
AR_API database open(std::string_view url, std::string_view name = "default", const open_options& options = {});

// ar::open of the URL the environment variable `variable` holds (DATABASE_URL, as Rails and
// Heroku-style deployments set it). Throws ar::configuration_error naming the variable when it is
// not set or empty; the URL itself is shown only masked, as by ar::open.
AR_API database open_env(std::string_view variable = "DATABASE_URL", std::string_view name = "default",
                         const open_options& options = {});

// The open database registered under `name`; throws ar::configuration_error if there is none.
AR_API database get_database(std::string_view name);
// The database models use unless bound elsewhere: the one named "default" (the name ar::open
// gives when none is passed) if it is open, else the first opened. Throws
// ar::configuration_error when no database is open.
AR_API database default_database();
// Closes every open database and empties the registry.
AR_API void close_all();

namespace detail {
AR_API void bind_model(const table_meta* model, std::string_view database_name);
AR_API database database_for(const table_meta* model);
}  // namespace detail

// Binds model M to the database registered under `name` (resolved when used, so the database
// may be opened later). Unbound models use default_database().
template <model M>
void bind(std::string_view database_name) {
  detail::bind_model(&table_meta_v<M>, database_name);
}

// The database model M lives on: the one it is bound to, else the default database.
template <model M>
database database_for() {
  return detail::database_for(&table_meta_v<M>);
}

// --- horizontal sharding ---------------------------------------------------------------------

// The default shard function's hash of a shard key's value, stable across runs, builds and
// platforms: an integer key (std::int32_t and std::int64_t alike) is its 64-bit two's complement
// through the SplitMix64 finalizer; a text key is the FNV-1a 64-bit hash of its bytes. A record
// lives on shard shard_hash(key) % N. Throws ar::configuration_error for a value of another type.
AR_API std::uint64_t shard_hash(const value& key);

namespace detail {
// A sharded model's declaration, as the registry keeps it (ar::shard).
struct shard_declaration {
  std::size_t key_column = 0;                     // the shard key's position in the table's columns
  std::vector<std::string> databases;             // the shards' database names, in shard order
  std::function<std::size_t(const value&)> pick;  // the key's value -> a shard index; empty: shard_hash % N
  std::string identity;                           // tells two declarations' functions apart
};
// Declares `model` sharded (ar::shard); throws ar::configuration_error when it is declared already
// otherwise, when `databases` is empty or names one twice, or when key_column is no column.
AR_API void shard_model(const table_meta* model, shard_declaration declaration);
// The model's declaration, or null when it is not sharded. Declarations are never changed.
AR_API const shard_declaration* sharding_of(const table_meta* model);
// The index of the shard a key value lives on; throws ar::configuration_error when the function
// names no shard, or the value is not of the key's type.
AR_API std::size_t shard_index(const table_meta* model, const shard_declaration& s, const value& key);
// The shards' databases, in shard order (each resolved now: ar::configuration_error when one is not open).
AR_API std::vector<database> shard_databases(const table_meta* model);

// Calls run(context, i) for i in [0, n), concurrently: on a pool of worker threads kept between
// fan-outs (started when first needed, joined at exit), which take the calls from the first, and on
// the caller's thread, which takes them from the last back until none is left, so that a fan-out
// from inside a call or while the workers are busy never waits for a call nobody runs. Rethrows the
// exception of the first call (in index order) that threw, once every call has returned.
AR_API void on_each_shard(std::size_t n, void (*run)(void* context, std::size_t i), void* context);

// Whether T may be a shard key: an integer or a text, never NULL.
template <class T>
inline constexpr bool shard_key_type_v =
    std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::string>;

// The key's value as the user's shard function takes it.
template <class T>
T shard_key_from(const value& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
  } else {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<T>(*i);
    if (const auto* i = std::get_if<std::int32_t>(&v)) return static_cast<T>(*i);
  }
  throw configuration_error("ar::shard: a shard key's value " + to_string(v) + " is not of the key's type");
}

// The position of the field `key` among M's columns, or the number of columns when it is no field.
template <model M, class F>
std::size_t shard_key_column(F M::* key) {
  return [key]<class... C>(type_list<C...>) {
    std::size_t at = 0;
    std::size_t found = sizeof...(C);
    (
        [&] {
          if constexpr (std::is_same_v<std::remove_cv_t<decltype(C::pointer)>, F M::*>)
            if (found == sizeof...(C) && C::pointer == key) found = at;
          ++at;
        }(),
        ...);
    return found;
  }(typename model_of<M>::columns{});
}

// Whether model M has a field of type F (a shard key must be one).
template <model M, class F>
inline constexpr bool has_field_of_type_v = []<class... C>(type_list<C...>) {
  return (std::is_same_v<typename C::type, F> || ...);
}(typename model_of<M>::columns{});

// Whether Fn is a shard function of a key of type F: it takes the key's value, returns an integer.
template <class Fn, class F>
inline constexpr bool shard_function_v = [] {
  if constexpr (std::is_invocable_v<Fn&, const F&>)
    return std::is_integral_v<std::invoke_result_t<Fn&, const F&>>;
  else
    return false;
}();

template <model M, class C, class F>
constexpr void check_shard_key() {
  static_assert(std::is_same_v<C, M>,
                "ar::shard<M>(&Other::field, ...): the shard key must be a field of M, the model being sharded; "
                "this member pointer names a member of another type");
  static_assert(shard_key_type_v<F>,
                "ar::shard: the shard key must be a std::int32_t, std::int64_t or std::string field (not a "
                "std::optional: every row needs a shard)");
  if constexpr (std::is_same_v<C, M>)
    static_assert(has_field_of_type_v<M, F>,
                  "ar::shard: the shard key is not a field of the model: no field in AR_FIELDS has its type");
}
}  // namespace detail

// Spreads model M over the databases named `databases` (each opened with ar::open(url, name);
// resolved when used), by the field `key`: a record lives on shard shard_hash(record.*key) % N.
// Declared once, before M is used: declaring it again otherwise, a member that is not a field of
// AR_FIELDS, or an empty list throws ar::configuration_error.
//   ar::shard<User>(&User::tenant_id, {"shard0", "shard1", "shard2"});
template <model M, class C, class F>
void shard(F C::* key, std::vector<std::string> databases) {
  detail::check_shard_key<M, C, F>();
  if constexpr (std::is_same_v<C, M> && detail::shard_key_type_v<F>)
    detail::shard_model(
        &table_meta_v<M>,
        detail::shard_declaration{detail::shard_key_column<M>(key), std::move(databases), {}, "shard_hash"});
}

// The same with the program's own shard function: `pick(key value)` returns the shard's index
// (< the number of databases). Declaring again is the same declaration only with a function of the
// same type (and, for a function pointer, the same function).
//   ar::shard<User>(&User::tenant_id, {"eu", "us"}, [](std::int64_t t) { return t < 1000 ? 0 : 1; });
template <model M, class C, class F, class Fn>
void shard(F C::* key, std::vector<std::string> databases, Fn pick) {
  detail::check_shard_key<M, C, F>();
  static_assert(detail::shard_function_v<Fn, F>,
                "ar::shard: the shard function takes the key's value (const F&) and returns the shard's index, "
                "an integer");
  if constexpr (std::is_same_v<C, M> && detail::shard_key_type_v<F> && detail::shard_function_v<Fn, F>) {
    std::string identity = typeid(Fn).name();
    if constexpr (std::is_pointer_v<Fn>) identity += '@' + std::to_string(reinterpret_cast<std::uintptr_t>(pick));
    detail::shard_model(&table_meta_v<M>,
                        detail::shard_declaration{detail::shard_key_column<M>(key), std::move(databases),
                                                  [pick](const value& v) -> std::size_t {
                                                    const auto at = pick(detail::shard_key_from<F>(v));
                                                    if constexpr (std::is_signed_v<decltype(at)>)
                                                      if (at < 0) return static_cast<std::size_t>(-1);
                                                    return static_cast<std::size_t>(at);
                                                  },
                                                  std::move(identity)});
  }
}

// The databases sharded model M is spread over, in shard order.
template <model M>
std::vector<database> shard_databases() {
  return detail::shard_databases(&table_meta_v<M>);
}

// The database of the shard a record whose shard key is `key` lives on.
template <model M, class K>
database shard_for(const K& key) {
  const detail::shard_declaration* s = detail::sharding_of(&table_meta_v<M>);
  if (s == nullptr)
    throw configuration_error("ar::shard_for: table '" + std::string(table_meta_v<M>.table) + "' is not sharded");
  return detail::shard_databases(&table_meta_v<M>).at(detail::shard_index(&table_meta_v<M>, *s, value(key)));
}

}  // namespace ar

#endif  // AR_DATABASE_HPP
