// The statements of find and update, run for every model by the same code: a model hands over
// where its columns are.

#include "exec/database_state.hpp"

#include <ar/crud.hpp>
#include <ar/validation.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ar::detail {

bool find_row(const database& db, const table_meta& table, const record_ops& ops, void* record,
              std::span<const column_binding> key) {
  auto& state = detail::state_of(db);
  constexpr std::size_t on_stack = 64;
  std::array<column_binding, on_stack> stack_columns;
  std::vector<column_binding> heap_columns;
  std::span<column_binding> columns;
  if (ops.columns <= on_stack) {
    columns = std::span<column_binding>(stack_columns.data(), ops.columns);
  } else {
    heap_columns.resize(ops.columns);
    columns = heap_columns;
  }
  ops.bind(record, columns);
  std::array<value, 8> stack_key;
  std::vector<value> heap_key;
  std::span<value> params(stack_key.data(), key.size());
  if (key.size() > stack_key.size()) {
    heap_key.resize(key.size());
    params = heap_key;
  }
  for (std::size_t k = 0; k < key.size(); ++k) params[k] = value_of(key[k], &table, table.key_columns[k]);
  // By the whole primary key: at most one row, so the statement ends after it (run_one_row); on a
  // reader of the database when it has some (run_read: the row is read into `record` only once it
  // came, so a failure before it may be sent to another server).
  if (state.readers.empty())
    return run_one_row(state, crud_statement(state, table, crud_kind::select_by_key), params, columns).rows_fetched !=
           0;
  constexpr std::size_t no_rows_handed_over = 0;
  return run_read(state, no_rows_handed_over, [&](database_state& server) {
           return run_one_row(server, crud_statement(server, table, crud_kind::select_by_key), params, columns);
         }).rows_fetched != 0;
}

namespace {
std::int64_t version_of(const value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* i = std::get_if<std::int32_t>(&v)) return *i;
  return 0;
}
}  // namespace

// Whether two values are the same to store: doubles bit for bit (-0.0 is not 0.0 to a database that
// keeps the sign; a NaN is the same NaN), everything else by ==.
bool same_stored(const value& a, const value& b) {
  const auto* x = std::get_if<double>(&a);
  const auto* y = std::get_if<double>(&b);
  if (x && y) return std::bit_cast<std::uint64_t>(*x) == std::bit_cast<std::uint64_t>(*y);
  return a == b;
}

bool column_changed(const column_binding& now, const column_binding& saved, const table_meta& table,
                    std::size_t position) {
  // Through the table and position: a value its column cannot hold is refused naming them.
  return !same_stored(value_of(now, &table, position), value_of(saved, &table, position));
}

void changed_columns(const table_meta& table, std::span<const column_binding> columns,
                     std::span<const column_binding> saved, std::vector<std::size_t>& out) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (table.is_key(i) || i == table.lock_version) continue;
    if (saved.empty() || column_changed(columns[i], saved[i], table, i)) out.push_back(i);
  }
}

void update_columns(const database& db, const table_meta& table, std::span<const column_binding> columns,
                    std::span<const std::size_t> which) {
  auto& state = detail::state_of(db);
  parameter_list params(db.dialect());
  for (const std::size_t i : which) params.append(columns[i], &table, i);
  for (const std::size_t k : table.key_columns) params.append(columns[k], &table, k);
  if (table.locked()) params.append(columns[table.lock_version], &table, table.lock_version);
  const std::size_t writable = columns.size() - table.key_columns.size();
  std::string partial;
  if (table.locked() || which.size() != writable) partial = update_columns_sql(state, table, which);
  const std::string& sql = partial.empty() ? crud_sql(state, table, crud_kind::update) : partial;
  const auto result = run(state, sql, params.span());
  if (result.rows_affected > 0) return;
  const auto key = params.span().subspan(which.size(), table.key_columns.size());
  if (table.locked())
    throw stale_record_error(db.name(), std::string(table.table), key_text(key), version_of(params.span().back()));
  // A client that counts the rows an UPDATE changed, not those it found (MySQL's without
  // CLIENT_FOUND_ROWS), says 0 for a row that already holds the new values (another writer set
  // them): that is no missing row. Only this path asks.
  std::int64_t rows = 0;
  const column_binding count = bind_column(rows);
  run(state, crud_sql(state, table, crud_kind::count_by_key), key, {&count, 1});
  if (rows == 0) throw record_not_found(std::string(table.table), key_text(key));
}

bool delete_locked_row(const database& db, const table_meta& table, std::span<const column_binding> columns) {
  auto& state = detail::state_of(db);
  parameter_list params(db.dialect());
  for (const std::size_t k : table.key_columns) params.append(columns[k], &table, k);
  params.append(columns[table.lock_version], &table, table.lock_version);
  const auto result = run(state, crud_sql(state, table, crud_kind::destroy_locked), params.span());
  if (result.rows_affected > 0) return true;
  throw stale_record_error(db.name(), std::string(table.table), key_text(params.span().first(table.key_columns.size())),
                           version_of(params.span().back()));
}

bool value_taken(const database& db, const table_meta& table, std::size_t position, const value& v,
                 std::span<const value> own_key) {
  auto& state = detail::state_of(db);
  std::vector<value> params;
  params.reserve(1 + own_key.size());
  params.push_back(v);
  params.insert(params.end(), own_key.begin(), own_key.end());
  std::int64_t rows = 0;
  const column_binding count = bind_column(rows);
  run(state, uniqueness_sql(state, table, position, !own_key.empty()), params, {&count, 1});
  return rows > 0;
}

void update_row(const database& db, const table_meta& table, std::span<const column_binding> columns) {
  auto& state = detail::state_of(db);
  parameter_list params(db.dialect());
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (!table.is_key(i)) params.append(columns[i], &table, i);
  for (const std::size_t k : table.key_columns) params.append(columns[k], &table, k);
  const auto result = run(state, crud_sql(state, table, crud_kind::update), params.span());
  if (result.rows_affected == 0)
    throw record_not_found(std::string(table.table), key_text(params.span().last(table.key_columns.size())));
}

}  // namespace ar::detail
