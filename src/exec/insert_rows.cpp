// ar::insert_all(records, ar::without_keys): multi-row inserts that read nothing back. Everything
// here is the same for every model; the records are read through detail::record_rows.

#include <ar/database.hpp>
#include <ar/detail/crud_sql.hpp>
#include <ar/detail/execute.hpp>
#include <ar/detail/insert_rows.hpp>
#include <ar/backend/dialect.hpp>
#include <ar/error.hpp>
#include <ar/transaction.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ar::detail {

namespace {

// The values of records [from, from + count), row by row in the model's column order: every
// column, or all but the key.
void append_rows(const record_rows& rows, std::size_t from, std::size_t count, bool with_key, std::vector<value>& out,
                 const dialect& d) {
  if (count == 0) return;
  const record_ops& ops = *rows.ops;
  const std::size_t skip = with_key ? no_column : rows.table->primary_key;
  // The records are an array: bound once, each next record's columns are one record further on.
  std::vector<column_binding> columns(ops.columns);
  auto* at = const_cast<char*>(static_cast<const char*>(rows.first)) + from * ops.size;
  ops.bind(at, columns);
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0)
      for (column_binding& c : columns) c.target = static_cast<char*>(c.target) + ops.size;
    append_bound_values(columns, skip, out, rows.table, &d);
  }
}

// The generated key of the records: where record 0 holds it and its type (a generated key is an
// int32 or int64), the next records' one record further on each.
struct key_field {
  char* first = nullptr;
  value_type type = value_type::int64;
  std::size_t stride = 0;

  explicit key_field(const record_rows& rows) {
    if (!rows.table->generated_key || rows.size == 0) return;
    const record_ops& ops = *rows.ops;
    std::vector<column_binding> columns(ops.columns);
    ops.bind(const_cast<void*>(rows.first), columns);
    const column_binding& key = columns[rows.table->primary_key];
    first = static_cast<char*>(key.target);
    type = key.type;
    stride = ops.size;
  }
  // Whether record i leaves its key to the database (a generated key still 0).
  bool unset(std::size_t i) const noexcept {
    if (!first) return false;
    const char* at = first + i * stride;
    return type == value_type::int32 ? *reinterpret_cast<const std::int32_t*>(at) == 0
                                     : *reinterpret_cast<const std::int64_t*>(at) == 0;
  }
  void set(std::size_t i, std::int64_t key) const noexcept {
    char* at = first + i * stride;
    if (type == value_type::int32)
      *reinterpret_cast<std::int32_t*>(at) = static_cast<std::int32_t>(key);
    else
      *reinterpret_cast<std::int64_t*>(at) = key;
  }
};

std::size_t rows_per_statement(std::size_t max_params, std::size_t per_row) noexcept {
  return per_row == 0 ? 1 : std::max<std::size_t>(1, max_params / per_row);
}

// The values of the statement being sent. Its storage is kept for the thread's next call (a
// multi-row insert of a few rows would otherwise spend a tenth of its time allocating it), unless
// it grew large; a call made while another runs on the thread (from an observer) takes a new one.
class params_buffer {
 public:
  params_buffer() noexcept : values_(std::exchange(spare(), {})) {}
  params_buffer(const params_buffer&) = delete;
  params_buffer& operator=(const params_buffer&) = delete;
  ~params_buffer() {
    if (values_.capacity() > kept) return;
    values_.clear();
    spare() = std::move(values_);
  }
  std::vector<value>& values() noexcept { return values_; }

 private:
  static constexpr std::size_t kept = 4096;
  static std::vector<value>& spare() noexcept {
    thread_local std::vector<value> values;
    return values;
  }
  std::vector<value> values_;
};

}  // namespace

// The batches are insert_all's (include/ar/crud.hpp), so that both send as many statements: the
// records that leave their key to the database first, in statements of as many rows as the
// parameter limit allows, then the records with a key, in statements of their own; where the
// dialect limits a statement's bytes, a statement also stops before the row that would pass them
// (but takes one row at least). More than one statement runs in one transaction, unless one is
// open on the database already. (Where a dialect has no RETURNING, insert_all inserts generated
// keys one row at a time to read each back; this has nothing to read and keeps its batches.)
//
// keys_by_position: the generated keys of one multi-row INSERT ... RETURNING are given to the
// records by position, the k-th row returned to the k-th row of VALUES, never by sorting them
// (SQLite, once a table has held the rowid INT64_MAX, picks each new rowid at random). What that
// rests on, backend by backend:
// - PostgreSQL does not document the order of RETURNING rows, and its maintainers call it
//   intentionally unspecified (pgsql-docs, May 2024); the executor inserts the rows of a VALUES
//   list one by one in list order and emits each RETURNING row as it inserts it.
// - MariaDB's INSERT ... RETURNING page says nothing of order; the server writes the VALUES rows in
//   order and sends each returned row after writing it.
// - SQLite's RETURNING page promises no order either; it collects the returned rows as it inserts
//   them and hands them out in that order once the statement is done.
// So the order is each backend's behaviour, not a documented promise. It is pinned on every
// backend by a test whose keys decrease along the VALUES rows (tests/crud/crud_test.cpp,
// insert_all_matches_keys_to_records_by_position_when_keys_decrease); a count that differs from the
// rows sent is an error.
std::size_t insert_rows(const database& db, const record_rows& rows) {
  if (rows.size == 0) return 0;
  database_state& state = detail::state_of(db);
  const table_meta& table = *rows.table;
  const ar::dialect& d = db.dialect();

  const key_field key_of(rows);
  std::size_t generated = 0;
  for (std::size_t i = 0; i < rows.size; ++i) generated += key_of.unset(i) ? 1 : 0;
  const std::size_t keyed = rows.size - generated;

  const std::size_t columns = table.columns.size();
  const std::size_t gen_batch = rows_per_statement(d.max_parameters(), columns - 1);
  const std::size_t key_batch = rows_per_statement(d.max_parameters(), columns);
  const std::size_t statements = (generated + gen_batch - 1) / gen_batch + (keyed + key_batch - 1) / key_batch;
  const std::size_t max_bytes = d.max_statement_bytes();

  params_buffer buffer;
  std::vector<value>& params = buffer.values();
  bool several = statements > 1;
  // Which records leave their key to the database, asked before the first statement: the
  // generated keys written back would make them look keyed to the second pass.
  const bool mixed = generated != 0 && keyed != 0;
  // Within the bind limit, the rows may still be too large for one statement (max_bytes). Their
  // values are made once and measured: when they fit, they are the statement's (`made`), rather
  // than made again for it.
  bool made = false;
  if (max_bytes && !several) {
    std::size_t total = 0;
    if (!mixed) {
      params.reserve(rows.size * columns);
      append_rows(rows, 0, rows.size, generated == 0, params, d);
      for (const value& v : params) total += text_bytes(v);
      several = total > max_bytes;
      made = !several;
    } else {
      for (std::size_t i = 0; i < rows.size && !several; ++i) {
        params.clear();
        append_rows(rows, i, 1, true, params, d);
        for (const value& v : params) total += text_bytes(v);
        several = total > max_bytes;
      }
    }
  }
  if (!made) {
    params.clear();
    params.reserve(std::min(rows.size, std::max(gen_batch, key_batch)) * columns);
  }

  std::optional<transaction> tx;
  if (several && !db.in_transaction()) tx.emplace(db);

  std::size_t inserted = 0;
  const bool read_keys = rows.write_keys;
  std::vector<std::size_t> batch_rows;  // the records of the statement being sent, when keys come back
  std::vector<std::int64_t> keys;
  std::vector<char> unset;
  if (mixed) {
    unset.resize(rows.size);
    for (std::size_t i = 0; i < rows.size; ++i) unset[i] = key_of.unset(i) ? 1 : 0;
  }
  auto write = [&](bool with_key, std::size_t batch) {
    // The next record from `i` on that this pass writes: a key set when with_key, else unset
    // (every record, when all of them go in this pass: nothing to ask then).
    auto next = [&](std::size_t i) {
      while (mixed && i < rows.size && (unset[i] != 0) == with_key) ++i;
      return i;
    };
    const bool returning = read_keys && !with_key;
    const crud_kind kind =
        with_key ? crud_kind::insert_with_key : (returning ? crud_kind::insert : crud_kind::insert_no_return);
    for (std::size_t i = next(0); i < rows.size;) {
      batch_rows.clear();
      std::size_t n = 0, bytes = 0;
      if (std::exchange(made, false)) {  // every record, in this pass's one statement, made above
        n = rows.size;
        if (returning)
          for (std::size_t k = 0; k < n; ++k) batch_rows.push_back(k);
        i = rows.size;
      } else {
        params.clear();
      }
      if (n == 0 && !mixed && !max_bytes) {  // the next `batch` records, in one call
        n = std::min(batch, rows.size - i);
        append_rows(rows, i, n, with_key, params, d);
        if (returning)
          for (std::size_t k = 0; k < n; ++k) batch_rows.push_back(i + k);
        i += n;
      }
      while (n < batch && i < rows.size) {  // else record by record
        const std::size_t before = params.size();
        append_rows(rows, i, 1, with_key, params, d);
        if (max_bytes) {
          std::size_t row = 0;
          for (std::size_t k = before; k < params.size(); ++k) row += text_bytes(params[k]);
          if (n > 0 && bytes + row > max_bytes) {
            params.erase(params.begin() + static_cast<std::ptrdiff_t>(before), params.end());
            break;
          }
          bytes += row;
        }
        if (returning) batch_rows.push_back(i);
        ++n;
        i = next(i + 1);
      }
      // An upsert's statement is rendered for its conflict clause (ar::on_conflict), not kept.
      std::string upsert_sql;
      auto statement = [&](crud_kind k, std::size_t rows_in_statement) -> const std::string& {
        if (!rows.conflict) return crud_sql(state, table, k, rows_in_statement);
        upsert_sql = insert_on_conflict_sql(state, table, rows_in_statement, with_key, returning, rows.conflict->target,
                                            rows.conflict->update);
        return upsert_sql;
      };
      if (!returning) {
        inserted += static_cast<std::size_t>(run(state, statement(kind, n), params).rows_affected);
        continue;
      }
      std::int64_t key = 0;
      column_binding binding = bind_column(key);
      if (!d.supports_returning()) {  // one row per statement (see below), its key read on its connection
        if (rows.conflict)            // the last insert id is not the key of a row an upsert updated
          throw error("ar::insert_all: a " + std::string(d.driver_name()) +
                      " database cannot give back the keys of an upsert into '" + std::string(table.table) +
                      "' (no RETURNING)");
        connection_pin pin(state);
        run(pin, crud_sql(state, table, crud_kind::insert, 1), params);
        run(pin, d.last_insert_id_sql(), {}, {&binding, 1});
        key_of.set(batch_rows.front(), key);
        ++inserted;
        continue;
      }
      keys.clear();
      keys.reserve(n);
      auto on_row = [&] { keys.push_back(key); };
      run(state, statement(crud_kind::insert, n), params, {&binding, 1}, row_callback::of(on_row));
      if (keys.size() != n)
        throw error("ar::insert_all: the database returned " + std::to_string(keys.size()) + " keys for " +
                    std::to_string(n) + " rows inserted into '" + std::string(table.table) + "'");
      // The k-th RETURNING row is the k-th VALUES row's (see keys_by_position): matched by
      // position, never by value. Sorting would hand out other rows' keys wherever the database
      // does not generate keys in increasing order (SQLite past the rowid INT64_MAX: random).
      for (std::size_t k = 0; k < n; ++k) key_of.set(batch_rows[k], keys[k]);
      inserted += n;
    }
  };
  // A failed call leaves every key as it was: those written by batches before the failure (rolled
  // back with the transaction, or left to the caller's) are taken back, so that no record keeps
  // the key of a row that is not there, or that a retry would overwrite.
  auto take_back_keys = [&]() noexcept {
    if (!read_keys || generated == 0) return;
    for (std::size_t i = 0; i < rows.size; ++i)
      if (mixed ? unset[i] != 0 : keyed == 0) key_of.set(i, 0);
  };
  try {
    // Where a generated key can only be read back one row at a time, its rows go one at a time.
    if (generated) write(false, read_keys && !d.supports_returning() ? 1 : gen_batch);
    if (keyed) write(true, key_batch);
    if (tx) tx->commit();
  } catch (...) {
    take_back_keys();
    throw;
  }
  return inserted;
}

}  // namespace ar::detail
