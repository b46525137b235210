#ifndef AR_DETAIL_INSERT_ROWS_HPP
#define AR_DETAIL_INSERT_ROWS_HPP

// Multi-row inserts that read nothing back (ar::insert_all(records, ar::without_keys)). The
// batching, the SQL, the transaction and the statements are type-independent and compiled once
// (src/insert_rows.cpp); all a model's template adds is two small functions that read its records.

#include <ar/model.hpp>
#include <ar/value.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace ar {

class database;

namespace detail {

// A bound for what a value adds to a statement's text when the driver writes it in (see
// dialect::max_statement_bytes): an escaped string may double, plus its quotes.
inline std::size_t text_bytes(const value& v) noexcept {
  if (const auto* s = std::get_if<std::string>(&v)) return 2 * s->size() + 4;
  return 32;
}

// The records of one model, seen through two functions: whether record i leaves its key to the
// database (a generated key still 0), and the values of its columns (every column, or all but
// the key), appended to `out` in the model's column order.
struct record_rows {
  const table_meta* table = nullptr;
  const void* first = nullptr;
  std::size_t size = 0;
  bool (*key_unset)(const void* first, std::size_t i) = nullptr;
  void (*append)(const void* first, std::size_t i, bool with_key, std::vector<value>& out) = nullptr;
};

// Inserts the records as ar::insert_all does (the same statements, in the same batches and the
// same transaction) without RETURNING: nothing is read back. The number of rows inserted.
std::size_t insert_rows(const database& db, const record_rows& rows);

}  // namespace detail
}  // namespace ar

#endif  // AR_DETAIL_INSERT_ROWS_HPP
