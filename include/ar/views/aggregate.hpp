#ifndef AR_VIEWS_AGGREGATE_HPP
#define AR_VIEWS_AGGREGATE_HPP

// Terminal aggregates: count, exists, sum(column), minimum(column), maximum(column), average(column).
// They respect filter, and take / drop / distinct (then they run over a subquery).
//   std::int64_t adults = from<User>() | filter(User::c.age >= 18) | count;
//   std::optional<int> oldest = from<User>() | maximum(User::c.age);

#include <ar/query.hpp>
#include <ar/views/select.hpp>

#include <cstdint>
#include <optional>

namespace ar {

namespace detail {

struct count_fn {
  template <class M, class R, class S, class J>
  std::int64_t operator()(const query<M, R, S, J>& q) const {
    return scalar_of<std::int64_t>(q, aggregate_kind::count);
  }
};

struct exists_fn {
  template <class M, class R, class S, class J>
  bool operator()(const query<M, R, S, J>& q) const {
    if (sharded_query(q.given_database(), q.state()))
      return sharded_scalar<bool>(q.state(), aggregate_kind::exists, nullptr);
    const ar::database db = q.database();
    std::string sql;
    std::vector<value> params;
    render_for(db, q.state(), sql, params, [&](std::string& out, std::vector<value>& values, const dialect& d) {
      render_select(out, values, d, q.state(), aggregate_kind::exists);
    });
    std::int64_t one = 0;
    column_binding column = bind_column(one);
    return run(detail::state_of(db), sql, params, {&column, 1}).rows_fetched > 0;
  }
};

template <class Column>
using column_scalar_t = typename expression_traits<Column>::scalar;

template <aggregate_kind Kind, class Column>
auto make_aggregate(const Column& column) {
  static_assert(is_column_v<Column>, "ar: sum, minimum, maximum and average take a column handle (Model::c.field)");
  using scalar = column_scalar_t<Column>;
  constexpr bool exact = category_of_value<scalar>() == category::decimal;
  constexpr bool numeric = category_of_value<scalar>() == category::number || exact;
  if constexpr (Kind == aggregate_kind::sum || Kind == aggregate_kind::avg)
    static_assert(numeric, "ar: sum and average add numbers: use them on a number column");
  // SUM of integers is an integer (0 over no rows), of decimals an ar::decimal, exact: PostgreSQL
  // and MariaDB add decimals, SQLite adds an ar::numeric<P, S> column in whole units of 10^-S
  // (dialect::decimal_sum), and a total that is no decimal of 15 digits there is refused, never
  // rounded (docs/backends.md, "Exact decimals"); MIN / MAX keep the column's type; AVG is a
  // double; the last three have no value over no rows.
  using result = std::conditional_t<
      Kind == aggregate_kind::sum,
      std::conditional_t<exact, decimal, std::conditional_t<std::is_same_v<scalar, double>, double, std::int64_t>>,
      std::conditional_t<Kind == aggregate_kind::avg, std::optional<double>, std::optional<scalar>>>;
  return closure{[tree = to_tree(column)]<class M, class R, class S, class J>(const query<M, R, S, J>& q) {
    static_assert(belongs_to_query<query<M, R, S, J>, Column>(),
                  "ar: the aggregated column belongs to another model than the query's (or one it joins)");
    if constexpr (exact && Kind == aggregate_kind::sum && detail::declared_numeric<scalar>::precision > 0) {
      // At the column's scale, as PostgreSQL and MariaDB give it (SQLite's sum is a double: 2328.6).
      const decimal total = scalar_of<result>(q, Kind, &tree);
      constexpr int scale = detail::declared_numeric<scalar>::scale;
      return total.scale() < scale ? total.rescaled(scale) : total;
    } else {
      return scalar_of<result>(q, Kind, &tree);
    }
  }};
}

// sum, minimum, maximum, average: a function object each, called with the column.
template <aggregate_kind Kind>
struct aggregate_fn {
  template <class Column>
  auto operator()(const Column& column) const {
    return make_aggregate<Kind>(column);
  }
};

}  // namespace detail

inline namespace views {

// query | count: SELECT COUNT(*), a std::int64_t (terminal).
inline constexpr closure<detail::count_fn> count{};
// query | exists: whether the query has a row, a bool (terminal).
inline constexpr closure<detail::exists_fn> exists{};
// query | sum(column): SUM of the column (terminal), 0 over no rows; exact for decimals.
inline constexpr detail::aggregate_fn<detail::aggregate_kind::sum> sum{};
// query | minimum(column): MIN of the column (terminal); a std::optional, empty over no rows.
inline constexpr detail::aggregate_fn<detail::aggregate_kind::min> minimum{};
// query | maximum(column): MAX of the column (terminal); a std::optional, empty over no rows.
inline constexpr detail::aggregate_fn<detail::aggregate_kind::max> maximum{};
// query | average(column): AVG of the column, a std::optional<double> (terminal).
inline constexpr detail::aggregate_fn<detail::aggregate_kind::avg> average{};

}  // namespace views

// The first spellings, which `using namespace std;` beside `using namespace ar;` made ambiguous:
// in ar, not in ar::views, so that `using namespace ar::views;` never meets std::min.
[[deprecated(
    "use ar::minimum (ar::min meets std::min)")]] inline constexpr detail::aggregate_fn<detail::aggregate_kind::min>
    min{};
// The first spelling of ar::maximum.
[[deprecated(
    "use ar::maximum (ar::max meets std::max)")]] inline constexpr detail::aggregate_fn<detail::aggregate_kind::max>
    max{};
// The first spelling of ar::average.
[[deprecated("use ar::average")]] inline constexpr detail::aggregate_fn<detail::aggregate_kind::avg> avg{};

}  // namespace ar

#endif  // AR_VIEWS_AGGREGATE_HPP
