// The statements of find and update, run for every model by the same code: a model hands over
// where its columns are.

#include <ar/crud.hpp>

#include <string>

namespace ar::detail {

bool find_row(const database& db, const table_meta& table, const record_ops& ops, void* record, column_binding key) {
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
  const value param = value_of(key, &table, table.primary_key);
  bool found = false;
  auto on_row = [&] { found = true; };
  run(state, crud_sql(state, table, crud_kind::select_by_key), {&param, 1}, columns, row_callback::of(on_row));
  return found;
}

void update_row(const database& db, const table_meta& table, std::span<const column_binding> columns) {
  auto& state = detail::state_of(db);
  parameter_list params;
  params.append(columns, table.primary_key, &table);
  params.append(columns[table.primary_key], &table, table.primary_key);
  const auto result = run(state, crud_sql(state, table, crud_kind::update), params.span());
  if (result.rows_affected == 0) throw record_not_found(std::string(table.table), to_string(params.span().back()));
}

}  // namespace ar::detail
