#ifndef AR_SRC_DATABASE_STATE_HPP
#define AR_SRC_DATABASE_STATE_HPP

#include <ar/detail/crud_sql.hpp>
#include <ar/dialect.hpp>

#include <soci/soci.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

namespace ar::detail {

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

struct crud_key {
  const table_meta* table;
  crud_kind kind;
  std::size_t rows;
  friend bool operator==(const crud_key&, const crud_key&) = default;
};

struct crud_key_hash {
  std::size_t operator()(const crud_key& k) const noexcept {
    return std::hash<const void*>{}(k.table) ^ (static_cast<std::size_t>(k.kind) << 1) ^ (k.rows << 8);
  }
};

// One open database: its connection, its prepared statements and its rendered SQL.
class database_state {
 public:
  database_state(std::string name, std::string url, const ar::dialect& dialect);
  ~database_state();

  const std::string name;
  const std::string url;
  const ar::dialect& dialect;

  // Guards everything below: one connection serves one statement at a time.
  std::mutex mutex;
  std::unique_ptr<soci::session> session;
  std::unordered_map<std::string, std::unique_ptr<soci::statement>, string_hash, std::equal_to<>> statements;
  std::unordered_map<crud_key, std::string, crud_key_hash> crud;
  bool in_transaction = false;
  // The thread reading a stream from this connection, if any: it must not wait for itself.
  std::atomic<std::thread::id> reader{};

  // Drops prepared statements and the connection.
  void close_connection() noexcept;
};

}  // namespace ar::detail

#endif  // AR_SRC_DATABASE_STATE_HPP
