// One execution of a statement (the cursor and run of ar/detail/execute.hpp): taking its
// connection, its statement (cached or not), binding, stepping and reading rows through the
// backend's statement (ar/backend/driver.hpp), the statement timeout, the observation point, and
// what a failure means: an error with the SQL, a statement sent again on a new connection, a
// transaction the server ended.

#include "exec/database_state.hpp"
#include "exec/socket_watch.hpp"

#include <ar/backend/driver.hpp>
#include <ar/database.hpp>
#include <ar/detail/execute.hpp>
#include <ar/error.hpp>
#include <ar/observe.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ar {

namespace detail {

namespace {

// The calling thread's ar::statement_timeout_scope overrides, innermost last; a query's ar::timeout
// is one for every database (nullptr).
thread_local std::vector<std::pair<const database_state*, std::chrono::milliseconds>> timeout_overrides;

// Prepares a statement on the connection, counted (database::statements_prepared). `cached`: it goes
// to the connection's statement cache and runs again and again.
std::unique_ptr<backend::statement> prepare(database_state& db, connection& c, std::string_view sql, bool cached) {
  db.statements_prepared.fetch_add(1, std::memory_order_relaxed);
  return c.backend->prepare(sql, cached);
}

using cached_statement = statement_cache<backend::statement>::entry;

// The connection's cached statement for `sql`, taken for one execution: the one cached if it is
// free, else a new one, which makes room for itself by dropping the least recently used statements
// not in use. nullptr when it cannot be cached (a statement cache of size 0, every cached statement
// in use, or the cached one in use by an execution still running): it then runs uncached.
cached_statement* take_cached(database_state& db, connection& c, std::string_view sql, const std::size_t* hash) {
  auto& cache = c.statements;
  if (cached_statement* e = hash ? cache.find(sql, *hash) : cache.find(sql)) {
    if (e->in_use()) return nullptr;
    cache.acquire(*e);
    return e;
  }
  if (!cache.make_room()) return nullptr;
  return &cache.insert(sql, prepare(db, c, sql, true));
}

}  // namespace

bool is_select(std::string_view sql) noexcept {
  std::size_t i = 0;
  while (i < sql.size() && (sql[i] == ' ' || sql[i] == '\n' || sql[i] == '\t' || sql[i] == '\r' || sql[i] == '(')) ++i;
  constexpr std::string_view word = "select";
  if (sql.size() - i < word.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k)
    if ((sql[i + k] | 0x20) != word[k]) return false;
  if (i + word.size() == sql.size()) return true;
  const char after = sql[i + word.size()];
  return !((after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') || (after >= '0' && after <= '9') ||
           after == '_');
}

namespace {

[[noreturn]] void throw_stream_open(const database_state& db) {
  throw error("ar: database '" + db.name +
              "' is still reading a stream on this connection; finish or destroy the stream before running "
              "another statement on that database from this thread");
}

// The calling thread's transaction connection on `db`, else one from the pool (owned: true).
std::pair<connection*, bool> connection_for(database_state& db) {
  if (connection* c = lent_connection(db)) {  // a stream's, beside its statement (cursor::lend)
    if (db.closed()) throw configuration_error("ar: database '" + db.name + "' is closed");
    return {c, false};
  }
  if (connection* c = transaction_connection(db)) {
    if (db.closed()) throw configuration_error("ar: database '" + db.name + "' is closed");
    if (c->busy) throw_stream_open(db);
    return {c, false};
  }
  return db.acquire();
}

// The connection a pin holds, for one statement.
connection& pinned_connection(connection_pin& pin) {
  database_state& db = pin.db();
  if (db.closed()) throw configuration_error("ar: database '" + db.name + "' is closed");
  connection& conn = pin.conn();
  if (conn.busy) throw_stream_open(db);
  return conn;
}

// The timeout of the calling thread's next statement on `db`: its innermost scope's (or running
// query's), else the database's.
std::chrono::milliseconds statement_timeout_for(const database_state& db) noexcept {
  for (auto it = timeout_overrides.rbegin(); it != timeout_overrides.rend(); ++it)
    if (it->first == &db || it->first == nullptr) return it->second;
  return db.statement_timeout;
}

// Gives the connection the statement timeout its next statements run under.
void apply_timeout(connection& c, std::chrono::milliseconds timeout) {
  c.backend->set_statement_timeout(timeout);
  c.timeout = timeout;
}

// One execution of a statement, from taking its connection to giving it back. A cursor keeps one
// on the heap (it outlives the call that made it); run() keeps it on its stack, so that running a
// cached statement allocates nothing of its own.
struct execution {
  execution(database_state& d, std::pair<connection*, bool> c, std::string_view s, std::span<const value> p,
            std::span<const column_binding> cols) noexcept
      : db(d), conn(c.first), owned(c.second), nested(conn->busy), sql(s), params(p), columns(cols) {
    conn->busy = true;
  }
  execution(const execution&) = delete;
  execution& operator=(const execution&) = delete;
  // An execution left before its last row: its statement is reset, which ends its read.
  ~execution() { finish(true); }

  database_state& db;
  connection* conn;
  bool owned;   // taken from the pool for this statement alone
  bool nested;  // beside another statement of its connection (cursor::lend): that one keeps it busy
  std::string_view sql;
  const std::size_t* sql_hash = nullptr;  // its statement_hash, when kept with it (hashed_sql)
  std::span<const value> params;
  std::span<const column_binding> columns;
  bool observing = false;
  std::chrono::steady_clock::time_point start;
  std::unique_ptr<backend::statement> once;  // an uncached statement, or:
  cached_statement* cached = nullptr;        // the connection's cached statement
  backend::statement* st = nullptr;          // the one running
  bool executed = false;
  bool done = false;
  std::chrono::milliseconds timeout{0};         // the statement's timeout, 0: none
  std::chrono::steady_clock::time_point begun;  // read only when it has one
  std::uint64_t rows = 0;
  std::uint64_t affected = 0;
  cache_policy policy = cache_policy::cache;
  result_check check{};  // a SELECT written by hand: its columns, checked before the first row
  bool resent = false;   // this is the statement's second sending
  // The statement begins a round trip of its own (statement_event::new_round_trip). Every path
  // today sends one statement and waits for its answer; a pipelined path that sends several in
  // one request sets this false on all but the first.
  bool new_round_trip = true;
  std::uint64_t watch = 0;  // its socket's watch (socket_watch.hpp), while it is sent and executed

  void report(bool succeeded) {
    if (observing)
      notify(statement_event{sql, params, db.name, std::chrono::steady_clock::now() - start, succeeded, resent,
                             new_round_trip, db.shown_url, db.is_reader});
  }

  // Ends the statement: its bindings point into the caller's memory, and the connection is free.
  // The statement is reset, read to the end or not, and stays cached unless it failed.
  void finish(bool succeeded) noexcept {
    if (done) return;
    done = true;
    end_watch();
    try {
      if (st) st->reset();
      if (once)
        once.reset();
      else if (cached)
        conn->statements.release(*std::exchange(cached, nullptr), !succeeded);
    } catch (...) {
    }
    // A write on a database with readers: this thread's reads stay on it a while (read_your_writes).
    if (succeeded && !db.readers.empty() && !is_select(sql)) note_write(db);
    if (succeeded && conn->tx.depth != 0 && (affected != 0 || rows != 0) && !is_select(sql))
      conn->tx.changed_rows = true;
    try {
      report(succeeded);
    } catch (...) {
    }
    if (!nested) conn->busy = false;
    if (owned) db.release(conn);
  }

  // A statement with a timeout, on a driver that cannot bound its own waits once connected: its
  // socket is shut down at the deadline (until end_watch).
  void start_watch() {
    if (timeout.count() <= 0) return;
    const int socket = conn->backend->watched_socket();
    if (socket >= 0) watch = watch_socket(socket, begun + timeout + conn->backend->watch_grace());
  }
  // The socket was shut down at the deadline: the connection goes when released.
  void end_watch() noexcept {
    if (watch != 0 && unwatch_socket(std::exchange(watch, 0))) conn->broken = true;
  }

  [[noreturn]] void fail() {
    try {
      throw;
    } catch (const backend::driver_error& e) {
      if (e.connection_lost()) conn->broken = true;
      std::string message = e.what();
      std::string code = e.code();
      const error_kind kind =
          e.kind() == error_kind::other && e.connection_lost() ? error_kind::connection_lost : e.kind();
      const bool timed_out = e.timed_out();
      finish(false);
      note_failure_in_transaction(message, kind);
      if (timed_out) throw timeout_error(db.name, std::string(sql), timeout, message);
      throw database_error(db.name, std::string(sql), std::move(message), std::move(code), kind);
    } catch (const backend::read_failure& f) {
      // The statement ran, but a value it returned does not fit its field.
      conversion_error error(db.name, std::string(sql), f.table, f.column, f.found, f.expected);
      finish(false);
      throw error;
    } catch (...) {
      finish(false);
      throw;
    }
  }

  // Called in a catch block, when the statement failed: true when it was sent again, on another
  // connection, because its connection lost its server and all of this holds (docs/reliability.md,
  // "A restarted server"):
  //  - the connection was taken from the pool for this statement alone: not a transaction's (the
  //    server rolled the transaction back; the rest of it must not run in autocommit) nor a stream's;
  //  - nothing of it reached the caller (no row read yet), and it was not sent again already;
  //  - sending it again cannot apply it twice: it is a SELECT (in autocommit it writes nothing), it
  //    failed before it executed (while being prepared), or the driver knows it never reached the
  //    server (MariaDB's "server has gone away": the command could not be written). Any other
  //    statement whose answer was lost may have been committed before the connection went: it
  //    fails, as before.
  // The failed attempt is observed as failed, the second sending as resent. False: the caller fails.
  bool resend_after_lost_connection() {
    if (!owned || resent || done || rows != 0) return false;
    // A statement that ran past its timeout is not sent again, whatever became of its connection
    // (a client's read or write timeout closes it): it fails as a timeout_error.
    bool lost = false;
    // Before it executes, a statement is only prepared (PostgreSQL: a Parse, which changes nothing).
    bool never_sent = !executed;
    try {
      throw;
    } catch (const backend::driver_error& e) {
      lost = e.connection_lost() && !e.timed_out();
      never_sent = never_sent || e.never_sent();
    } catch (...) {
    }
    if (!lost || (!never_sent && !is_select(sql))) return false;
    conn->broken = true;
    try {
      report(false);
    } catch (...) {
    }
    // The statement goes with the connection it was prepared on, which the pool drops.
    end_watch();
    st = nullptr;
    once.reset();
    if (cached) conn->statements.release(*std::exchange(cached, nullptr), true);
    conn->busy = false;
    done = true;  // nothing of this execution is left, should no connection come
    db.release(std::exchange(conn, nullptr));
    const auto next_connection = db.acquire();
    conn = next_connection.first;
    owned = next_connection.second;
    conn->busy = true;
    done = false;
    executed = false;
    resent = true;
    start_statement(policy);
    return true;
  }

  // A statement failed on the connection of an open transaction: when the server holds the
  // transaction no more (or refuses every statement of it until a rollback), the transaction is
  // marked aborted, and its later statements are refused unsent. Called after finish(): the
  // connection stays with its transaction.
  void note_failure_in_transaction(const std::string& message, error_kind kind) noexcept {
    if (owned) return;
    transaction_state& tx = conn->tx;
    if (tx.depth == 0 || tx.aborted != transaction_state::abort::none) return;
    using backend::server_transaction;
    server_transaction status = server_transaction::none;  // a lost connection holds no transaction
    if (!conn->broken) status = conn->backend->transaction_status(true);
    if (status == server_transaction::open || status == server_transaction::unknown) return;
    tx.aborted = status == server_transaction::refused ? transaction_state::abort::refused
                                                       : transaction_state::abort::rolled_back;
    tx.cause_kind = kind;
    try {
      tx.cause = message;
    } catch (...) {
    }
  }

  // After a statement ran in a transaction: when the server holds the transaction no more, the
  // statement ended it (a COMMIT or ROLLBACK the program sent, MariaDB's implicit commit before
  // DDL), and the transaction's later statements are refused. Free: the drivers answer from what
  // the server's last answer said (sqlite3_get_autocommit, PQtransactionStatus, MariaDB's status
  // flags). ar's own COMMIT and ROLLBACK end the transaction state right after.
  void note_statement_in_transaction() noexcept {
    if (owned) return;
    transaction_state& tx = conn->tx;
    if (tx.depth == 0 || tx.aborted != transaction_state::abort::none) return;
    if (conn->backend->transaction_status(false) != backend::server_transaction::none) return;
    tx.aborted = transaction_state::abort::ended;
    tx.cause_kind = error_kind::other;
    try {
      tx.cause = std::string(sql);
    } catch (...) {
    }
  }

  // A statement on a transaction the server ended: refused, unsent and unobserved.
  [[noreturn]] void refuse_in_aborted_transaction() {
    const transaction_state& tx = conn->tx;
    if (tx.aborted == transaction_state::abort::ended) {
      transaction_aborted refused(transaction_aborted::ended_by_statement_t{}, db.name, std::string(sql), tx.cause);
      finish(false);
      throw refused;
    }
    transaction_aborted refused(db.name, std::string(sql), tx.cause, tx.cause_kind,
                                tx.aborted == transaction_state::abort::rolled_back);
    finish(false);
    throw refused;
  }

  void start_statement(cache_policy how) {
    policy = how;
    if (conn->tx.aborted != transaction_state::abort::none) refuse_in_aborted_transaction();
    if (conn->clear_requested.load(std::memory_order_relaxed)) conn->clear_statements();
    observing = observed();
    if (observing) start = std::chrono::steady_clock::now();
    timeout = statement_timeout_for(db);
    try {
      // The connection of this transaction (or stream) lost its server: the server rolled the
      // transaction back, and no statement of it runs anywhere else until its scope ends.
      if (conn->broken)
        throw database_error(db.name, std::string(sql),
                             "the connection of this transaction (or stream) lost its server earlier: the server "
                             "rolled the transaction back, and every statement in it fails until its scope ends");
      if (timeout.count() > 0) begun = std::chrono::steady_clock::now();
      start_watch();
      if (timeout != conn->timeout) apply_timeout(*conn, timeout);
      // A value the database cannot hold exactly, or more parameters than it takes, is refused
      // before it reaches the driver (libpq would cut text at a NUL byte without a word).
      if (std::string why = refused_parameters(db.dialect, params); !why.empty())
        throw database_error(db.name, std::string(sql), std::move(why));
      if (policy == cache_policy::cache) cached = take_cached(db, *conn, sql, sql_hash);
      if (cached) {
        st = &cached->statement();
      } else {
        once = prepare(db, *conn, sql, false);
        st = once.get();
      }
      st->bind(params, columns.size());
    } catch (...) {
      if (!resend_after_lost_connection()) fail();
    }
  }

  // The next row into the columns: false after the last (or, without columns, once it has run).
  bool next() {
    if (done) return false;
    try {
      const bool first = !executed;
      executed = true;
      const bool got = st->step();
      if (first) {
        note_statement_in_transaction();
        // Executed: what is left to read is the client's (a driver whose socket is watched has
        // the whole result), and the caller may take its time reading it.
        end_watch();
        if (check.call) {
          std::vector<std::string> names(st->result_column_count());
          for (std::size_t i = 0; i < names.size(); ++i) names[i] = st->result_column_name(i);
          check.call(check.context, names);
        }
      }
      if (got && !columns.empty()) {
        st->read(columns);
        ++rows;
        return true;
      }
      // Without columns, a row is one nobody reads (PRAGMA ..., SELECT through execute): the
      // reset in finish ends it.
      if (columns.empty()) affected = st->affected_rows();
    } catch (...) {
      if (!resend_after_lost_connection()) fail();
      return next();  // sent again, on another connection
    }
    finish(true);
    return false;
  }
};

}  // namespace

struct cursor::impl : execution {
  using execution::execution;
};

cursor::cursor(database_state& db, std::string_view sql, std::span<const value> params,
               std::span<const column_binding> columns, cache_policy policy, result_check check) {
  const auto conn = connection_for(db);
  try {
    impl_ = std::make_unique<impl>(db, conn, sql, params, columns);
  } catch (...) {
    if (conn.second) db.release(conn.first);
    throw;
  }
  impl_->check = check;
  impl_->start_statement(policy);
}

cursor::cursor(connection_pin& pin, std::string_view sql, std::span<const value> params,
               std::span<const column_binding> columns, cache_policy policy, result_check check) {
  connection& conn = pinned_connection(pin);
  impl_ = std::make_unique<impl>(pin.db(), std::pair{&conn, false}, sql, params, columns);
  impl_->check = check;
  impl_->start_statement(policy);
}

cursor::~cursor() = default;

bool cursor::next() { return impl_->next(); }

std::uint64_t cursor::rows_fetched() const noexcept { return impl_->rows; }
std::uint64_t cursor::rows_affected() const noexcept { return impl_->affected; }

void cursor::lend(void (*fn)(void* context), void* context) {
  database_state& db = impl_->db;
  connection* c = impl_->conn;
  lend_connection(db, c);
  struct end {
    database_state& db;
    connection* c;
    ~end() { end_lend_connection(db, c); }
  } ending{db, c};
  fn(context);
}

namespace {

run_result run_to_end(execution& e, row_callback on_row, cache_policy policy) {
  e.start_statement(policy);
  while (e.next())
    if (on_row.call) on_row.call(on_row.context);
  return {e.rows, e.affected};
}

}  // namespace

run_result run(database_state& db, std::string_view sql, std::span<const value> params,
               std::span<const column_binding> columns, row_callback on_row, cache_policy policy) {
  execution e(db, connection_for(db), sql, params, columns);
  return run_to_end(e, on_row, policy);
}

run_result run_hashed(database_state& db, std::string_view sql, const std::size_t* hash, std::span<const value> params,
                      std::span<const column_binding> columns, row_callback on_row) {
  execution e(db, connection_for(db), sql, params, columns);
  e.sql_hash = hash;
  return run_to_end(e, on_row, cache_policy::cache);
}

run_result run_one_row(database_state& db, const hashed_sql& sql, std::span<const value> params,
                       std::span<const column_binding> columns) {
  execution e(db, connection_for(db), sql.text, params, columns);
  e.sql_hash = &sql.hash;
  e.start_statement(cache_policy::cache);
  // After its row, the statement ends here (finish resets it, which ends its read on every
  // driver, as for a cursor left early) rather than in a step that would find no second row.
  if (e.next()) e.finish(true);
  return {e.rows, e.affected};
}

run_result run_checked(database_state& db, std::string_view sql, std::span<const value> params,
                       std::span<const column_binding> columns, result_check check, row_callback on_row) {
  execution e(db, connection_for(db), sql, params, columns);
  e.check = check;
  return run_to_end(e, on_row, cache_policy::cache);
}

run_result run(connection_pin& pin, std::string_view sql, std::span<const value> params,
               std::span<const column_binding> columns, row_callback on_row, cache_policy policy) {
  execution e(pin.db(), {&pinned_connection(pin), false}, sql, params, columns);
  return run_to_end(e, on_row, policy);
}

run_result run_checked(connection_pin& pin, std::string_view sql, std::span<const value> params,
                       std::span<const column_binding> columns, result_check check, row_callback on_row,
                       cache_policy policy) {
  execution e(pin.db(), {&pinned_connection(pin), false}, sql, params, columns);
  e.check = check;
  return run_to_end(e, on_row, policy);
}

}  // namespace detail

statement_timeout_scope::statement_timeout_scope(const database& db, std::chrono::milliseconds timeout)
    : db_(&detail::state_of(db)) {
  if (timeout.count() < 0)
    throw configuration_error("ar::statement_timeout_scope: a timeout cannot be negative (0: no limit)");
  detail::timeout_overrides.emplace_back(db_, timeout);
}

void detail::query_timeout_scope::push(std::int64_t timeout_ms) {
  detail::timeout_overrides.emplace_back(nullptr, std::chrono::milliseconds(timeout_ms));
  pushed_ = true;
}

void detail::query_timeout_scope::pop() noexcept {
  auto& overrides = detail::timeout_overrides;
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it)
    if (it->first == nullptr) {
      overrides.erase(std::next(it).base());
      return;
    }
}

statement_timeout_scope::~statement_timeout_scope() {
  auto& overrides = detail::timeout_overrides;
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it)
    if (it->first == db_) {
      overrides.erase(std::next(it).base());
      return;
    }
}
}  // namespace ar
