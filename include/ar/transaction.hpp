#ifndef AR_TRANSACTION_HPP
#define AR_TRANSACTION_HPP

// An RAII transaction on one database: commit() makes it stick; leaving the scope without
// committing (an exception, an early return) rolls it back. Nested transactions on the same
// database are not supported: opening a second one throws ar::transaction_error.

#include <ar/database.hpp>

namespace ar {

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
  database db_;
  bool active_ = false;
};

}  // namespace ar

#endif  // AR_TRANSACTION_HPP
