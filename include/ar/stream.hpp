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

#include <ar/error.hpp>
#include <ar/query.hpp>

#include <range/v3/range_fwd.hpp>

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <ranges>

namespace ar {

// Rows per FETCH when a stream reads a server-side cursor.
inline constexpr std::size_t stream_batch_rows = 1000;

namespace detail {
std::string next_cursor_name();

// Runs a statement without parameters, calling on_row for each row read into `columns`.
template <std::size_t N, class OnRow>
void for_each_row_of(connection_pin& pin, const std::string& sql, std::array<column_binding, N>& columns,
                     OnRow&& on_row) {
  run(pin, sql, {}, columns, row_callback::of(on_row), cache_policy::once);
}
}  // namespace detail

// A view (range-v3's and the standard's): copies share one cursor, as input ranges may.
template <class M, class Row, class Staging>
class stream_range : public ranges::view_base {
  struct state {
    ar::database db;
    std::string sql;
    std::vector<value> params;
    Staging staging{};
    std::array<detail::column_binding, detail::staging_binder<Staging>::size> columns;
    std::optional<detail::cursor> cursor;
    std::optional<Row> current;
    // Reading a server-side cursor in batches (empty names: the driver streams by itself), on the
    // connection it was declared on.
    std::optional<detail::connection_pin> pin;
    std::string cursor_name;
    std::string fetch_sql;
    std::vector<Row> batch;
    std::size_t next_in_batch = 0;
    bool fetched_once = false;
    bool open_on_server = false;
    bool started = false;

    ~state() { close_server_cursor(); }

    void close_server_cursor() noexcept {
      if (!open_on_server) return;
      open_on_server = false;
      try {
        detail::run(*pin, db.dialect().close_cursor(cursor_name), {}, {}, {}, detail::cache_policy::once);
      } catch (...) {
        // The cursor dies with the connection at the latest.
      }
      pin.reset();
    }
  };

 public:
  class iterator {
   public:
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    using reference = Row&;
    using iterator_concept = std::input_iterator_tag;

    iterator() = default;
    explicit iterator(state* s) noexcept : s_(s) {}

    Row& operator*() const { return *s_->current; }
    Row* operator->() const { return &*s_->current; }
    iterator& operator++() {
      advance(*s_);
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
      return !it.s_ || !it.s_->current;
    }

   private:
    state* s_ = nullptr;
  };

  stream_range() = default;
  explicit stream_range(const query<M, Row, Staging>& q) : s_(std::make_shared<state>()) {
    if (q.state().eager || !q.state().counts.empty())
      throw error("ar::stream reads rows one by one: with(...) and with_count(...) do not apply to it; use to_vector, "
                  "or ar::load on the records you keep");
    s_->db = q.database();
    detail::render_select(s_->sql, s_->params, s_->db.dialect(), q.state());
    detail::staging_binder<Staging>::bind(s_->staging, s_->columns);
  }

  // Starts the statement and reads the first row.
  iterator begin() {
    if (!s_) return iterator();
    state& s = *s_;
    if (!s.started) {
      s.started = true;
      const dialect& d = s.db.dialect();
      s.cursor_name = detail::next_cursor_name();
      const std::string declare = d.declare_cursor(s.cursor_name, s.sql);
      if (declare.empty()) {
        s.cursor.emplace(s.db.state(), s.sql, s.params, s.columns);
      } else {
        s.pin.emplace(s.db.state());
        detail::run(*s.pin, declare, s.params, {}, {}, detail::cache_policy::once);
        s.open_on_server = true;
        s.fetch_sql = d.fetch_cursor(s.cursor_name, stream_batch_rows);
      }
      advance(s);
    }
    return iterator(s_.get());
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  static void advance(state& s) {
    if (!s.open_on_server) {
      if (s.cursor && s.cursor->next()) {
        s.current.emplace(detail::make_row<Row>(std::move(s.staging)));
      } else {
        s.current.reset();
        s.cursor.reset();
      }
      return;
    }
    // A server-side cursor: read a whole batch, so that the connection is free between batches.
    if (s.next_in_batch == s.batch.size()) {
      const bool more = s.batch.empty() ? !s.fetched_once : s.batch.size() == stream_batch_rows;
      s.batch.clear();
      s.next_in_batch = 0;
      if (more) {
        s.fetched_once = true;
        detail::for_each_row_of(*s.pin, s.fetch_sql, s.columns,
                                [&] { s.batch.push_back(detail::make_row<Row>(std::move(s.staging))); });
      }
      if (s.batch.empty()) {
        s.current.reset();
        s.close_server_cursor();
        return;
      }
    }
    s.current.emplace(std::move(s.batch[s.next_in_batch++]));
  }

  std::shared_ptr<state> s_;
};

namespace detail {
struct stream_fn {
  template <class M, class R, class S>
  stream_range<M, R, S> operator()(const query<M, R, S>& q) const {
    return stream_range<M, R, S>(q);
  }
};
}  // namespace detail

// query | ar::stream, or ar::stream(query).
inline constexpr closure<detail::stream_fn> stream{};

}  // namespace ar

namespace std::ranges {
template <class M, class Row, class Staging>
inline constexpr bool enable_view<ar::stream_range<M, Row, Staging>> = true;
}  // namespace std::ranges

#endif  // AR_STREAM_HPP
