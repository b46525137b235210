// The pool of a database's connections (database_state, src/exec/database_state.hpp): taking a
// connection for a statement, giving it back, pinning it for a transaction or a stream, opening a
// new one through the backend's driver; and what each thread holds of each database, so that a
// thread never waits for a connection it holds itself.

#include "exec/connection_string.hpp"
#include "exec/database_state.hpp"

#include <ar/backend/driver.hpp>
#include <ar/detail/execute.hpp>
#include <ar/error.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <exception>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ar::detail {

database_state::database_state(std::string n, std::string u, const ar::dialect& d, std::size_t size,
                               std::chrono::milliseconds w, std::vector<std::string> setup, std::size_t cache_size)
    : name(std::move(n)),
      url(std::move(u)),
      dialect(d),
      pool_size(size == 0 ? std::max<std::size_t>(1, d.default_pool_size()) : size),
      wait(w),
      on_connect(std::move(setup)),
      statement_cache_size(cache_size),
      driver_connection(dialect.driver_connection_string(split_url(url)->connection, url)),
      secrets(dialect.connection_secrets(split_url(url)->connection)),
      shown_url(mask_secrets(mask_spans(url, find_secrets(url)), secrets)) {}

database_state::~database_state() { close(); }

std::uint64_t database_state::next_serial() noexcept {
  static std::atomic<std::uint64_t> serials{0};
  return ++serials;
}

namespace {

// What the calling thread holds: the connection of each database it has a transaction open on,
// and how many connections of each database it holds at all (to refuse waiting for itself).
struct thread_holdings {
  std::vector<std::pair<const database_state*, connection*>> transactions;
  std::vector<std::pair<const database_state*, connection*>> pinned;
  std::vector<std::pair<const database_state*, connection*>> lent;  // innermost last
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

}  // namespace

connection* transaction_connection(const database_state& db) noexcept {
  for (const auto& [d, c] : this_thread_holds.transactions)
    if (d == &db) return c;
  return nullptr;
}

connection* lent_connection(const database_state& db) noexcept {
  for (auto it = this_thread_holds.lent.rbegin(); it != this_thread_holds.lent.rend(); ++it)
    if (it->first == &db) return it->second;
  return nullptr;
}

void lend_connection(const database_state& db, connection* c) { this_thread_holds.lent.emplace_back(&db, c); }

void end_lend_connection(const database_state& db, connection* c) noexcept {
  auto& lent = this_thread_holds.lent;
  for (auto it = lent.rbegin(); it != lent.rend(); ++it)
    if (it->first == &db && it->second == c) {
      lent.erase(std::next(it).base());
      return;
    }
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
  for (const auto& reader : readers) reader->close();
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

std::unique_ptr<connection> database_state::connect() {
  auto c = std::make_unique<connection>(statement_cache_size);
  const auto connecting = std::chrono::steady_clock::now();
  try {
    c->backend = driver->connect(driver_connection, connect_timeout, statement_timeout);
  } catch (const std::exception& e) {
    // The driver's message may quote the connection string (libpq does, on a string it cannot parse).
    std::string why = mask_secrets(e.what(), secrets);
    if (connect_timeout.count() > 0 && std::chrono::steady_clock::now() - connecting >= connect_timeout)
      why +=
          " (no connection within open_options::connect_timeout, " + std::to_string(connect_timeout.count()) + " ms)";
    throw unreachable_server("ar::open: cannot connect to " + shown_url + ": " + why);
  }
  c->has_server = c->backend->has_server();
  // Through a transaction pooler a session's setup would land on whichever server connection ran
  // it, and be missing from the next: none (on_connect was refused when the database opened).
  auto setup = transaction_pooled ? std::vector<std::string>{} : dialect.session_setup();
  setup.insert(setup.end(), on_connect.begin(), on_connect.end());
  for (const std::string& sql : setup) {
    try {
      // Through the backend's statements, as every later statement: run to its end, unobserved and
      // uncounted (no program's statement).
      const auto st = c->backend->prepare(sql, false);
      st->bind({}, 0);
      while (st->step()) {
      }
      st->reset();
    } catch (const std::exception& e) {
      // A connection its setup refuses (a server too old for the dialect, a bad on_connect
      // statement) is no connection at all.
      throw unreachable_server("ar: database '" + name + "': a new connection's setup statement failed: " +
                               mask_secrets(e.what(), secrets) + "\n  SQL: " + sql);
    }
  }
  if (statement_timeout.count() > 0) {
    try {
      c->backend->set_statement_timeout(statement_timeout);
      c->timeout = statement_timeout;
    } catch (const std::exception& e) {
      throw unreachable_server("ar: database '" + name +
                               "': a new connection refused its statement timeout: " + e.what());
    }
  }
  return c;
}

}  // namespace ar::detail
