#include "connection_string.hpp"
#include "database_state.hpp"
#include "socket_watch.hpp"

#include <ar/database.hpp>
#include <ar/detail/execute.hpp>
#include <ar/error.hpp>
#include <ar/observe.hpp>

#include <algorithm>
#include <exception>
#include <iterator>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <chrono>
#include <thread>
#include <string>
#include <utility>
#include <vector>

namespace ar {

namespace detail {

database_state::database_state(std::string n, std::string u, const ar::dialect& d, std::size_t size,
                               std::chrono::milliseconds w, std::vector<std::string> setup,
                               std::size_t cache_size)
    : name(std::move(n)),
      url(std::move(u)),
      dialect(d),
      pool_size(size == 0 ? std::max<std::size_t>(1, d.default_pool_size()) : size),
      wait(w),
      on_connect(std::move(setup)),
      statement_cache_size(cache_size),
      driver_connection(dialect.driver_connection_string(std::string_view(url).substr(url.find("://") + 3), url)),
      secrets(dialect.connection_secrets(std::string_view(url).substr(url.find("://") + 3))),
      shown_url(mask_secrets(mask_spans(url, find_secrets(url)), secrets)) {}

database_state::~database_state() { close(); }

namespace {

// What the calling thread holds: the connection of each database it has a transaction open on,
// and how many connections of each database it holds at all (to refuse waiting for itself).
struct thread_holdings {
  std::vector<std::pair<const database_state*, connection*>> transactions;
  std::vector<std::pair<const database_state*, connection*>> pinned;
  std::vector<std::pair<const database_state*, std::size_t>> held;

  std::size_t holds(const database_state* db) const noexcept {
    for (const auto& [d, n] : held)
      if (d == db) return n;
    return 0;
  }
  std::size_t& held_of(const database_state* db) {
    for (auto& [d, n] : held)
      if (d == db) return n;
    return held.emplace_back(db, 0).second;
  }
  void drop_held(const database_state* db) noexcept {
    for (auto it = held.begin(); it != held.end(); ++it)
      if (it->first == db) {
        if (it->second > 0 && --it->second == 0) held.erase(it);
        return;
      }
  }
};

thread_local thread_holdings this_thread_holds;

// The calling thread's ar::statement_timeout_scope overrides, innermost last.
thread_local std::vector<std::pair<const database_state*, std::chrono::milliseconds>> timeout_overrides;

}  // namespace

connection* transaction_connection(const database_state& db) noexcept {
  for (const auto& [d, c] : this_thread_holds.transactions)
    if (d == &db) return c;
  return nullptr;
}

void begin_thread_transaction(const database_state& db, connection* c) {
  this_thread_holds.transactions.emplace_back(&db, c);
}

void end_thread_transaction(const database_state& db) noexcept {
  std::erase_if(this_thread_holds.transactions, [&](const auto& t) { return t.first == &db; });
}

std::pair<connection*, bool> database_state::acquire() {
  std::unique_lock lock(pool_mutex_);
  std::optional<std::chrono::steady_clock::time_point> deadline;  // read the clock only when waiting
  for (;;) {
    if (closed()) throw configuration_error("ar: database '" + name + "' is closed");
    if (!idle_.empty()) {
      std::unique_ptr<connection> c = std::move(idle_.back());
      idle_.pop_back();
      // Checked outside the lock: it is out of the idle list, so no other thread takes it.
      lock.unlock();
      if (c->alive()) {
        ++this_thread_holds.held_of(this);
        return {c.release(), true};
      }
      // Its server went away while it was idle (a restart, an idle timeout): dropped before a
      // statement fails on it. The next idle one is checked in turn, or a new one opened.
      lock.lock();
      std::erase(all_, c.get());
      lock.unlock();
      released_.notify_one();
      c.reset();
      lock.lock();
      continue;
    }
    if (all_.size() + connecting_ < pool_size) {
      ++connecting_;
      lock.unlock();
      std::unique_ptr<connection> fresh;
      try {
        fresh = connect();
      } catch (...) {
        lock.lock();
        --connecting_;
        released_.notify_one();
        throw;
      }
      lock.lock();
      --connecting_;
      if (closed()) throw configuration_error("ar: database '" + name + "' is closed");
      all_.push_back(fresh.get());
      ++this_thread_holds.held_of(this);
      return {fresh.release(), true};
    }
    if (this_thread_holds.holds(this) > 0) {
      for (const auto& [d, c] : this_thread_holds.pinned)
        if (d == this && !c->busy) return {c, false};
      throw error("ar: database '" + name + "' has no free connection (its pool holds " + std::to_string(pool_size) +
                  ") and this thread already holds one: a stream is still reading. Finish or destroy the stream "
                  "before running another statement on that database, or open it with a larger pool_size");
    }
    if (!deadline) deadline = std::chrono::steady_clock::now() + wait;
    if (released_.wait_until(lock, *deadline) == std::cv_status::timeout && idle_.empty() &&
        all_.size() + connecting_ >= pool_size)
      throw connection_error("ar: no connection of database '" + name + "' became free within " +
                             std::to_string(wait.count()) + " ms (all " + std::to_string(pool_size) +
                             " are in use); open it with a larger pool_size or a longer wait");
  }
}

void database_state::release(connection* c) noexcept {
  this_thread_holds.drop_held(this);
  std::unique_ptr<connection> owned(c);
  {
    std::lock_guard lock(pool_mutex_);
    if (!closed() && !c->broken) {
      if (c->clear_requested.load(std::memory_order_relaxed)) c->clear_statements();
      c->went_idle();
      idle_.push_back(std::move(owned));
    } else {
      std::erase(all_, c);
    }
  }
  released_.notify_one();
  // A dropped connection closes here, outside the lock.
}

void database_state::pin(connection* c) noexcept {
  std::lock_guard lock(pool_mutex_);
  ++c->pins;
}

void database_state::unpin(connection* c) noexcept {
  {
    std::lock_guard lock(pool_mutex_);
    if (--c->pins != 0) return;
  }
  release(c);
}

void database_state::close() noexcept {
  std::vector<std::unique_ptr<connection>> dropped;
  {
    std::lock_guard lock(pool_mutex_);
    closed_.store(true, std::memory_order_release);
    dropped.swap(idle_);
    for (const auto& c : dropped) std::erase(all_, c.get());
  }
  released_.notify_all();
}

std::size_t database_state::open_connections() const {
  std::lock_guard lock(pool_mutex_);
  return all_.size();
}

std::size_t database_state::cached_statements() const {
  std::lock_guard lock(pool_mutex_);
  std::size_t n = 0;
  for (const connection* c : all_) n += c->statements.count();
  return n;
}

void database_state::clear_statement_cache() {
  std::lock_guard lock(pool_mutex_);
  for (auto& c : idle_) c->clear_statements();
  // Connections in use are cleared by their holder, at its next statement or when released.
  connection* own = transaction_connection(*this);
  for (connection* c : all_) {
    if (c == own && !c->busy)
      c->clear_statements();
    else if (c->statements.count() != 0)
      c->clear_requested.store(true, std::memory_order_relaxed);
  }
}

namespace {

struct registry {
  std::mutex mutex;
  std::vector<std::shared_ptr<database_state>> open;  // in the order they were opened
  std::unordered_map<const table_meta*, std::string> bindings;
};

registry& the_registry() {
  static registry r;
  return r;
}

// The database named "default" if one is open, else the first opened. Caller holds the lock.
std::shared_ptr<database_state> default_state(registry& r) {
  for (const auto& s : r.open)
    if (s->name == "default") return s;
  return r.open.empty() ? nullptr : r.open.front();
}

// A URL with its secrets masked, for messages about a URL that opened no database.
std::string redact(std::string_view url) { return mask_spans(url, find_secrets(url)); }

// The slot a parameter needs; a NULL fits whatever the slot already is.
slot_kind kind_of(const value& v, slot_kind current) noexcept {
  switch (v.index()) {
    case 1:
    case 2: return slot_kind::integer;
    case 3: return slot_kind::real;
    case 4: return slot_kind::flag;
    case 5:
    case 6: return slot_kind::text;
    default: return current;
  }
}

void exchange_slot(soci::statement& st, slot_kind kind, staged_value& s, bool into) {
  switch (kind) {
    case slot_kind::integer:
      into ? st.exchange(soci::into(s.integer, s.indicator)) : st.exchange(soci::use(s.integer, s.indicator));
      return;
    case slot_kind::real:
      into ? st.exchange(soci::into(s.real, s.indicator)) : st.exchange(soci::use(s.real, s.indicator));
      return;
    case slot_kind::flag:
      into ? st.exchange(soci::into(s.flag, s.indicator)) : st.exchange(soci::use(s.flag, s.indicator));
      return;
    case slot_kind::text:
      into ? st.exchange(soci::into(s.text, s.indicator)) : st.exchange(soci::use(s.text, s.indicator));
      return;
  }
}

// Binds the statement's slots for these parameters and columns, unless it is bound already with
// slots of the same kinds.
void bind_slots(prepared_statement& p, std::span<const value> params, std::span<const column_binding> columns) {
  bool same = p.bound && p.param_kinds.size() == params.size() && p.column_kinds.size() == columns.size();
  for (std::size_t i = 0; same && i < params.size(); ++i) same = p.param_kinds[i] == kind_of(params[i], p.param_kinds[i]);
  if (same) return;
  soci::statement& st = *p.statement;
  if (p.bound) st.bind_clean_up();
  p.bound = false;
  p.column_kinds.resize(columns.size());
  p.param_kinds.resize(params.size());
  p.columns.assign(columns.size(), staged_value{});
  p.params.assign(params.size(), staged_value{});
  // Every result column is read as text and parsed here, strictly (finish_row): SOCI's own
  // conversions would read 2 into a bool as true, and MariaDB sends every value as text anyway.
  for (std::size_t i = 0; i < columns.size(); ++i) {
    p.column_kinds[i] = slot_kind::text;
    exchange_slot(st, p.column_kinds[i], p.columns[i], true);
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    p.param_kinds[i] = kind_of(params[i], slot_kind::integer);
    exchange_slot(st, p.param_kinds[i], p.params[i], false);
  }
  st.define_and_bind();
  p.bound = true;
}

void stage_params(prepared_statement& p, std::span<const value> params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    staged_value& s = p.params[i];
    const value& v = params[i];
    s.indicator = soci::i_ok;
    switch (v.index()) {
      case 0: s.indicator = soci::i_null; break;
      case 1: s.integer = std::get<std::int32_t>(v); break;
      case 2: s.integer = std::get<std::int64_t>(v); break;
      case 3: s.real = std::get<double>(v); break;
      case 4: s.flag = std::get<bool>(v) ? 1 : 0; break;
      case 5: s.text = std::get<std::string>(v); break;
      case 6: s.text = format_time(std::get<time_point>(v)); break;
    }
  }
}

// Moves the staged values of the row just fetched into the fields (the SOCI path; a native
// statement writes the fields itself): each value's text, parsed by the kind its result column
// holds, with the rules of src/native.hpp.
void finish_row(prepared_statement& p, std::span<const column_binding> columns) {
  std::size_t i = 0;
  try {
    for (; i < columns.size(); ++i) {
      const column_binding& c = columns[i];
      staged_value& s = p.columns[i];
      if (s.indicator == soci::i_null)
        store_null(c, i);
      else
        store_spelled(c, p.result_reader ? p.result_reader->source(*p.statement, i) : value_source::unknown, s.text, i);
    }
  } catch (read_failure& f) {
    if (p.result_reader)
      p.result_reader->origin(*p.statement, f.index, f.table, f.column);
    else
      f.column = "#" + std::to_string(f.index + 1);
    throw;
  }
}

// Prepares a statement on the connection: natively when the connection has a native side.
// `cached`: it goes to the connection's statement cache and runs again and again.
std::unique_ptr<prepared_statement> prepare(database_state& db, connection& c, std::string_view sql, bool cached) {
  db.statements_prepared.fetch_add(1, std::memory_order_relaxed);
  auto p = std::make_unique<prepared_statement>();
  if (c.native) {
    p->native = c.native->prepare(sql, cached);
    return p;
  }
  p->result_reader = find_soci_result_reader(db.dialect.soci_backend());
  p->statement = std::make_unique<soci::statement>(*c.session);
  p->statement->alloc();
  p->statement->prepare(std::string(sql), cached ? soci::details::st_repeatable_query : soci::details::st_one_time_query);
  return p;
}

using cached_statement = statement_cache<prepared_statement>::entry;

// The connection's cached statement for `sql`, taken for one execution: the one cached if it is
// free, else a new one, which makes room for itself by dropping the least recently used statements
// not in use. nullptr when it cannot be cached (a statement cache of size 0, every cached statement
// in use, or the cached one in use by an execution still running): it then runs uncached.
cached_statement* take_cached(database_state& db, connection& c, std::string_view sql) {
  auto& cache = c.statements;
  if (cached_statement* e = cache.find(sql)) {
    if (e->in_use()) return nullptr;
    cache.acquire(*e);
    return e;
  }
  if (!cache.make_room()) return nullptr;
  return &cache.insert(sql, prepare(db, c, sql, true));
}

// A SELECT (leading blanks and parentheses aside): ar's reads, or a program's through execute.
bool is_select(std::string_view sql) noexcept {
  std::size_t i = 0;
  while (i < sql.size() && (sql[i] == ' ' || sql[i] == '\n' || sql[i] == '\t' || sql[i] == '\r' || sql[i] == '('))
    ++i;
  constexpr std::string_view word = "select";
  if (sql.size() - i < word.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k)
    if ((sql[i + k] | 0x20) != word[k]) return false;
  if (i + word.size() == sql.size()) return true;
  const char after = sql[i + word.size()];
  return !((after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') || (after >= '0' && after <= '9') ||
           after == '_');
}

[[noreturn]] void throw_stream_open(const database_state& db) {
  throw error("ar: database '" + db.name +
              "' is still reading a stream on this connection; finish or destroy the stream before running "
              "another statement on that database from this thread");
}

// The calling thread's transaction connection on `db`, else one from the pool (owned: true).
std::pair<connection*, bool> connection_for(database_state& db) {
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

// The timeout of the calling thread's next statement on `db`: its innermost scope's, else the
// database's.
std::chrono::milliseconds statement_timeout_for(const database_state& db) noexcept {
  for (auto it = timeout_overrides.rbegin(); it != timeout_overrides.rend(); ++it)
    if (it->first == &db) return it->second;
  return db.statement_timeout;
}

// Gives the connection's session the statement timeout its next statements run under.
void apply_timeout(const database_state& db, connection& c, std::chrono::milliseconds timeout) {
  if (c.native)
    c.native->set_statement_timeout(timeout);
  else if (db.timeouts)
    db.timeouts->set_statement_timeout(*c.session, timeout);
  c.timeout = timeout;
}

// One execution of a statement, from taking its connection to giving it back. A cursor keeps one
// on the heap (it outlives the call that made it); run() keeps it on its stack, so that running a
// cached statement allocates nothing of its own.
struct execution {
  execution(database_state& d, std::pair<connection*, bool> c, std::string_view s, std::span<const value> p,
       std::span<const column_binding> cols) noexcept
      : db(d), conn(c.first), owned(c.second), sql(s), params(p), columns(cols) {
    conn->busy = true;
  }
  execution(const execution&) = delete;
  execution& operator=(const execution&) = delete;
  // An execution left before its last row: a native statement is reset, which ends its read; a
  // SOCI statement, which cannot be, is dropped rather than kept half-read.
  ~execution() { finish(true, executed && !columns.empty()); }

  database_state& db;
  connection* conn;
  bool owned;  // taken from the pool for this statement alone
  std::string_view sql;
  std::span<const value> params;
  std::span<const column_binding> columns;
  bool observing = false;
  std::chrono::steady_clock::time_point start;
  std::unique_ptr<prepared_statement> once;  // an uncached statement, or:
  cached_statement* cached = nullptr;         // the connection's cached statement
  prepared_statement* ps = nullptr;
  native_statement* native = nullptr;  // the native path, or:
  soci::statement* st = nullptr;       // the SOCI path
  bool executed = false;
  bool done = false;
  std::chrono::milliseconds timeout{0};         // the statement's timeout, 0: none
  std::chrono::steady_clock::time_point begun;  // read only when it has one
  std::uint64_t rows = 0;
  std::uint64_t affected = 0;
  cache_policy policy = cache_policy::cache;
  bool resent = false;        // this is the statement's second sending
  std::uint64_t watch = 0;    // its socket's watch (socket_watch.hpp), while it is sent and executed
  bool lost_checked = false;  // a SOCI failure's connection was checked already

  void report(bool succeeded) {
    if (observing)
      notify(statement_event{sql, params, db.name, std::chrono::steady_clock::now() - start, succeeded, resent});
  }

  // Ends the statement: its bindings point into the caller's memory, and the connection is free.
  // `unfinished`: it failed or was not read to the end. A native statement is reset either way and
  // stays cached unless it failed; a SOCI statement that is unfinished is dropped.
  void finish(bool succeeded, bool unfinished) noexcept {
    if (done) return;
    done = true;
    end_watch();
    try {
      if (native) native->reset();
      const bool drop = native ? !succeeded : unfinished;
      if (once)
        once.reset();
      else if (cached)
        conn->statements.release(*std::exchange(cached, nullptr), drop);
    } catch (...) {
    }
    try {
      report(succeeded);
    } catch (...) {
    }
    conn->busy = false;
    if (owned) db.release(conn);
  }

  // A statement with a timeout, on a driver that cannot bound its own waits once connected: its
  // socket is shut down at the deadline (until end_watch).
  void start_watch() {
    if (timeout.count() <= 0 || conn->native || !db.timeouts) return;
    const int socket = db.timeouts->watched_socket(*conn->session);
    if (socket >= 0) watch = watch_socket(socket, begun + timeout + db.timeouts->watch_grace());
  }
  // The socket was shut down at the deadline: the connection goes when released.
  void end_watch() noexcept {
    if (unwatch_socket(std::exchange(watch, 0))) conn->broken = true;
  }

  // What a SOCI error says about time (the backend's timeout driver reads the error's own code, not
  // the connection's last one, which a ping since may have replaced).
  timeout_driver::verdict time_verdict(const soci::soci_error& e) const {
    return db.timeouts ? db.timeouts->classify(*conn->session, e) : timeout_driver::verdict::other;
  }
  // The server stopped the statement at its limit, or the connection was lost once the statement's
  // timeout had passed (the client's read timeout closes it).
  bool ran_past_timeout(const soci::soci_error& e) const {
    const auto v = time_verdict(e);
    return v == timeout_driver::verdict::server_timeout ||
           (v == timeout_driver::verdict::connection_lost && timeout.count() > 0 &&
            std::chrono::steady_clock::now() - begun >= timeout);
  }

  [[noreturn]] void fail() {
    try {
      throw;
    } catch (const native_error& e) {
      if (e.connection_lost()) conn->broken = true;
      std::string message = e.what();
      failure_class what{e.code(), e.kind()};
      const bool timed_out = e.timed_out();
      finish(false, true);
      note_failure_in_transaction(message, what.kind);
      if (timed_out) throw timeout_error(db.name, std::string(sql), timeout, std::move(message));
      throw database_error(db.name, std::string(sql), std::move(message), std::move(what.code), what.kind);
    } catch (const read_failure& f) {
      // The statement ran, but a value it returned does not fit its field.
      conversion_error error(db.name, std::string(sql), f.table, f.column, f.found, f.expected);
      finish(false, true);
      throw error;
    } catch (const soci::soci_error& e) {
      using verdict = timeout_driver::verdict;
      const verdict v = time_verdict(e);
      const bool timed_out = ran_past_timeout(e);
      // A connection that lost its server is dropped when released; the next statement opens a new one.
      // (Asked only when the resend check has not: SOCI's is_connected pings the server.)
      if (v == verdict::connection_lost ||
          (v != verdict::server_timeout && !lost_checked && !conn->session->is_connected()))
        conn->broken = true;
      std::string message = e.get_error_message();
      failure_class what;
      if (conn->driver) what = conn->driver->classify(*conn->session, e);
      finish(false, true);
      note_failure_in_transaction(message, what.kind);
      if (timed_out) throw timeout_error(db.name, std::string(sql), timeout, std::move(message));
      throw database_error(db.name, std::string(sql), std::move(message), std::move(what.code), what.kind);
    } catch (...) {
      finish(false, true);
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
    // Asked first: SOCI's is_connected pings the server, which replaces the driver's last error.
    // Before it executes, a statement is only prepared (PostgreSQL: a Parse, which changes nothing).
    const bool never_sent = !executed || (conn->checks && conn->checks->never_sent &&
                                          conn->checks->never_sent(*conn->session));
    if (!never_sent && !is_select(sql)) return false;
    // A statement that ran past its timeout is not sent again, whatever became of its connection
    // (a client's read or write timeout closes it): it fails as a timeout_error.
    bool lost = false;
    try {
      throw;
    } catch (const native_error& e) {
      lost = e.connection_lost() && !e.timed_out();
    } catch (const soci::soci_error& e) {
      if (ran_past_timeout(e)) return false;
      lost = !conn->session->is_connected();
      lost_checked = true;
    } catch (...) {
    }
    if (!lost) return false;
    conn->broken = true;
    try {
      report(false);
    } catch (...) {
    }
    // The statement goes with the connection it was prepared on, which the pool drops.
    end_watch();
    native = nullptr;
    st = nullptr;
    ps = nullptr;
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
    lost_checked = false;
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
    server_transaction status = server_transaction::none;  // a lost connection holds no transaction
    if (!conn->broken)
      status = conn->driver ? conn->driver->transaction_status(*conn->session, true) : server_transaction::unknown;
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
    if (owned || !conn->driver) return;
    transaction_state& tx = conn->tx;
    if (tx.depth == 0 || tx.aborted != transaction_state::abort::none) return;
    if (conn->driver->transaction_status(*conn->session, false) != server_transaction::none) return;
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
      finish(false, true);
      throw refused;
    }
    transaction_aborted refused(db.name, std::string(sql), tx.cause, tx.cause_kind,
                                tx.aborted == transaction_state::abort::rolled_back);
    finish(false, true);
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
      if (timeout != conn->timeout) apply_timeout(db, *conn, timeout);
      // A value the database cannot hold exactly, or more parameters than it takes, is refused
      // before it reaches the driver (libpq would cut text at a NUL byte without a word).
      if (std::string why = refused_parameters(db.dialect, params); !why.empty())
        throw database_error(db.name, std::string(sql), std::move(why));
      if (policy == cache_policy::cache) cached = take_cached(db, *conn, sql);
      if (cached) {
        ps = &cached->statement();
      } else {
        once = prepare(db, *conn, sql, false);
        ps = once.get();
      }
      if (ps->native) {
        native = ps->native.get();
        native->bind(params);
      } else {
        st = ps->statement.get();
        bind_slots(*ps, params, columns);
        stage_params(*ps, params);
      }
    } catch (...) {
      if (!resend_after_lost_connection()) fail();
    }
  }

  // The next row into the columns: false after the last (or, without columns, once it has run).
  bool next() {
    if (done) return false;
    try {
      if (native) {
        const bool first = !executed;
        executed = true;
        const bool got = native->step();
        if (first) note_statement_in_transaction();
        if (got && !columns.empty()) {
          native->read(columns);
          ++rows;
          return true;
        }
        // Without columns, a row is one nobody reads (PRAGMA ..., SELECT through execute): the
        // reset in finish ends it.
        if (columns.empty()) affected = native->affected_rows();
        finish(true, false);
        return false;
      }
      bool got = false;
      if (!executed) {
        executed = true;
        got = st->execute(true);
        note_statement_in_transaction();
        // Executed: the rows are the client's (MariaDB's client stores the whole result), and the
        // caller may take its time reading them.
        end_watch();
      } else {
        got = st->fetch();
      }
      if (got && !columns.empty()) {
        finish_row(*ps, columns);
        ++rows;
        return true;
      }
      if (columns.empty()) {
        affected = static_cast<std::uint64_t>(st->get_affected_rows());
        // A statement that returned rows nobody reads (PRAGMA ..., SELECT through execute) is still
        // open on SQLite and would keep its transaction: drop it rather than leave it half-read.
        if (got) {
          finish(true, true);
          return false;
        }
      }
    } catch (...) {
      if (!resend_after_lost_connection()) fail();
      return next();  // sent again, on another connection
    }
    finish(true, false);
    return false;
  }
};

}  // namespace

struct cursor::impl : execution {
  using execution::execution;
};

cursor::cursor(database_state& db, std::string_view sql, std::span<const value> params,
               std::span<const column_binding> columns, cache_policy policy) {
  const auto conn = connection_for(db);
  try {
    impl_ = std::make_unique<impl>(db, conn, sql, params, columns);
  } catch (...) {
    if (conn.second) db.release(conn.first);
    throw;
  }
  impl_->start_statement(policy);
}

cursor::cursor(connection_pin& pin, std::string_view sql, std::span<const value> params,
               std::span<const column_binding> columns, cache_policy policy) {
  connection& conn = pinned_connection(pin);
  impl_ = std::make_unique<impl>(pin.db(), std::pair{&conn, false}, sql, params, columns);
  impl_->start_statement(policy);
}

cursor::~cursor() = default;

bool cursor::next() { return impl_->next(); }

std::uint64_t cursor::rows_fetched() const noexcept { return impl_->rows; }
std::uint64_t cursor::rows_affected() const noexcept { return impl_->affected; }

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

run_result run(connection_pin& pin, std::string_view sql, std::span<const value> params,
               std::span<const column_binding> columns, row_callback on_row, cache_policy policy) {
  execution e(pin.db(), {&pinned_connection(pin), false}, sql, params, columns);
  return run_to_end(e, on_row, policy);
}

connection_pin::connection_pin(database_state& db) : db_(&db), conn_(transaction_connection(db)) {
  if (conn_) {
    if (db.closed()) throw configuration_error("ar: database '" + db.name + "' is closed");
  } else {
    conn_ = db.acquire().first;
    this_thread_holds.pinned.emplace_back(&db, conn_);
  }
  db.pin(conn_);
}

connection_pin::~connection_pin() {
  auto& pinned = this_thread_holds.pinned;
  for (auto it = pinned.begin(); it != pinned.end(); ++it)
    if (it->first == db_ && it->second == conn_) {
      pinned.erase(it);
      break;
    }
  db_->unpin(conn_);
}

namespace {

// Whether a SOCI connection string names `key` (key=value, spaces allowed around the =).
bool names_key(std::string_view connect_string, std::string_view key) {
  for (std::size_t at = connect_string.find(key); at != std::string_view::npos; at = connect_string.find(key, at + 1)) {
    if (at != 0 && connect_string[at - 1] != ' ' && connect_string[at - 1] != '\t') continue;
    std::size_t i = at + key.size();
    while (i < connect_string.size() && (connect_string[i] == ' ' || connect_string[i] == '\t')) ++i;
    if (i < connect_string.size() && connect_string[i] == '=') return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<connection> database_state::connect() {
  auto c = std::make_unique<connection>(statement_cache_size);
  std::string connect_string = driver_connection;
  // The backend's timeouts, unless the URL sets them itself (or is a URI, which takes no key=value).
  if (timeouts && connect_string.find("://") == std::string::npos)
    for (const auto& [key, value] : timeouts->connect_parameters(connect_timeout, statement_timeout))
      if (!names_key(connect_string, key)) connect_string += " " + key + "=" + value;
  const auto connecting = std::chrono::steady_clock::now();
  try {
    c->session = std::make_unique<soci::session>(std::string(dialect.soci_backend()), connect_string);
  } catch (const soci::soci_error& e) {
    // The driver's message may quote the connection string (libpq does, on a string it cannot parse).
    std::string why = mask_secrets(e.get_error_message(), secrets);
    if (connect_timeout.count() > 0 && std::chrono::steady_clock::now() - connecting >= connect_timeout)
      why += " (no connection within open_options::connect_timeout, " + std::to_string(connect_timeout.count()) + " ms)";
    throw connection_error("ar::open: cannot connect to " + shown_url + ": " + why);
  }
  auto setup = dialect.session_setup();
  setup.insert(setup.end(), on_connect.begin(), on_connect.end());
  for (const std::string& sql : setup) {
    try {
      soci::statement st(*c->session);
      st.alloc();
      st.prepare(sql, soci::details::st_one_time_query);
      st.define_and_bind();
      st.execute(true);
    } catch (const soci::soci_error& e) {
      // A connection its setup refuses (a server too old for the dialect, a bad on_connect
      // statement) is no connection at all.
      throw connection_error("ar: database '" + name + "': a new connection's setup statement failed: " +
                             mask_secrets(e.get_error_message(), secrets) + "\n  SQL: " + sql);
    }
  }
  // Every later statement goes through the backend's own API when it has one (src/native.hpp).
  if (const native_driver* driver = find_native_driver(dialect.soci_backend())) {
    c->driver = driver;
    c->native = driver->attach(*c->session);
  }
  c->checks = find_session_checks(dialect.soci_backend());
  if (statement_timeout.count() > 0) {
    try {
      apply_timeout(*this, *c, statement_timeout);
    } catch (const std::exception& e) {
      throw connection_error("ar: database '" + name + "': a new connection refused its statement timeout: " + e.what());
    }
  }
  return c;
}

void bind_model(const table_meta* model, std::string_view database_name) {
  auto& r = the_registry();
  std::lock_guard lock(r.mutex);
  r.bindings[model] = std::string(database_name);
}

database database_for(const table_meta* model) {
  std::string name;
  {
    auto& r = the_registry();
    std::lock_guard lock(r.mutex);
    auto it = r.bindings.find(model);
    if (it == r.bindings.end()) {
      auto state = default_state(r);
      if (!state)
        throw configuration_error("ar: no database is open for table '" + std::string(model->table) +
                                  "'; call ar::open(url) first");
      return database(std::move(state));
    }
    name = it->second;
  }
  return get_database(name);
}

}  // namespace detail

const std::string& database::name() const { return state().name; }
const std::string& database::url() const { return state().shown_url; }
const ar::dialect& database::dialect() const { return state().dialect; }
bool database::is_open() const noexcept { return state_ && !state_->closed(); }

detail::database_state& database::state() const {
  if (!state_) throw configuration_error("ar: this ar::database handle refers to no database");
  return *state_;
}

std::uint64_t database::execute(std::string_view sql, std::initializer_list<value> params) const {
  return detail::run(state(), sql, std::span<const value>(params.begin(), params.size())).rows_affected;
}

std::size_t database::cached_statements() const { return state().cached_statements(); }
void database::clear_statement_cache() const { state().clear_statement_cache(); }
std::size_t database::statement_cache_size() const { return state().statement_cache_size; }
std::uint64_t database::statements_prepared() const {
  return state().statements_prepared.load(std::memory_order_relaxed);
}
std::size_t database::pool_size() const { return state().pool_size; }
std::size_t database::open_connections() const { return state().open_connections(); }
bool database::in_transaction() const { return detail::transaction_connection(state()) != nullptr; }

void database::close() {
  if (!state_) return;
  {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.mutex);
    std::erase(r.open, state_);
  }
  state_->close();
}

statement_timeout_scope::statement_timeout_scope(const database& db, std::chrono::milliseconds timeout)
    : db_(&detail::state_of(db)) {
  if (timeout.count() < 0)
    throw configuration_error("ar::statement_timeout_scope: a timeout cannot be negative (0: no limit)");
  detail::timeout_overrides.emplace_back(db_, timeout);
}

statement_timeout_scope::~statement_timeout_scope() {
  auto& overrides = detail::timeout_overrides;
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it)
    if (it->first == db_) {
      overrides.erase(std::next(it).base());
      return;
    }
}

database open(std::string_view url, std::string_view name, const open_options& options) {
  // Drivers take C strings: a NUL would cut the URL there and open something else.
  if (const auto nul = url.find('\0'); nul != std::string_view::npos)
    throw configuration_error("ar::open: the URL '" + detail::redact(url.substr(0, nul)) +
                              "...' has a NUL byte at offset " + std::to_string(nul) +
                              "; a connection string cannot contain one");
  const auto sep = url.find("://");
  if (sep == std::string_view::npos)
    throw configuration_error("ar::open: '" + detail::redact(url) +
                              "' names no backend; write it as <backend>://<connection string>, e.g. "
                              "sqlite3://db=:memory:");
  const std::string_view scheme = url.substr(0, sep);
  const dialect* d = find_dialect(scheme);
  if (!d) throw configuration_error("ar::open: no backend is registered for '" + std::string(scheme) + "://'");
  if (std::string why = d->refuse_connection_string(url.substr(sep + 3)); !why.empty())
    throw configuration_error("ar::open: the URL '" + detail::redact(url) + "' " + why);
  if (name.empty()) throw configuration_error("ar::open: a database name cannot be empty");
  if (options.wait.count() < 0) throw configuration_error("ar::open: open_options::wait cannot be negative");
  if (options.statement_timeout.count() < 0)
    throw configuration_error("ar::open: open_options::statement_timeout cannot be negative (0: no limit)");
  if (options.connect_timeout.count() < 0)
    throw configuration_error("ar::open: open_options::connect_timeout cannot be negative (0: no limit)");
  if (options.statement_cache_size > static_cast<std::size_t>(PTRDIFF_MAX))
    throw configuration_error("ar::open: open_options::statement_cache_size is " +
                              std::to_string(options.statement_cache_size) +
                              ", a negative number made a std::size_t; it is the most prepared statements each "
                              "connection keeps (0 keeps none)");

  auto state = std::make_shared<detail::database_state>(std::string(name), std::string(url), *d, options.pool_size,
                                                        options.wait, options.on_connect,
                                                        options.statement_cache_size);
  state->statement_timeout = options.statement_timeout;
  state->connect_timeout = options.connect_timeout;
  state->timeouts = detail::find_timeout_driver(d->soci_backend());
  {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.mutex);
    for (const auto& s : r.open)
      if (s->name == name)
        throw configuration_error("ar::open: a database named '" + std::string(name) +
                                  "' is already open; close it or choose another name");
  }
  // The first connection opens now, so that a wrong URL fails here.
  state->release(state->acquire().first);
  {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.mutex);
    for (const auto& s : r.open)
      if (s->name == name)
        throw configuration_error("ar::open: a database named '" + std::string(name) + "' is already open");
    r.open.push_back(state);
  }
  return database(std::move(state));
}

database get_database(std::string_view name) {
  auto& r = detail::the_registry();
  std::lock_guard lock(r.mutex);
  for (const auto& s : r.open)
    if (s->name == name) return database(s);
  throw configuration_error("ar: no database named '" + std::string(name) + "' is open");
}

database default_database() {
  auto& r = detail::the_registry();
  std::lock_guard lock(r.mutex);
  auto state = detail::default_state(r);
  if (!state) throw configuration_error("ar: no database is open; call ar::open(url) first");
  return database(std::move(state));
}

void close_all() {
  std::vector<std::shared_ptr<detail::database_state>> all;
  {
    auto& r = detail::the_registry();
    std::lock_guard lock(r.mutex);
    all.swap(r.open);
  }
  for (auto& s : all) s->close();
}

}  // namespace ar
