#ifndef AR_TRANSACTION_HPP
#define AR_TRANSACTION_HPP

// An RAII transaction on one database: commit() makes it stick; leaving the scope without
// committing (an exception, an early return) rolls it back. It keeps one of the database's pooled
// connections: while it is open, every statement the opening thread sends to that database runs in
// it, and only those (other threads, and statements to other databases, are not part of it).
// Nested transactions on the same database in one thread are not supported: opening a second one
// throws ar::transaction_error. A transaction belongs to the thread that opened it.

#include <ar/database.hpp>

#include <memory>

namespace ar {

namespace detail {
class connection_pin;
}

class transaction {
 public:
  // Begins a transaction on `db` (by default the default database).
  explicit transaction(database db);
  transaction();
  ~transaction();
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  void commit();
  void rollback();
  bool active() const noexcept { return active_; }
  const database& db() const noexcept { return db_; }

 private:
  void end() noexcept;

  database db_;
  std::unique_ptr<detail::connection_pin> pin_;
  bool active_ = false;
};

}  // namespace ar

#endif  // AR_TRANSACTION_HPP
