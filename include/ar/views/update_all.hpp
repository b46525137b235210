#ifndef AR_VIEWS_UPDATE_ALL_HPP
#define AR_VIEWS_UPDATE_ALL_HPP

// update_all: UPDATE the rows a query's filters select, in one statement (terminal); returns the
// number of rows the filters matched (on every backend, a row set to the value it has counts too).
//   from<User>() | filter(User::c.age < 18) | update_all(set(User::c.status, "minor"));
// Every value is bound. It writes rows, not records: records already read are not changed, and no
// record's callbacks run (as Rails' update_all). A column is set to a value or to an expression of
// the row's own columns (set(User::c.karma, User::c.karma + 1)). order_by, take, drop, distinct and
// select are refused as for delete_all: PostgreSQL has no UPDATE ... LIMIT, and ar does not spell
// it differently per database.

#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/expr.hpp>
#include <ar/query.hpp>
#include <ar/views/delete_all.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <tuple>
#include <type_traits>

namespace ar {

// One "column = value" of update_all, made by ar::set: the column's position and what it is set to
// (a bound value, or an expression of the row's columns).
template <class M, int I>
struct assignment {
  // The model whose column is set.
  using model_type = M;
  // The field's position in AR_FIELDS.
  static constexpr int index = I;
  // What the column is set to: a bound value or an expression, lowered.
  detail::expr_tree to;
};

namespace detail {

// UPDATE "table" SET c = ?, ... WHERE <the query's filters>: the values first, then the filters'.
AR_API void render_update_all(std::string& sql, std::vector<value>& params, const dialect& d, const query_state& state,
                              std::span<const std::size_t> columns, std::span<const expr_tree* const> values);
AR_API std::uint64_t update_all_rows(const database& db, const query_state& state, std::span<const std::size_t> columns,
                                     std::span<const expr_tree* const> values);
// update_all of a sharded model's query given no database (ar::shard): on each shard its filter
// names (every shard, else), concurrently; the rows matched, added. Setting the shard key throws
// ar::shard_key_error before any statement (src/query/sharded.cpp).
AR_API std::uint64_t update_sharded(const query_state& state, std::span<const std::size_t> columns,
                                    std::span<const expr_tree* const> values);
// A value to set a column to, as a tree of one bound parameter.
AR_API expr_tree assigned_tree(value v);

// Field: the field's name (a compile-time string), so that the compiler's note on a failed check
// names the column: "check_assignable() [with ...; Field = boost::hana::string<'n', 'a', 'm', 'e'>]".
template <class M, int I, class V, class Field = typename column_lookup<M, I>::def::name_type>
constexpr void check_assignable() {
  using field = typename column_lookup<M, I>::def::type;
  using scalar = typename strip_optional<field>::type;
  using D = std::remove_cvref_t<V>;
  static_assert(!table_meta_v<M>.is_key(column_lookup<M, I>::position),
                "ar::set: this column is the model's primary key, which identifies its rows: update_all does not "
                "change it");
  if constexpr (std::is_same_v<D, std::nullopt_t>) {
    static_assert(is_optional_v<field>,
                  "ar::set: this column is not a std::optional field, so it cannot be set to std::nullopt (NULL)");
  } else if constexpr (is_optional_v<D>) {
    static_assert(is_optional_v<field>,
                  "ar::set: this column is not a std::optional field: set it to a plain value, not a std::optional");
    check_assignable<M, I, typename D::value_type>();
  } else {
    static_assert(category_of_value<D>() != category::unsupported,
                  "ar::set: this value has a type a column cannot hold: use a number, a string, a bool or an "
                  "ar::time_point");
    static_assert(category_of_value<D>() == category_of_value<scalar>() &&
                      (category_of_value<D>() != category::mapped || std::is_same_v<D, scalar>),
                  "ar::set: the value is not of this column's kind: set a text column to a string, a number "
                  "column to a number, a bool column to a bool, a time column to an ar::time_point, a column of "
                  "a mapped type to a value of that type");
  }
}

template <class Scalar, class V>
value assigned_value(const V& v) {
  using D = std::remove_cvref_t<V>;
  if constexpr (std::is_same_v<D, std::nullopt_t>)
    return value{};
  else if constexpr (is_optional_v<D>)
    return v ? as_parameter<Scalar>(*v) : value{};
  else
    return as_parameter<Scalar>(v);
}

template <int... Is>
constexpr bool distinct_columns() {
  constexpr int columns[] = {Is...};
  for (std::size_t a = 0; a < sizeof...(Is); ++a)
    for (std::size_t b = a + 1; b < sizeof...(Is); ++b)
      if (columns[a] == columns[b]) return false;
  return true;
}

// One assignment of update_all is of the query's model (Field names its column in the compiler's note).
template <class M, class Of, int I, class Field = typename column_lookup<Of, I>::def::name_type>
constexpr void check_of_query_model() {
  static_assert(std::is_same_v<Of, M>,
                "ar::update_all: an ar::set names a column of another model than the query's: update a query of "
                "that model instead");
}

template <class... A>
struct update_all_closure {
  std::tuple<A...> assignments;

  template <class M, class R, class S, class J>
  std::uint64_t operator()(const query<M, R, S, J>& q) const {
    static_assert(std::is_same_v<J, type_list<>>,
                  "ar::update_all: the query joins other models, and an UPDATE changes one table: select the rows "
                  "with where_has(...) or in(query) instead of joins<...>");
    (check_of_query_model<M, typename A::model_type, A::index>(), ...);
    static_assert(distinct_columns<A::index...>(),
                  "ar::update_all: the same column is set twice: set each column once");
    if constexpr (sizeof...(A) == 0) {
      return 0;
    } else {
      const std::size_t columns[] = {column_lookup<M, A::index>::position...};
      return std::apply(
          [&](const auto&... a) {
            const expr_tree* const values[] = {&a.to...};
            if (sharded_query(q.given_database(), q.state())) return update_sharded(q.state(), columns, values);
            return update_all_rows(q.database(), q.state(), columns, values);
          },
          assignments);
    }
  }
};

template <class A>
inline constexpr bool is_assignment_v = false;
template <class M, int I>
inline constexpr bool is_assignment_v<assignment<M, I>> = true;

struct update_all_fn {
  template <class... A>
  auto operator()(A... assignments) const {
    static_assert(sizeof...(A) > 0,
                  "ar::update_all sets at least one column: name it with ar::set(Model::c.column, value)");
    static_assert((is_assignment_v<A> && ...),
                  "ar::update_all takes what ar::set(Model::c.column, value) makes, one for each column it sets");
    return closure<update_all_closure<A...>>{{{std::move(assignments)...}}};
  }
};

}  // namespace detail

// column = value, for update_all: `value` of the column's kind (std::nullopt for NULL, only for a
// std::optional field), bound as a parameter. The primary key cannot be set.
template <class M, int I, class V>
  requires(!detail::is_expression_v<V>)
assignment<M, I> set(column<M, I>, const V& v) {
  detail::check_assignable<M, I, V>();
  using scalar = typename detail::strip_optional<typename detail::column_lookup<M, I>::def::type>::type;
  return assignment<M, I>{detail::assigned_tree(detail::assigned_value<scalar>(v))};
}

namespace detail {
// column = an expression of the row's own columns (karma = karma + 1); Field names the column in
// the compiler's note, as check_assignable's does.
template <class M, int I, class X, class Field = typename column_lookup<M, I>::def::name_type>
constexpr void check_assignable_expression() {
  using field = typename column_lookup<M, I>::def::type;
  using scalar = typename strip_optional<field>::type;
  using result = typename expression_traits<std::remove_cvref_t<X>>::scalar;
  static_assert(!table_meta_v<M>.is_key(column_lookup<M, I>::position),
                "ar::set: this column is the model's primary key, which identifies its rows: update_all does not "
                "change it");
  static_assert(belongs_to_model<M, X>() && !is_aggregated_v<X>,
                "ar::set: the expression uses a column of another model, or an aggregate: a row is set from its "
                "own columns");
  static_assert(category_of_value<result>() == category_of_value<scalar>(),
                "ar::set: the expression is not of this column's kind");
  static_assert(!std::is_integral_v<scalar> || !std::is_floating_point_v<result>,
                "ar::set: the expression is a fraction and this column an integer: the database would round it");
  static_assert(is_optional_v<field> || !nullable_operand_v<X>,
                "ar::set: the expression may be NULL (a column of it may, or it divides) and this column is not a "
                "std::optional field: wrap it in ar::coalesce(expression, value)");
}
}  // namespace detail

// set(column, expression): the column set to an expression of the row's columns.
template <class M, int I, class X>
  requires detail::is_expression_v<X>
assignment<M, I> set(column<M, I>, const X& x) {
  detail::check_assignable_expression<M, I, X>();
  return assignment<M, I>{detail::to_tree(x)};
}

inline namespace views {
// query | update_all(set(...), ...): UPDATE the rows the filters select; returns how many matched.
inline constexpr detail::update_all_fn update_all{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_UPDATE_ALL_HPP
