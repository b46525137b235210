// Running a query's SELECT and reading its rows: into bound columns (run_select: rows of a tuple,
// aggregates) or into whole records (read_records: the one reading loop of to_vector, first and the
// eager loads), for every model by the same code.

#include "exec/database_state.hpp"

#include <ar/database.hpp>
#include <ar/detail/execute.hpp>
#include <ar/detail/query_state.hpp>
#include <ar/query.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ar::detail {

namespace {
// The SELECT of `state` on `db`, as render_for writes it (its values into `params`): the kept
// statement of its shape, returned, or its text written into `sql`. The tables it reads are checked
// to be on `db` (check_subquery_databases), except for a kept statement already checked under the
// registry as it is now.
std::shared_ptr<const kept_select> render_read(const ar::database& db, const query_state& state, std::string& sql,
                                               std::vector<value>& params) {
  const std::uint64_t generation = registry_generation();
  std::shared_ptr<const kept_select> kept;
  {
    const naming_scope names(db.naming());
    kept = state_of(db).selects.render(sql, params, db.dialect(), state);
  }
  if (!kept || kept->checked.load(std::memory_order_relaxed) != generation) {
    check_subquery_databases(db.name(), state);
    if (kept) kept->checked.store(generation, std::memory_order_relaxed);
  }
  return kept;
}

// Runs the kept statement, when there is one, else `sql`: on a reader of the database when it
// has some (run_read).
void run_kept(const ar::database& db, const kept_select* kept, std::string_view sql, std::span<const value> params,
              std::span<const column_binding> columns, row_callback on_row) {
  database_state& writer = state_of(db);
  const std::string_view text = kept ? std::string_view(kept->sql) : sql;
  const std::size_t* hash = kept ? &kept->hash : nullptr;
  if (writer.readers.empty()) {
    run_hashed(writer, text, hash, params, columns, on_row);
    return;
  }
  // The rows handed over: once there are some, a failure is not sent to another server.
  std::size_t rows = 0;
  auto counted = [&] {
    ++rows;
    if (on_row.call) on_row.call(on_row.context);
  };
  run_read(writer, rows, [&](database_state& server) {
    return run_hashed(server, text, hash, params, columns, row_callback::of(counted));
  });
}

// Reads every row of `state` on `db` into `staging` (its `width` columns bound by `bind`), then
// with_count's counts into its relation caches, and calls sink(context, staging) after each row.
void read_records(const ar::database& db, const query_state& state, void* staging,
                  void (*bind)(void* record, std::span<column_binding> out), std::size_t width,
                  void (*sink)(void* context, void* record), void* context) {
  std::string sql;
  std::vector<value> params;
  const std::shared_ptr<const kept_select> kept = render_read(db, state, sql, params);
  // The columns of the model, then one count per with_count.
  const std::size_t total = width + state.counts.size();
  constexpr std::size_t on_stack = 32;
  std::array<column_binding, on_stack> stack_columns;
  std::vector<column_binding> heap_columns;
  std::span<column_binding> columns;
  if (total <= on_stack) {
    columns = std::span<column_binding>(stack_columns.data(), total);
  } else {
    heap_columns.resize(total);
    columns = heap_columns;
  }
  bind(staging, columns.first(width));
  std::vector<std::int64_t> counts(state.counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) columns[width + i] = bind_column(counts[i]);
  auto row = [&] {
    for (std::size_t i = 0; i < counts.size(); ++i) state.counts[i].store(staging, counts[i]);
    sink(context, staging);
  };
  const query_timeout_scope timeout(state.timeout_ms);
  run_kept(db, kept.get(), sql, params, columns, row_callback::of(row));
}
}  // namespace

void run_select(const ar::database& db, const query_state& state, std::span<const column_binding> columns,
                row_callback on_row, aggregate_kind aggregate, const expr_tree* argument) {
  std::string sql;
  std::vector<value> params;
  std::shared_ptr<const kept_select> kept;
  if (aggregate == aggregate_kind::none)
    kept = render_read(db, state, sql, params);
  else
    render_for(db, state, sql, params, [&](std::string& out, std::vector<value>& values, const dialect& d) {
      render_select(out, values, d, state, aggregate, argument);
    });
  const query_timeout_scope timeout(state.timeout_ms);
  run_kept(db, kept.get(), sql, params, columns, on_row);
}

void read_records(const ar::database& db, const query_state& state, const record_ops& ops,
                  void (*sink)(void* context, void* record), void* context) {
  // The staging record, made here for every model: the rows are read into it one by one.
  struct staging {
    const record_ops& ops;
    void* at;
    explicit staging(const record_ops& o) : ops(o), at(allocate_records(o, 1)) {
      try {
        ops.construct(at);
      } catch (...) {
        free_records(ops, at);
        throw;
      }
    }
    staging(const staging&) = delete;
    staging& operator=(const staging&) = delete;
    ~staging() {
      ops.destroy(at, 1);
      free_records(ops, at);
    }
  } record(ops);
  read_records(db, state, record.at, ops.bind, ops.columns, sink, context);
}

}  // namespace ar::detail
