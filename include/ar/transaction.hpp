#ifndef AR_TRANSACTION_HPP
#define AR_TRANSACTION_HPP

// An RAII transaction on one database: commit() makes it stick; leaving the scope without
// committing (an exception, an early return) rolls it back. It keeps one of the database's pooled
// connections: while it is open, every statement the opening thread sends to that database runs in
// it, and only those (other threads, and statements to other databases, are not part of it). A
// transaction belongs to the thread that opened it.
//
// Nested transactions are savepoints. A transaction opened on a database while the same thread has
// one open there already is a SAVEPOINT inside it: its commit() releases the savepoint (its writes
// become part of the enclosing transaction, and stand if that one commits); leaving its scope
// without commit() rolls back to the savepoint, undoing only what was done since it opened, and
// the enclosing transaction goes on. That is how a program recovers from one failed statement:
//
//   ar::transaction tx(db);
//   ar::insert(db, order);
//   try {
//     ar::transaction attempt(db);   // SAVEPOINT
//     ar::insert(db, coupon);        // a unique violation: throws...
//     attempt.commit();
//   } catch (const ar::database_error&) {
//   }                                // ...and the scope's end rolled back to the savepoint
//   tx.commit();                     // the order is committed
//
// A model's after_commit and after_rollback callbacks (ar/callbacks.hpp) run when the transaction
// its write ran in ends: after the outermost COMMIT, or after the rollback (of a savepoint, for a
// write made inside it); an exception one throws comes out of commit() / rollback() once every one
// ran (a scope's end drops it).
//
// Nested transactions end innermost first: commit() or rollback() of one that has a nested one
// still open throws ar::transaction_error.
//
// When the server ends the transaction itself (a deadlock's victim; on PostgreSQL, any statement
// that fails, after which the server refuses every statement until a rollback), every later
// statement of the transaction throws ar::transaction_aborted without being sent, and so does
// commit(): a transaction the server rolled back is never reported as committed, and no later
// write runs outside it. rollback() and the destructor end it without a word. On PostgreSQL a
// failure inside a savepoint is undone when the savepoint's scope ends (or by its rollback()), and
// the enclosing transaction is usable again. ar::retry_transaction below runs a whole transaction
// again when the server gave up on it because of concurrent transactions.

#include <ar/database.hpp>
#include <ar/error.hpp>
#include <ar/export.hpp>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace ar {

namespace detail {
class connection_pin;
}
class distributed_transaction;

// An RAII transaction on one database, or a savepoint inside the thread's open one: commit() makes
// it stick, leaving the scope rolls it back.
class AR_API transaction {
 public:
  // Begins a transaction on `db` (by default the default database), or a savepoint inside the one
  // this thread has open there.
  explicit transaction(database db);
  transaction();
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  // Commits (releases the savepoint). Throws ar::transaction_aborted, having rolled back, when the
  // server ended or refuses the transaction; a failed COMMIT rolls back and rethrows.
  void commit();
  // Rolls back (to the savepoint).
  void rollback();
  // Whether it is still open (neither committed nor rolled back).
  bool active() const noexcept { return active_; }
  // A savepoint inside a transaction opened before it on the same database, in this thread.
  bool nested() const noexcept { return level_ > 0; }
  // The database it runs on.
  const database& db() const noexcept { return db_; }

 private:
  friend class migrator;
  friend class schema;
  friend class distributed_transaction;
  // A transaction whose connection runs `before` ahead of BEGIN and `after` once it ended
  // (committed or rolled back), each unless empty: a migration's switch of foreign key enforcement
  // (dialect::foreign_keys_enforced_sql). Nested in an open transaction, neither runs.
  transaction(database db, const std::string& before, std::string after);
  // A transaction of a two-phase commit, to be prepared under `two_phase_id`: begun by
  // dialect::begin_prepared_sql(two_phase_id) where the backend needs the id at the start
  // (MariaDB's XA START), by BEGIN otherwise, and then rolled back by that backend's statements
  // for it (dialect::begin_prepared_sql). Never nested.
  transaction(database db, std::string two_phase_id);
  // Ends the transaction with `first` (unless empty) then `sql` in place of COMMIT (a two-phase
  // commit's XA END and PREPARE), refusing as commit() does one the server aborted; the connection
  // goes back to the pool, or, given `keep`, stays out of it, held by *keep (a prepared transaction
  // bound to its connection). Returns what runs the end callbacks queued in it once the outcome is
  // known (true: committed), giving the first exception one threw.
  std::function<std::exception_ptr(bool)> end_with(const std::string& sql, const std::string& first = {},
                                                   std::unique_ptr<detail::connection_pin>* keep = nullptr);
  void end(std::unique_ptr<detail::connection_pin>* keep = nullptr) noexcept;
  std::exception_ptr undo();
  void undo_statements();
  void abandon() noexcept;
  void check_innermost(const char* operation);

  database db_;
  std::unique_ptr<detail::connection_pin> pin_;
  std::uint32_t level_ = 0;  // 0: the transaction; n: the n-th savepoint in it
  bool active_ = false;
  std::string after_;         // run on the connection once the transaction ended (see the constructor above)
  std::string two_phase_id_;  // begun by dialect::begin_prepared_sql(two_phase_id_), where not empty
};

namespace detail {
// Queues what runs when the transaction this thread has open on `db` ends: on_commit after the
// outermost COMMIT (a savepoint's release hands it on to the enclosing transaction), on_rollback
// after a rollback of the transaction or of the savepoint it was queued in (either may be empty).
// Each runs once, in the order queued, outside the transaction (it has ended). Throws
// ar::transaction_error when no transaction is open. (ar/callbacks.hpp's after_commit and
// after_rollback.)
AR_API void on_transaction_end(const database& db, std::function<void()> on_commit, std::function<void()> on_rollback);
// Refuses a retry_transaction that cannot work: fewer than one attempt, or a transaction already
// open on the database in this thread (a deadlock ends all of it, not just a savepoint).
AR_API void check_retry(const database& db, int attempts);
}  // namespace detail

// Runs `fn` in a transaction on `db` and commits it (unless `fn` ended it itself). When the
// database gives up on the transaction because of concurrent ones (a deadlock, a serialization
// failure, a lock timeout, SQLite's "database is locked": ar::database_error::retryable(), or
// ar::transaction_aborted::retryable() for a transaction the server ended for such a reason), the
// transaction is rolled back and `fn` runs again, in a new one, up to `attempts` times in all; the
// last failure is rethrown. Anything else `fn` throws is rethrown at once, after rollback. `fn`
// takes the ar::transaction (ar::transaction&) or nothing; what it returns is returned (by value).
// It must do nothing outside the database that would be wrong to do twice.
//
//   ar::retry_transaction(db, [&] {
//     move_money(db, from, to, amount);
//   });
template <class F>
auto retry_transaction(const database& db, F&& fn, int attempts = 3) {
  detail::check_retry(db, attempts);
  auto call = [&fn](transaction& tx) -> decltype(auto) {
    if constexpr (std::is_invocable_v<F&, transaction&>)
      return fn(tx);
    else
      return fn();
  };
  using result = std::decay_t<decltype(call(std::declval<transaction&>()))>;
  for (int attempt = 1;; ++attempt) {
    try {
      transaction tx(db);
      if constexpr (std::is_void_v<result>) {
        call(tx);
        if (tx.active()) tx.commit();
        return;
      } else {
        result r = call(tx);
        if (tx.active()) tx.commit();
        return r;
      }
    } catch (const database_error& e) {
      if (!e.retryable() || attempt >= attempts) throw;
    } catch (const transaction_aborted& e) {
      if (!e.retryable() || attempt >= attempts) throw;
    }
  }
}

}  // namespace ar

#endif  // AR_TRANSACTION_HPP
