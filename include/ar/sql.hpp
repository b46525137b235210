#ifndef AR_SQL_HPP
#define AR_SQL_HPP

// SQL written by hand, for what a pipeline does not say. ? marks each value on every backend; the
// values are bound, never written into the text.
//
//   auto users = ar::sql<User>(db, "SELECT * FROM users WHERE karma > ? ORDER BY id", 5);
//   auto rows  = ar::sql<std::tuple<std::string, std::int64_t>>(db, "SELECT country, COUNT(*) FROM ...");
//   auto n     = ar::sql<std::int64_t>(db, "SELECT COUNT(*) FROM users")[0];
//   ar::execute(db, "UPDATE users SET karma = karma + ? WHERE id = ?", 1, 42);
//   for (const User& u : ar::sql_stream<User>(db, "SELECT * FROM users WHERE karma > ?", 5)) ...
//
// A model's rows are matched to its columns by name (every column once, nothing more); a
// std::tuple's, a single value's and a struct's declared with BOOST_HANA_DEFINE_STRUCT or
// BOOST_HANA_ADAPT_STRUCT are read in order (the tuple) or by member name (the struct). A result
// of another shape throws ar::database_error naming the column; a value that does not fit its
// field throws ar::conversion_error, as every read does. docs/querying.md, "SQL written by hand".
//
// ar::sql_stream reads the same rows one at a time, as ar::stream reads a query's (ar/stream.hpp):
// an input range and a view, whose statement runs at begin(); on SQLite and MariaDB the driver
// steps it, on PostgreSQL it is read through a server-side cursor (DECLARE ... WITH HOLD, so it must
// be a query a cursor can read: SELECT, VALUES, WITH ... SELECT) in batches of ar::stream_batch_rows.
// The shape of its result is checked before its first row, as ar::sql's.

#include <ar/database.hpp>
#include <ar/detail/execute.hpp>
#include <ar/export.hpp>
#include <ar/model_traits.hpp>
#include <ar/value.hpp>

#include <boost/hana/accessors.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/concept/struct.hpp>
#include <boost/hana/first.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/string.hpp>
#include <boost/hana/core/to.hpp>
#include <boost/hana/unpack.hpp>

#include <range/v3/range_fwd.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ar {

namespace detail {

// What the rows of a SELECT written by hand are read into.
struct hand_written_target {
  std::string_view what;                    // for messages: "the model 'users'", "a std::tuple of 2"
  const table_meta* table = nullptr;        // a model: columns matched to its columns' names
  std::span<const std::string_view> names;  // a struct: matched to its members' names
  std::size_t width = 0;                    // how many columns a row has
};

// Runs a SELECT written by hand (its ? become the dialect's placeholders) and reads each row into
// `staging`, whose `width` fields `bind` binds in the target's order, then calls sink(context).
AR_API void read_hand_written(const database& db, std::string_view sql, std::span<const value> params,
                              const hand_written_target& target, void* staging,
                              void (*bind)(void* staging, std::span<column_binding> out), void (*sink)(void* context),
                              void* context);
// A SELECT written by hand read row by row (ar::sql_stream): its text translated and its target's
// columns bound into `staging` when made; open() runs it as ar::stream runs a query (a
// stream_cursor: stepped by the driver, or a server-side cursor read in batches), its result's
// columns checked against the target's before the first row. `staging` must outlive it.
class AR_API hand_written_cursor {
 public:
  hand_written_cursor(const database& db, std::string_view sql, std::vector<value> params,
                      const hand_written_target& target, void* staging,
                      void (*bind)(void* staging, std::span<column_binding> out));
  hand_written_cursor(const hand_written_cursor&) = delete;
  hand_written_cursor& operator=(const hand_written_cursor&) = delete;
  ~hand_written_cursor();

  void open();
  // As stream_cursor's (ar/stream.hpp): whether rows come in batches (fetch) or one at a time (next).
  bool batched() const noexcept;
  bool next();
  bool fetch(row_callback on_row);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Runs a statement written by hand; the rows it changed.
AR_API std::uint64_t execute_hand_written(const database& db, std::string_view sql, std::span<const value> params);

template <class T>
inline constexpr bool refuse_hand_written_value = false;

// The parameter of one value given to ar::sql or ar::execute.
template <class T>
value hand_written_value(const T& v) {
  if constexpr (std::is_same_v<T, std::nullopt_t>) {
    return value{};
  } else if constexpr (is_field_type_v<T>) {
    return to_value(v);
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return value{std::string(std::string_view(v))};
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) <= sizeof(std::int64_t)) {
    return value{static_cast<std::int64_t>(v)};
  } else {
    static_assert(refuse_hand_written_value<T>,
                  "ar::sql / ar::execute: a value of this type cannot be bound: give one of a type a column holds "
                  "(an integer, double, bool, std::string, ar::time_point, ...) or one with an ar::type_mapping");
    return value{};
  }
}

template <class T>
inline constexpr bool is_std_tuple_v = false;
template <class... T>
inline constexpr bool is_std_tuple_v<std::tuple<T...>> = true;

// How a row type is read: its width, its names (a struct's), and the binding of its fields.
template <class Row>
struct hand_written_row {
  static constexpr bool supported = false;
};

// One value.
template <class T>
  requires is_field_type_v<T>
struct hand_written_row<T> {
  static constexpr bool supported = true;
  static constexpr std::size_t width = 1;
  static void bind(void* row, std::span<column_binding> out) noexcept { out[0] = bind_column(*static_cast<T*>(row)); }
};

// A std::tuple: column i into element i.
template <class... T>
struct hand_written_row<std::tuple<T...>> {
  static constexpr bool supported = (is_field_type_v<T> && ...);
  static constexpr std::size_t width = sizeof...(T);
  static void bind(void* row, std::span<column_binding> out) noexcept {
    std::apply(
        [&](auto&... element) {
          std::size_t i = 0;
          ((out[i++] = bind_column(element)), ...);
        },
        *static_cast<std::tuple<T...>*>(row));
  }
};

// A Boost.Hana Struct (BOOST_HANA_DEFINE_STRUCT / BOOST_HANA_ADAPT_STRUCT): by member name.
template <class S>
  requires(!model<S> && boost::hana::Struct<S>::value)
struct hand_written_row<S> {
  static constexpr bool supported = true;
  static constexpr std::size_t width = decltype(boost::hana::length(boost::hana::accessors<S>()))::value;
  static const std::array<std::string_view, width>& names() {
    static const std::array<std::string_view, width> all =
        boost::hana::unpack(boost::hana::accessors<S>(), [](auto... a) {
          return std::array<std::string_view, width>{
              std::string_view(boost::hana::to<char const*>(boost::hana::first(a)))...};
        });
    return all;
  }
  static void bind(void* row, std::span<column_binding> out) noexcept {
    S& s = *static_cast<S*>(row);
    boost::hana::unpack(boost::hana::accessors<S>(), [&](auto... a) {
      std::size_t i = 0;
      ((out[i++] = bind_column(boost::hana::second(a)(s))), ...);
    });
  }
};

// What a Row is read through: the target its result is checked against, and the binding of its
// fields (in the target's order).
struct hand_written_reader {
  hand_written_target target;
  void (*bind)(void*, std::span<column_binding>) noexcept = nullptr;
};

template <class Row>
hand_written_reader hand_written_reader_of() {
  hand_written_reader out;
  if constexpr (model<Row>) {
    out.target = {"the model", &table_meta_v<Row>, {}, model_of<Row>::size};
    out.bind = &bind_record_erased<Row>;
  } else {
    using shape = hand_written_row<Row>;
    out.target.width = shape::width;
    out.bind = &shape::bind;
    if constexpr (requires { shape::names(); }) {
      out.target.what = "the struct";
      out.target.names = shape::names();
    } else {
      out.target.what = "the row type";
    }
  }
  return out;
}

}  // namespace detail

// Runs one statement written by hand (? for each value) and returns the rows it changed.
template <class... Args>
std::uint64_t execute(const database& db, std::string_view sql, const Args&... args) {
  const std::array<value, sizeof...(Args)> params{detail::hand_written_value(args)...};
  return detail::execute_hand_written(db, sql, params);
}

// The rows of one SELECT written by hand (? for each value), each read into a Row: a model (its
// columns by name, as its table names them on `db`), a std::tuple (in order), a single value, or a
// Hana struct (by member name). Records of a model load their relations as any do (lazily, or by
// ar::load on the vector).
template <class Row, class... Args>
std::vector<Row> sql(const database& db, std::string_view sql, const Args&... args) {
  static_assert(model<Row> || detail::hand_written_row<Row>::supported,
                "ar::sql<Row>: Row must be a model, a std::tuple of column types, a column type, or a struct "
                "declared with BOOST_HANA_DEFINE_STRUCT / BOOST_HANA_ADAPT_STRUCT of column types");
  const std::array<value, sizeof...(Args)> params{detail::hand_written_value(args)...};
  std::vector<Row> rows;
  Row staging{};
  struct sink_context {
    std::vector<Row>& rows;
    Row& staging;
  } context{rows, staging};
  auto sink = [](void* c) {
    auto& s = *static_cast<sink_context*>(c);
    s.rows.push_back(std::move(s.staging));  // the next row overwrites every field it was bound to
  };
  const detail::hand_written_reader reader = detail::hand_written_reader_of<Row>();
  detail::read_hand_written(db, sql, params, reader.target, &staging, reader.bind, sink, &context);
  return rows;
}

// The rows of ar::sql_stream: a view (range-v3's and the standard's) over a live statement, single
// pass; copies share one cursor, as input ranges may.
template <class Row>
class sql_stream_range : public ranges::view_base {
  struct state {
    Row staging{};
    std::optional<detail::hand_written_cursor> source;  // reads into staging
    std::optional<Row> current;
    // The rows of a batch not read yet (a server-side cursor's).
    std::vector<Row> batch;
    std::size_t next_in_batch = 0;
    bool started = false;
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

  sql_stream_range() = default;
  // The text is translated (and its ? counted) here; it runs at begin().
  sql_stream_range(const database& db, std::string_view sql, std::vector<value> params)
      : s_(std::make_shared<state>()) {
    const detail::hand_written_reader reader = detail::hand_written_reader_of<Row>();
    s_->source.emplace(db, sql, std::move(params), reader.target, &s_->staging, reader.bind);
  }

  // Runs the statement and reads the first row.
  iterator begin() {
    if (!s_) return iterator();
    state& s = *s_;
    if (!s.started) {
      s.started = true;
      s.source->open();
      advance(s);
    }
    return iterator(s_.get());
  }
  // The end of the rows: std::default_sentinel.
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  static void advance(state& s) {
    if (s.next_in_batch < s.batch.size()) {
      s.current.emplace(std::move(s.batch[s.next_in_batch++]));
      return;
    }
    // The next row overwrites every field the staging row was bound to.
    if (!s.source->batched()) {
      if (s.source->next())
        s.current.emplace(std::move(s.staging));
      else
        s.current.reset();
      return;
    }
    s.batch.clear();
    s.next_in_batch = 0;
    auto keep = [&] { s.batch.push_back(std::move(s.staging)); };
    if (!s.source->fetch(detail::row_callback::of(keep)) || s.batch.empty()) {
      s.current.reset();
      return;
    }
    s.current.emplace(std::move(s.batch[s.next_in_batch++]));
  }

  std::shared_ptr<state> s_;
};

// The rows of one SELECT written by hand (? for each value), read one at a time into a Row of the
// kinds ar::sql takes, as they come: memory does not grow with the number of rows. The statement
// runs when the range's begin() is first called; a result of another shape throws
// ar::database_error naming the column there, before any row. Its connection is held as
// ar::stream's is (ar/stream.hpp) until the last row is read or the range is destroyed.
template <class Row, class... Args>
sql_stream_range<Row> sql_stream(const database& db, std::string_view sql, const Args&... args) {
  static_assert(model<Row> || detail::hand_written_row<Row>::supported,
                "ar::sql_stream<Row>: Row must be a model, a std::tuple of column types, a column type, or a struct "
                "declared with BOOST_HANA_DEFINE_STRUCT / BOOST_HANA_ADAPT_STRUCT of column types");
  return sql_stream_range<Row>(db, sql, std::vector<value>{detail::hand_written_value(args)...});
}

}  // namespace ar

namespace std::ranges {
template <class Row>
inline constexpr bool enable_view<ar::sql_stream_range<Row>> = true;
}  // namespace std::ranges

#endif  // AR_SQL_HPP
