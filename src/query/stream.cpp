// The statements of a stream (include/ar/stream.hpp), for every model by the same code. The dialect
// says whether the driver steps the query itself or the stream reads a server-side cursor, and
// spells the cursor's statements; the sequence (DECLARE, FETCH until a batch comes back short,
// CLOSE) is here, out of the template.

#include "exec/database_state.hpp"

#include <ar/database.hpp>
#include <ar/stream.hpp>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace ar::detail {

namespace {

// Cursor names are unique in the process, so two streams on one connection never meet.
std::string next_cursor_name() {
  static std::atomic<std::uint64_t> counter{0};
  return "ar_stream_" + std::to_string(++counter);
}

}  // namespace

struct stream_cursor::impl {
  ar::database db;
  std::string sql;
  std::vector<value> params;
  std::span<const column_binding> columns;
  std::optional<std::int64_t> timeout_ms;  // the query's ar::timeout
  result_check check;                      // run on the first result (stepped or fetched)
  // The driver steps the statement, or:
  std::optional<cursor> rows;
  // a server-side cursor, read in batches on the connection it was declared on.
  std::optional<connection_pin> pin;
  std::string name;
  std::string fetch_sql;
  bool open_on_server = false;
  // Through a transaction pooler, outside a transaction: the stream's own BEGIN ... COMMIT around
  // its cursor, which lives on one server connection, the one the transaction holds.
  bool own_transaction = false;
  bool fetched_once = false;
  std::size_t last_batch = 0;

  impl(const ar::database& d, std::string s, std::vector<value> p, std::span<const column_binding> c,
       std::optional<std::int64_t> t, result_check k)
      : db(d), sql(std::move(s)), params(std::move(p)), columns(c), timeout_ms(t), check(k) {}
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;
  ~impl() { close(); }

  void close() noexcept {
    if (!open_on_server) return;
    open_on_server = false;
    try {
      const query_timeout_scope timeout(timeout_ms);
      run(*pin, db.dialect().close_cursor(name), {}, {}, {}, cache_policy::once);
    } catch (...) {
      // The cursor dies with the connection at the latest.
    }
    end_own_transaction();
    pin.reset();
  }

  // The transaction the stream began for its cursor, committed (a failed one: the server rolls it
  // back). If even that fails, the connection is broken and dropped with its transaction.
  void end_own_transaction() noexcept {
    if (!own_transaction) return;
    own_transaction = false;
    try {
      run(*pin, db.dialect().commit_transaction(), {}, {}, {}, cache_policy::once);
    } catch (...) {
    }
  }
};

stream_cursor::stream_cursor(const ar::database& db, std::string sql, std::vector<value> params,
                             std::span<const column_binding> columns, std::optional<std::int64_t> timeout_ms,
                             result_check check)
    : impl_(std::make_unique<impl>(db, std::move(sql), std::move(params), columns, timeout_ms, check)) {
  impl& s = *impl_;
  const query_timeout_scope timeout(s.timeout_ms);
  const ar::dialect& d = s.db.dialect();
  s.name = next_cursor_name();
  const std::string declare = d.declare_cursor(s.name, s.sql);
  if (declare.empty()) {
    s.rows.emplace(detail::state_of(s.db), s.sql, s.params, s.columns, cache_policy::cache, s.check);
    return;
  }
  s.pin.emplace(detail::state_of(s.db));
  if (detail::state_of(s.db).transaction_pooled && !s.db.in_transaction()) {
    run(*s.pin, d.begin_transaction(), {}, {}, {}, cache_policy::once);
    s.own_transaction = true;
  }
  try {
    run(*s.pin, declare, s.params, {}, {}, cache_policy::once);
  } catch (...) {
    s.end_own_transaction();
    throw;
  }
  s.open_on_server = true;
  s.fetch_sql = d.fetch_cursor(s.name, stream_batch_rows);
}

stream_cursor::~stream_cursor() = default;

bool stream_cursor::batched() const noexcept { return impl_->pin.has_value(); }

bool stream_cursor::next() {
  impl& s = *impl_;
  const query_timeout_scope timeout(s.timeout_ms);
  if (s.rows && s.rows->next()) return true;
  s.rows.reset();  // frees the connection
  return false;
}

void stream_cursor::beside(void (*fn)(void* context), void* context) {
  if (impl_->rows)
    impl_->rows->lend(fn, context);
  else
    fn(context);
}

bool stream_cursor::fetch(row_callback on_row) {
  impl& s = *impl_;
  if (!s.open_on_server) return false;
  // A batch shorter than asked for was the last one: no FETCH to find the end.
  if (s.fetched_once && s.last_batch < stream_batch_rows) {
    s.close();
    return false;
  }
  const bool first = !s.fetched_once;
  s.fetched_once = true;
  const query_timeout_scope timeout(s.timeout_ms);
  try {
    // The first batch's result is the one checked: every FETCH of the cursor has its columns.
    s.last_batch =
        first && s.check.call
            ? run_checked(*s.pin, s.fetch_sql, {}, s.columns, s.check, on_row, cache_policy::once).rows_fetched
            : run(*s.pin, s.fetch_sql, {}, s.columns, on_row, cache_policy::once).rows_fetched;
  } catch (...) {
    s.close();
    throw;
  }
  if (s.last_batch == 0) {
    s.close();
    return false;
  }
  return true;
}

}  // namespace ar::detail
