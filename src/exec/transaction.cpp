#include "exec/database_state.hpp"

#include <ar/detail/execute.hpp>
#include <ar/error.hpp>
#include <ar/transaction.hpp>

#include <algorithm>
#include <exception>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

namespace ar {

namespace {

using abort_state = detail::transaction_state::abort;

// The savepoint of the level-th nested transaction (1-based).
std::string savepoint_name(std::uint32_t level) { return "ar_savepoint_" + std::to_string(level); }

using end_callbacks = std::vector<detail::transaction_state::end_callback>;
using detail::run_end_callbacks;

// The end callbacks queued inside the transaction at `level` (0: all of them; n: those of the
// n-th savepoint and the ones nested in it), taken out of the connection's list, in order.
end_callbacks take_end_callbacks(detail::transaction_state& tx, std::uint32_t level) {
  auto& all = tx.end_callbacks;
  const auto mine = std::stable_partition(all.begin(), all.end(), [&](const auto& e) { return e.depth <= level; });
  end_callbacks out(std::make_move_iterator(mine), std::make_move_iterator(all.end()));
  all.erase(mine, all.end());
  return out;
}

// Runs a statement that puts the connection back as the pool expects it (a setting changed for a
// transaction); when it fails, the connection is dropped rather than handed to the next user as is.
void restore_or_drop(detail::connection_pin& pin, const std::string& sql) noexcept {
  try {
    detail::run(pin, sql, {});
  } catch (...) {
    pin.conn().broken = true;
  }
}

}  // namespace

transaction::transaction() : transaction(default_database()) {}

// The transaction keeps one connection for itself; until it ends, every statement this thread
// sends to the database runs on that connection, and other threads use the rest of the pool. A
// transaction opened while this thread has one there already is a savepoint in it.
transaction::transaction(database db) : transaction(std::move(db), std::string(), std::string()) {}

transaction::transaction(database db, std::string two_phase_id) : db_(std::move(db)) {
  auto& state = detail::state_of(db_);
  const std::string begin = state.dialect.begin_prepared_sql(two_phase_id);
  pin_ = std::make_unique<detail::connection_pin>(state);
  detail::run(*pin_, begin.empty() ? std::string(state.dialect.begin_transaction()) : begin, {});
  if (!begin.empty()) two_phase_id_ = std::move(two_phase_id);
  detail::connection& c = pin_->conn();
  c.tx = {};
  c.tx.depth = 1;
  detail::begin_thread_transaction(state, &c);
  active_ = true;
}

transaction::transaction(database db, const std::string& before, std::string after) : db_(std::move(db)) {
  auto& state = detail::state_of(db_);
  if (detail::connection* open = detail::transaction_connection(state)) {
    pin_ = std::make_unique<detail::connection_pin>(state);  // the open transaction's connection
    const std::uint32_t level = open->tx.depth;
    detail::run(*pin_, state.dialect.savepoint(savepoint_name(level)), {});
    open->tx.depth = level + 1;
    level_ = level;
    active_ = true;
    return;
  }
  pin_ = std::make_unique<detail::connection_pin>(state);
  if (!before.empty()) detail::run(*pin_, before, {});
  after_ = std::move(after);
  try {
    detail::run(*pin_, state.dialect.begin_transaction(), {});
  } catch (...) {
    if (!after_.empty()) restore_or_drop(*pin_, after_);
    throw;
  }
  detail::connection& c = pin_->conn();
  c.tx = {};
  c.tx.depth = 1;
  detail::begin_thread_transaction(state, &c);
  active_ = true;
}

transaction::~transaction() {
  if (!active_) return;
  if (pin_->conn().tx.depth <= level_) {
    // The transaction this one was nested in ended before it (possible only for one outliving its
    // scope): nothing of it is left to roll back.
    active_ = false;
    pin_.reset();
    return;
  }
  try {
    // An exception of an after_rollback callback is dropped: a destructor must not throw (it runs
    // while another exception leaves the scope, as a rule).
    (void)undo();
  } catch (...) {
    // A destructor must not throw. The connection is in an unknown state: it is dropped.
    abandon();
  }
}

void transaction::end(std::unique_ptr<detail::connection_pin>* keep) noexcept {
  active_ = false;
  if (!pin_) return;
  detail::connection& c = pin_->conn();
  if (level_ == 0) {
    c.tx = {};
    detail::end_thread_transaction(detail::state_of(db_));
    if (!after_.empty() && !c.broken) restore_or_drop(*pin_, after_);
  } else {
    c.tx.depth = level_;
  }
  if (keep != nullptr)
    *keep = std::move(pin_);
  else
    pin_.reset();
}

void transaction::abandon() noexcept {
  detail::connection& c = pin_->conn();
  c.broken = true;
  // Nothing done since this transaction (savepoint) began is committed: its after_rollback run.
  end_callbacks pending = take_end_callbacks(c.tx, level_);
  (void)run_end_callbacks(pending, false);
  if (level_ > 0 && c.tx.aborted == abort_state::none) {
    // The enclosing transaction is in an unknown state: it refuses its statements from now on.
    c.tx.aborted = abort_state::refused;
    c.tx.cause_kind = error_kind::other;
    try {
      c.tx.cause = "rolling back to " + savepoint_name(level_) + " failed";
    } catch (...) {
    }
  }
  end();
}

void transaction::check_innermost(const char* operation) {
  if (!active_) throw transaction_error(std::string("ar: ") + operation + " on a transaction that is no longer active");
  const std::uint32_t depth = pin_->conn().tx.depth;
  if (depth <= level_) {
    active_ = false;
    pin_.reset();
    throw transaction_error(std::string("ar: ") + operation + " on a transaction of database '" + db_.name() +
                            "' that ended with the transaction it was nested in");
  }
  if (depth > level_ + 1)
    throw transaction_error(std::string("ar: ") + operation + " on a transaction of database '" + db_.name() +
                            "' while a transaction nested in it (a savepoint) is still open; end the nested one first");
}

// Rolls back (to the savepoint) and ends, then runs the after_rollback callbacks queued in it
// (returned: the first exception one threw). Sends nothing when the server rolled the whole
// transaction back already.
std::exception_ptr transaction::undo() {
  detail::connection& c = pin_->conn();
  end_callbacks pending = take_end_callbacks(c.tx, level_);
  // The server holds no transaction: it rolled it back, or a statement of the program's ended it.
  // (An XA transaction the server rolled back is still the connection's until XA ROLLBACK.)
  if ((c.tx.aborted == abort_state::rolled_back || c.tx.aborted == abort_state::ended) && two_phase_id_.empty()) {
    end();
    return run_end_callbacks(pending, false);
  }
  try {
    undo_statements();
  } catch (...) {
    (void)run_end_callbacks(pending, false);
    throw;
  }
  return run_end_callbacks(pending, false);
}

void transaction::undo_statements() {
  detail::connection& c = pin_->conn();
  // A transaction the server refuses takes its ROLLBACK (TO SAVEPOINT): that is what lifts the refusal.
  c.tx.aborted = abort_state::none;
  const dialect& d = db_.dialect();
  if (level_ == 0 && !two_phase_id_.empty()) {
    // XA END fails where the server ended the transaction's work itself (a deadlock leaves it
    // "ROLLBACK ONLY"); XA ROLLBACK ends it whatever its state.
    try {
      if (const std::string end_work = d.end_before_prepare_sql(two_phase_id_); !end_work.empty())
        detail::run(*pin_, end_work, {});
    } catch (...) {
      c.tx.aborted = abort_state::none;  // its failure marked the transaction: XA ROLLBACK must go
    }
    detail::run(*pin_, d.rollback_prepared_sql(two_phase_id_), {});
  } else if (level_ == 0) {
    detail::run(*pin_, d.rollback_transaction(), {});
  } else {
    const std::string name = savepoint_name(level_);
    detail::run(*pin_, d.rollback_to_savepoint(name), {});
    detail::run(*pin_, d.release_savepoint(name), {});
  }
  end();
}

void transaction::commit() {
  check_innermost("commit()");
  const dialect& d = db_.dialect();
  const auto run_callbacks =
      end_with(level_ == 0 ? std::string(d.commit_transaction()) : d.release_savepoint(savepoint_name(level_)));
  // Committed: an exception of an after_commit callback is the program's to see, after every one ran.
  if (std::exception_ptr first = run_callbacks(true)) std::rethrow_exception(first);
}

std::function<std::exception_ptr(bool)> transaction::end_with(const std::string& sql, const std::string& first,
                                                              std::unique_ptr<detail::connection_pin>* keep) {
  detail::connection& c = pin_->conn();
  // PostgreSQL answers COMMIT with ROLLBACK in a transaction it refuses: asked first, so that a
  // transaction the server rolled back is never reported as committed.
  if (c.tx.aborted == abort_state::none &&
      c.backend->transaction_status(false) == backend::server_transaction::refused) {
    c.tx.aborted = abort_state::refused;
    c.tx.cause = "a statement in the transaction failed";
  }
  if (c.tx.aborted != abort_state::none) {
    transaction_aborted refused =
        c.tx.aborted == abort_state::ended
            ? transaction_aborted(transaction_aborted::ended_by_statement_t{}, db_.name(), sql, c.tx.cause)
            : transaction_aborted(db_.name(), sql, c.tx.cause, c.tx.cause_kind,
                                  level_ == 0 || c.tx.aborted == abort_state::rolled_back);
    try {
      (void)undo();
    } catch (...) {
      abandon();
    }
    throw refused;
  }
  try {
    if (!first.empty()) detail::run(*pin_, first, {});
    detail::run(*pin_, sql, {});
  } catch (...) {
    try {
      (void)undo();
    } catch (...) {
      abandon();
    }
    throw;
  }
  const auto nothing = [](bool) { return std::exception_ptr(); };
  if (level_ > 0) {
    // A released savepoint's writes are the enclosing transaction's: so are its end callbacks.
    for (auto& e : c.tx.end_callbacks)
      if (e.depth > level_) e.depth = level_;
    end();
    return nothing;
  }
  end_callbacks pending = take_end_callbacks(c.tx, 0);
  end(keep);
  if (pending.empty()) return nothing;  // no allocation for the common case
  return [pending = std::move(pending)](bool committed) mutable { return run_end_callbacks(pending, committed); };
}

void transaction::rollback() {
  check_innermost("rollback()");
  std::exception_ptr first;
  try {
    first = undo();
  } catch (...) {
    // Whatever the transaction did is not committed; the connection is not to be trusted.
    abandon();
    throw;
  }
  if (first) std::rethrow_exception(first);
}

namespace detail {

std::exception_ptr run_end_callbacks(std::vector<transaction_state::end_callback>& list, bool committed) noexcept {
  std::exception_ptr first;
  for (auto& e : list) {
    const auto& f = committed ? e.on_commit : e.on_rollback;
    if (!f) continue;
    try {
      f();
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  return first;
}

void on_transaction_end(const database& db, std::function<void()> on_commit, std::function<void()> on_rollback) {
  connection* c = transaction_connection(state_of(db));
  if (!c)
    throw transaction_error("ar: an end-of-transaction callback on database '" + db.name() +
                            "' with no transaction open there in this thread");
  c->tx.end_callbacks.push_back({c->tx.depth, std::move(on_commit), std::move(on_rollback)});
}

void check_retry(const database& db, int attempts) {
  if (attempts < 1)
    throw configuration_error("ar::retry_transaction: attempts is " + std::to_string(attempts) +
                              "; it is how many times the transaction may run, 1 or more");
  if (db.in_transaction())
    throw transaction_error("ar::retry_transaction: a transaction is already open on database '" + db.name() +
                            "' in this thread; a deadlock ends all of it, so only a whole transaction can be run "
                            "again: call retry_transaction outside it");
}

}  // namespace detail

}  // namespace ar
