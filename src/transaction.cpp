#include "database_state.hpp"

#include <ar/detail/execute.hpp>
#include <ar/error.hpp>
#include <ar/transaction.hpp>

namespace ar {

transaction::transaction() : transaction(default_database()) {}

// The transaction keeps one connection for itself; until it ends, every statement this thread
// sends to the database runs on that connection, and other threads use the rest of the pool.
transaction::transaction(database db) : db_(std::move(db)) {
  auto& state = db_.state();
  if (detail::transaction_connection(state))
    throw transaction_error("ar: a transaction is already open on database '" + state.name +
                            "' in this thread; nested transactions are not supported");
  pin_ = std::make_unique<detail::connection_pin>(state);
  detail::run(*pin_, "BEGIN", {});
  detail::begin_thread_transaction(state, &pin_->conn());
  active_ = true;
}

transaction::~transaction() {
  if (!active_) return;
  try {
    rollback();
  } catch (...) {
    // A destructor must not throw. The connection is in an unknown state: drop it.
    end();
  }
}

void transaction::end() noexcept {
  active_ = false;
  if (!pin_) return;
  detail::end_thread_transaction(db_.state());
  pin_.reset();
}

void transaction::commit() {
  if (!active_) throw transaction_error("ar: commit() on a transaction that is no longer active");
  try {
    detail::run(*pin_, "COMMIT", {});
  } catch (...) {
    try {
      detail::run(*pin_, "ROLLBACK", {});
    } catch (...) {
      pin_->conn().broken = true;
    }
    end();
    throw;
  }
  end();
}

void transaction::rollback() {
  if (!active_) throw transaction_error("ar: rollback() on a transaction that is no longer active");
  try {
    detail::run(*pin_, "ROLLBACK", {});
  } catch (...) {
    // Whatever the transaction did is not committed; the connection is not to be trusted.
    pin_->conn().broken = true;
    end();
    throw;
  }
  end();
}

}  // namespace ar
