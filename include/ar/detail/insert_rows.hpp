#ifndef AR_DETAIL_INSERT_ROWS_HPP
#define AR_DETAIL_INSERT_ROWS_HPP

// Multi-row inserts that read nothing back (ar::insert_all(records, ar::without_keys)). The
// batching, the SQL, the transaction and the statements are type-independent and compiled once
// (src/exec/insert_rows.cpp); all a model's template adds is two small functions that read its records.

#include <ar/export.hpp>
#include <ar/model_traits.hpp>
#include <ar/value.hpp>

#include <cstddef>
#include <cstdint>
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

struct record_ops;

// How an upsert resolves a conflict on a unique key (ar::on_conflict): the key's columns (empty:
// any unique key) and the columns it updates (empty: the record is skipped).
struct conflict_spec {
  std::span<const std::size_t> target;
  std::span<const std::size_t> update;
};

// The records of one model: an array of `size` of them from `first`, laid out and bound as `ops`
// says (their columns, the generated key among them, are read and written in the library).
struct record_rows {
  const table_meta* table = nullptr;
  const void* first = nullptr;
  std::size_t size = 0;
  const record_ops* ops = nullptr;
  // ar::insert_all without without_keys: the generated keys are read back (RETURNING, or the
  // dialect's last-insert-id statement) and written into the records (which are then not const).
  bool write_keys = false;
  // ar::insert_all(records, ar::on_conflict(...)...): how a conflict on a unique key is resolved.
  const conflict_spec* conflict = nullptr;
};

// Inserts the records as ar::insert_all does: one multi-row INSERT per batch, the records that leave
// their key to the database first, more than one statement in one transaction. With `write_keys`,
// each batch of generated keys comes back through RETURNING; without, nothing is read back
// (ar::without_keys). The number of rows inserted.
AR_API std::size_t insert_rows(const database& db, const record_rows& rows);

}  // namespace detail
}  // namespace ar

#endif  // AR_DETAIL_INSERT_ROWS_HPP
