#ifndef AR_STREAM_HPP
#define AR_STREAM_HPP

// stream(query): an input range over a live cursor. Rows are read one at a time, so memory does
// not grow with the number of rows; range-v3 and std::ranges views compose with it:
//
//   auto rows = ar::stream(ar::from<User>() | ar::filter(User::c.age >= 18));
//   for (const std::string& name : rows | ranges::views::transform(&User::name)) ...
//
// On SQLite the stream steps the statement row by row and holds its connection while it is open:
// with no other connection in the pool (SQLite's default of one), running another statement on
// that database from the same thread throws ar::error (it would otherwise wait for itself);
// destroying the stream, or reading it to the end, frees it. On PostgreSQL (whose client library
// receives whole results) it reads a server-side cursor in batches of `stream_batch_rows` rows, one
// FETCH statement each, on a connection it keeps until closed (the thread's transaction connection
// if it has one); that connection is free for the thread's other statements between batches.
// Single pass: begin() once.
//
// Statements: SQLite 1; PostgreSQL DECLARE, one FETCH per started batch of rows (plus one that
// finds the end when the last batch is full), CLOSE.
//
// with(...) on a stream of whole records loads relations per batch of `stream_batch_rows` rows:
// one statement per relation and level per batch (as to_vector does for all the rows at once),
// the batch's records sharing a context for their lazy loads. A driver that steps the statement
// (SQLite, MariaDB) is stepped a batch ahead, and the batch's statements run beside the stream's on
// its connection.
//
// A sharded model's query (ar::shard) given no database streams from the shards its filter names: one
// cursor on each, opened together, whose records are merged one at a time by the order_by (shard
// after shard without one), drop and take applied after the merge. Whole records only.

#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/query.hpp>

#include <range/v3/range_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <vector>

namespace ar {

// Rows per FETCH when a stream reads a server-side cursor.
inline constexpr std::size_t stream_batch_rows = 1000;

namespace detail {
// A stream's statement, run for every model by the same code (src/query/stream.cpp): the driver steps it
// row by row, or, where the dialect says so (declare_cursor), it is read through a server-side
// cursor in batches. Starts when constructed; the columns must outlive it.
class AR_API stream_cursor {
 public:
  // timeout_ms: the query's ar::timeout, over every statement of the cursor. `check` (SQL written
  // by hand, ar::sql_stream): run on the result's columns before its first row is read.
  stream_cursor(const ar::database& db, std::string sql, std::vector<value> params,
                std::span<const column_binding> columns, std::optional<std::int64_t> timeout_ms,
                result_check check = {});
  stream_cursor(const stream_cursor&) = delete;
  stream_cursor& operator=(const stream_cursor&) = delete;
  ~stream_cursor();

  // Whether rows come in batches (fetch) rather than one at a time (next).
  bool batched() const noexcept;
  // Reads the next row into the columns; false after the last (the connection is then free).
  bool next();
  // Reads the next batch, calling on_row after each row is in the columns; false, the cursor
  // closed, when no row is left. A batch that fails closes the cursor too (its connection is
  // free), then throws.
  bool fetch(row_callback on_row);
  // Calls fn(context), the eager loads of a batch of rows: while the driver is still stepping the
  // statement (its connection is not free until the last row), their statements run beside it on
  // its connection; otherwise as any statement does.
  void beside(void (*fn)(void* context), void* context);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};
}  // namespace detail

// A view (range-v3's and the standard's): copies share one cursor, as input ranges may.
template <class M, class Row, class Staging>
class stream_range : public ranges::view_base {
  struct state {
    ar::database db;
    std::string sql;
    std::vector<value> params;
    std::optional<std::int64_t> timeout_ms;  // ar::timeout's
    Staging staging{};
    std::array<detail::column_binding, detail::staging_binder<Staging>::size> columns;
    std::optional<detail::stream_cursor> source;  // after the columns it reads into
    std::optional<Row> current;
    // The rows of a batch not read yet (a server-side cursor's).
    std::vector<Row> batch;
    std::size_t next_in_batch = 0;
    bool started = false;
    // with(...): the query, whose eager loads each batch gets before its first row is handed out.
    std::shared_ptr<const detail::query_state> eager;
    // A sharded model's query on several shards (ar::shard): a stream on each, merged by `merged`'s
    // order_by (shard after shard without one); drop and take after the merge.
    std::vector<stream_range> shards;
    std::shared_ptr<const detail::query_state> merged;
    std::int64_t skip = 0;
    std::optional<std::int64_t> left;
  };

 public:
  // Reads the rows one at a time: an input iterator, compared with std::default_sentinel.
  class iterator {
   public:
    // The row type.
    using value_type = Row;
    // The distance between two iterators.
    using difference_type = std::ptrdiff_t;
    // The current row.
    using reference = Row&;
    // An input iterator: one pass.
    using iterator_concept = std::input_iterator_tag;

    iterator() = default;
    // The iterator of the stream's state `s`.
    explicit iterator(state* s) noexcept : s_(s) {}

    // The current row.
    Row& operator*() const { return *s_->current; }
    // The current row's members.
    Row* operator->() const { return &*s_->current; }
    // Reads the next row (throws as reading a row does).
    iterator& operator++() {
      advance(*s_);
      return *this;
    }
    // Reads the next row.
    void operator++(int) { ++*this; }
    // Whether the rows are all read.
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return !it.s_ || !it.s_->current; }

   private:
    state* s_ = nullptr;
  };

  stream_range() = default;
  // The stream of query `q`: its statement rendered now, sent at begin().
  template <class J>
  explicit stream_range(const query<M, Row, Staging, J>& q) : s_(std::make_shared<state>()) {
    if (!q.state().counts.empty())
      throw error(
          "ar::stream: with_count(...) does not apply to a stream; use to_vector, or name_count() on the "
          "records you keep");
    if (detail::sharded_query(q.given_database(), q.state())) {
      const std::vector<ar::database> shards = detail::target_shards(q.state());
      if (shards.size() == 1)
        start(q, shards.front());
      else
        on_shards(q, shards);
      return;
    }
    start(q, q.database());
  }

  // Starts the statement and reads the first row.
  iterator begin() {
    if (!s_) return iterator();
    state& s = *s_;
    if (!s.started) {
      s.started = true;
      if (!s.merged) s.source.emplace(s.db, std::move(s.sql), std::move(s.params), s.columns, s.timeout_ms);
      for (stream_range& shard : s.shards) (void)shard.begin();
      advance(s);
    }
    return iterator(s_.get());
  }
  // The end of the rows: std::default_sentinel.
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  template <class J>
  void start(const query<M, Row, Staging, J>& q, const ar::database& db) {
    // As to_vector, with(...) loads relations of whole records only.
    if constexpr (std::is_same_v<Row, M>)
      if (q.state().eager && !q.state().eager->empty()) s_->eager = q.shared_state();
    s_->db = db;
    s_->timeout_ms = q.state().timeout_ms;
    detail::render_for(s_->db, q.state(), s_->sql, s_->params,
                       [&](std::string& out, std::vector<value>& values, const dialect& d) {
                         detail::render_select(out, values, d, q.state());
                       });
    detail::staging_binder<Staging>::bind(s_->staging, s_->columns);
  }

  // A sharded model's query on several shards: a stream of the query on each shard, asked for the
  // rows up to the last the query keeps (take + drop) from the first. Merging needs each row's
  // order_by columns: whole records only.
  template <class J>
  void on_shards(const query<M, Row, Staging, J>& q, const std::vector<ar::database>& shards) {
    if constexpr (!std::is_same_v<Row, M>) {
      throw configuration_error("ar::stream: a query of table '" + std::string(q.state().table->table) +
                                "' selecting other rows than its records runs on every shard, and a stream "
                                "merges whole records only; stream each shard's database");
    } else {
      const std::shared_ptr<detail::query_state> each = detail::copy_state(q.state());
      if (each->limit) *each->limit += q.state().offset.value_or(0);
      each->offset.reset();
      s_->merged = q.shared_state();
      s_->skip = q.state().offset.value_or(0);
      s_->left = q.state().limit;
      s_->shards.reserve(shards.size());
      for (const ar::database& db : shards) s_->shards.push_back(stream_range(query<M, Row, Staging, J>(db, each)));
    }
  }

  static void advance(state& s) {
    if (s.merged) return advance_merged(s);
    if (s.next_in_batch < s.batch.size()) {
      s.current.emplace(std::move(s.batch[s.next_in_batch++]));
      return;
    }
    if constexpr (std::is_same_v<Row, M>)
      if (s.eager) return advance_loading(s);
    if (!s.source->batched()) {
      if (s.source->next())
        s.current.emplace(detail::make_row<Row>(std::move(s.staging)));
      else
        s.current.reset();
      return;
    }
    s.batch.clear();
    s.next_in_batch = 0;
    auto keep = [&] { s.batch.push_back(detail::make_row<Row>(std::move(s.staging))); };
    if (!s.source->fetch(detail::row_callback::of(keep)) || s.batch.empty()) {
      s.current.reset();
      return;
    }
    s.current.emplace(std::move(s.batch[s.next_in_batch++]));
  }

  // with(...): the rows come in batches of stream_batch_rows on every backend (a driver that steps
  // the statement is stepped that far), and each batch gets its eager loads, one statement per
  // relation and level, before its first row is handed out.
  static void advance_loading(state& s) {
    s.batch.clear();
    s.next_in_batch = 0;
    if (s.source->batched()) {
      auto keep = [&] { s.batch.push_back(detail::make_row<Row>(std::move(s.staging))); };
      s.source->fetch(detail::row_callback::of(keep));
    } else {
      while (s.batch.size() < stream_batch_rows && s.source->next())
        s.batch.push_back(detail::make_row<Row>(std::move(s.staging)));
    }
    if (s.batch.empty()) {
      s.current.reset();
      return;
    }
    auto load = [&] { detail::finish_records(*s.eager, s.batch.data(), s.batch.size()); };
    s.source->beside([](void* context) { (*static_cast<decltype(load)*>(context))(); }, &load);
    s.current.emplace(std::move(s.batch[s.next_in_batch++]));
  }

  // The next row of a stream over shards: the least of the shards' current rows by the order_by
  // (the first shard's that has one without order_by), after `skip` rows, until `left` are out.
  static void advance_merged(state& s) {
    if constexpr (std::is_same_v<Row, M>) advance_merged_records(s);
  }
  static void advance_merged_records(state& s) {
    for (;;) {
      if (s.left && *s.left <= 0) {
        s.current.reset();
        return;
      }
      state* from = nullptr;
      for (stream_range& shard : s.shards) {
        state& at = *shard.s_;
        if (!at.current) continue;
        if (from == nullptr) {
          from = &at;
          if (s.merged->order.empty()) break;
        } else if (detail::merge_before(*s.merged, detail::columns_of(*at.current),
                                        detail::columns_of(*from->current))) {
          from = &at;
        }
      }
      if (from == nullptr) {
        s.current.reset();
        return;
      }
      if (s.skip > 0) {
        --s.skip;
        advance(*from);
        continue;
      }
      s.current.emplace(std::move(*from->current));
      advance(*from);
      if (s.left) --*s.left;
      return;
    }
  }

  std::shared_ptr<state> s_;
};

namespace detail {
struct stream_fn {
  template <class M, class R, class S, class J>
  stream_range<M, R, S> operator()(const query<M, R, S, J>& q) const {
    return stream_range<M, R, S>(q);
  }
};
}  // namespace detail

// query | ar::stream, or ar::stream(query).
inline namespace views {
// query | stream: the rows one at a time, in constant memory (ar::stream_range).
inline constexpr closure<detail::stream_fn> stream{};
}  // namespace views

}  // namespace ar

namespace std::ranges {
template <class M, class Row, class Staging>
inline constexpr bool enable_view<ar::stream_range<M, Row, Staging>> = true;
}  // namespace std::ranges

#endif  // AR_STREAM_HPP
