#include "database_state.hpp"

#include <ar/detail/execute.hpp>
#include <ar/error.hpp>
#include <ar/transaction.hpp>

namespace ar {

namespace {

void set_in_transaction(database& db, bool value) {
  std::lock_guard lock(db.state().mutex);
  db.state().in_transaction = value;
}

}  // namespace

transaction::transaction() : transaction(default_database()) {}

transaction::transaction(database db) : db_(std::move(db)) {
  {
    auto& state = db_.state();
    std::lock_guard lock(state.mutex);
    if (state.in_transaction)
      throw transaction_error("ar: a transaction is already open on database '" + state.name +
                              "'; nested transactions are not supported");
  }
  detail::run(db_.state(), "BEGIN", {});
  set_in_transaction(db_, true);
  active_ = true;
}

transaction::~transaction() {
  if (!active_) return;
  try {
    rollback();
  } catch (...) {
    // A destructor must not throw; the connection is in an unknown state, so drop its statements.
    if (db_.is_open()) db_.clear_statement_cache();
  }
}

void transaction::commit() {
  if (!active_) throw transaction_error("ar: commit() on a transaction that is no longer active");
  active_ = false;
  try {
    detail::run(db_.state(), "COMMIT", {});
  } catch (...) {
    set_in_transaction(db_, false);
    try {
      detail::run(db_.state(), "ROLLBACK", {});
    } catch (...) {
    }
    throw;
  }
  set_in_transaction(db_, false);
}

void transaction::rollback() {
  if (!active_) throw transaction_error("ar: rollback() on a transaction that is no longer active");
  active_ = false;
  set_in_transaction(db_, false);
  detail::run(db_.state(), "ROLLBACK", {});
}

}  // namespace ar
