#ifndef AR_EXPR_HPP
#define AR_EXPR_HPP

// Typed column expressions. AR_MODEL gives every model a static member `c` with one column handle
// per field, so conditions read like the seed's `Post.c.status == 'published'`:
//
//   User::c.age >= 18 && User::c.name.like("A%")
//   !User::c.email.is_null() || User::c.id.in({1, 2, 3})
//   User::c.created.between(start, end)
//
// Every value becomes a bound parameter. Mistakes are compile errors with a sentence: comparing a
// text column with a number, combining something that is not a condition with &&, and so on.

#include <ar/detail/expr_tree.hpp>
#include <ar/export.hpp>
#include <ar/model_traits.hpp>
#include <ar/value.hpp>

#include <exception>
#include <initializer_list>
#include <memory>
#include <utility>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ar {

template <class M, int I>
struct column;
template <class T, class... Models>
struct expr;
template <class... Models>
struct order_term;
template <class Field, class... Models>
struct aggregate;
template <class Field, class... Models>
struct computed;
template <class Scalar, bool Nullable, class... Models>
struct case_expr;

namespace detail {

// --- which column a handle names --------------------------------------------------------------

template <class List, int I, std::size_t Position = 0>
struct find_column {
  static constexpr bool found = false;
};
template <class C, class... Rest, int I, std::size_t Position>
struct find_column<type_list<C, Rest...>, I, Position> : find_column<type_list<Rest...>, I, Position + 1> {};
template <class C, class... Rest, int I, std::size_t Position>
  requires(C::index == I)
struct find_column<type_list<C, Rest...>, I, Position> {
  static constexpr bool found = true;
  static constexpr std::size_t position = Position;
  using def = C;
};

template <class M, int I>
using column_lookup = find_column<typename model_of<M>::columns, I>;

// --- the kind of value an operand holds ---------------------------------------------------------

// `mapped`: a type with an ar::type_mapping that is not a number (a strong id, an enum), compared
// only with a value of its own type. `decimal`: ar::decimal and ar::numeric<P, S>, compared with
// each other (never with a double, nor an integer: write ar::decimal(5)).
enum class category : std::uint8_t {
  number,
  text,
  boolean,
  time,
  date,
  bytes,
  uuid,
  decimal,
  json,
  mapped,
  optional_value,
  null,
  unsupported
};

template <class T>
struct strip_optional {
  using type = T;
};
template <class T>
struct strip_optional<std::optional<T>> {
  using type = T;
};

template <class T>
constexpr bool stored_as_json() {
  if constexpr (has_type_mapping<T>)
    return std::is_same_v<typename type_mapping<T>::stored, json>;
  else
    return false;
}

template <class T>
constexpr category category_of_value() {
  using D = std::remove_cvref_t<T>;
  // First: a type mapped to JSON (nlohmann::json) converts to nearly anything.
  if constexpr (stored_as_json<D>())
    return category::json;
  else if constexpr (std::is_same_v<D, bool>)
    return category::boolean;
  else if constexpr (std::is_arithmetic_v<D> && !std::is_same_v<D, char>)
    return category::number;
  else if constexpr (std::is_convertible_v<const D&, std::string_view>)
    return category::text;
  else if constexpr (std::is_same_v<D, time_point>)
    return category::time;
  else if constexpr (std::is_same_v<D, date>)
    return category::date;
  else if constexpr (std::is_same_v<D, bytes>)
    return category::bytes;
  else if constexpr (std::is_same_v<D, uuid>)
    return category::uuid;
  else if constexpr (is_decimal_v<D>)
    return category::decimal;
  else if constexpr (std::is_same_v<D, json>)
    return category::json;
  else if constexpr (std::is_same_v<D, std::nullopt_t>)
    return category::null;
  else if constexpr (is_optional_v<D>)
    return category::optional_value;
  else if constexpr (field_traits<D>::mapped)
    return category::mapped;
  else
    return category::unsupported;
}

template <class T>
struct is_expression : std::false_type {};
template <class M, int I>
struct is_expression<column<M, I>> : std::true_type {};
template <class T, class... Models>
struct is_expression<expr<T, Models...>> : std::true_type {};

template <class Field, class... Models>
struct is_expression<aggregate<Field, Models...>> : std::true_type {};
template <class Field, class... Models>
struct is_expression<computed<Field, Models...>> : std::true_type {};
template <class Scalar, bool Nullable, class... Models>
struct is_expression<case_expr<Scalar, Nullable, Models...>> : std::true_type {};

template <class T>
inline constexpr bool is_expression_v = is_expression<std::remove_cvref_t<T>>::value;

// The tag an aggregate (count, sum, ...) adds to the models of every expression it is part of:
// such an expression belongs in select, having and order_by of a grouped query, never in filter.
struct aggregated {};

// A model a subquery correlates with (ar::correlate<Model>, ar/views/joins.hpp): its conditions may
// name that model's columns, which are the enclosing query's row's. An expression made of such a
// query (in(query), exists_in, scalar) uses that model, so it belongs only in a query that reads it.
template <class Model>
struct correlated {
  using model = Model;
  static constexpr bool left = false;
  // Not a join: no path names it.
  static constexpr fixed_string path{""};
  static constexpr bool named = false;
};
// The model of a column named through a join's path (ar::joined<"manager">(Employee::c.name)):
// among an expression's models, it asks the query to join Path and Path to lead to M (checked where
// the expression is used: ar/query.hpp, belongs_to_query). I is the column, for the note that
// refuses it.
template <fixed_string Path, class M, int I>
struct joined_column_of {
  static constexpr fixed_string path = Path;
  using model = M;
  static constexpr int index = I;
};
template <class X>
inline constexpr bool is_joined_column_of_v = false;
template <fixed_string Path, class M, int I>
inline constexpr bool is_joined_column_of_v<joined_column_of<Path, M, I>> = true;

// The number a join path is known by in a column node (its `second`; 0: no path, the table's own
// name), the same for the same path throughout the program; and the path of a number (src/expr/
// expr_tree.cpp).
AR_API std::uint32_t join_path_id(std::string_view path);
AR_API std::string_view join_path_of(std::uint32_t id);

// Whether a path is a dot-separated list of names, none empty (the note of the refusal spells it).
template <fixed_string Path>
constexpr bool well_formed_path() {
  const std::string_view p = Path.view();
  if (p.empty() || p.front() == '.' || p.back() == '.') return false;
  for (std::size_t i = 0; i + 1 < p.size(); ++i)
    if (p[i] == '.' && p[i + 1] == '.') return false;
  return true;
}
template <fixed_string Path, bool WellFormed>
inline constexpr bool joined_path_is_a_relation_path = WellFormed;

// The models a query's joins list (ar::query's joins_type) correlates with, as a type_list.
template <class Joins>
struct outer_models {
  using type = type_list<>;
};
template <class First, class... Rest>
struct outer_models<type_list<First, Rest...>> {
  using type = typename outer_models<type_list<Rest...>>::type;
};
template <class Model, class... Rest>
struct outer_models<type_list<correlated<Model>, Rest...>> {
  using type = typename prepend<Model, typename outer_models<type_list<Rest...>>::type>::type;
};
template <class Q>
using outer_models_t = typename outer_models<typename Q::joins_type>::type;

// The scalar C++ type of an expression (optional stripped), and the models it uses.
template <class E>
struct expression_traits;
template <class M, int I>
struct expression_traits<column<M, I>> {
  using scalar = typename strip_optional<typename column_lookup<M, I>::def::type>::type;
  using models = type_list<M>;
};
template <class T, class... Models>
struct expression_traits<expr<T, Models...>> {
  using scalar = T;
  using models = type_list<Models...>;
};

template <class Field, class... Models>
struct expression_traits<aggregate<Field, Models...>> {
  using scalar = typename strip_optional<Field>::type;
  using models = type_list<Models..., aggregated>;
};

template <class Field, class... Models>
struct expression_traits<computed<Field, Models...>> {
  using scalar = typename strip_optional<Field>::type;
  using models = type_list<Models...>;
};

template <class Scalar, bool Nullable, class... Models>
struct expression_traits<case_expr<Scalar, Nullable, Models...>> {
  using scalar = Scalar;
  using models = type_list<Models...>;
};

template <class X, bool = is_expression_v<X>>
struct operand_scalar {
  using type = std::remove_cvref_t<X>;
};
template <class X>
struct operand_scalar<X, true> {
  using type = typename expression_traits<std::remove_cvref_t<X>>::scalar;
};
template <class X>
using operand_scalar_t = typename operand_scalar<X>::type;

template <class X>
constexpr category category_of() {
  if constexpr (is_expression_v<X>)
    return category_of_value<typename expression_traits<std::remove_cvref_t<X>>::scalar>();
  else
    return category_of_value<X>();
}

template <class A, class B>
struct concat_lists;
template <class... A, class... B>
struct concat_lists<type_list<A...>, type_list<B...>> {
  using type = type_list<A..., B...>;
};

template <class X>
struct models_of {
  using type = type_list<>;
};
template <class X>
  requires is_expression_v<X>
struct models_of<X> {
  using type = typename expression_traits<std::remove_cvref_t<X>>::models;
};

template <class T, class List>
struct make_expr;
template <class T, class... Models>
struct make_expr<T, type_list<Models...>> {
  using type = expr<T, Models...>;
};

template <class T, class L, class R>
using binary_result_t =
    typename make_expr<T, typename concat_lists<typename models_of<L>::type, typename models_of<R>::type>::type>::type;

// --- lowering operands into a tree ------------------------------------------------------------

template <class X>
inline constexpr bool is_column_v = false;
template <class M, int I>
inline constexpr bool is_column_v<column<M, I>> = true;
// A value computed from columns (a * b, coalesce, lower, case_when), aggregated or not.
template <class X>
inline constexpr bool is_computed_v = false;
template <class Field, class... Models>
inline constexpr bool is_computed_v<computed<Field, Models...>> = true;
template <class Scalar, bool Nullable, class... Models>
inline constexpr bool is_computed_v<case_expr<Scalar, Nullable, Models...>> = true;

template <class X>
inline constexpr std::uint32_t column_position_v = 0;
template <class M, int I>
inline constexpr std::uint32_t column_position_v<column<M, I>> =
    static_cast<std::uint32_t>(column_lookup<M, I>::position);

template <class M, int I>
std::uint32_t lower(expr_tree& tree, const column<M, I>&) {
  static_assert(column_lookup<M, I>::found, "ar: this column handle does not belong to its model");
  return tree.add(node{node_kind::column, compare_op::eq, static_cast<std::uint32_t>(column_lookup<M, I>::position), 0,
                       0, &table_meta_v<M>});
}
template <class T, class... Models>
std::uint32_t lower(expr_tree& tree, const expr<T, Models...>& e) {
  return tree.append(e.tree);
}
template <class Field, class... Models>
std::uint32_t lower(expr_tree& tree, const aggregate<Field, Models...>& e) {
  return tree.append(e.tree);
}
template <class Field, class... Models>
std::uint32_t lower(expr_tree& tree, const computed<Field, Models...>& e) {
  return tree.append(e.tree);
}
template <class Scalar, bool Nullable, class... Models>
std::uint32_t lower(expr_tree& tree, const case_expr<Scalar, Nullable, Models...>& e) {
  return tree.append(e.tree);
}

// Whether an operand may be NULL: a column of a std::optional field, an aggregate or a computed
// value whose row type is one. A plain value never is (a std::optional value is refused).
template <class X>
struct nullable_operand : std::false_type {};
template <class M, int I>
struct nullable_operand<column<M, I>>
    : std::bool_constant<field_traits<typename column_lookup<M, I>::def::type>::nullable> {};
template <class Field, class... Models>
struct nullable_operand<aggregate<Field, Models...>> : std::bool_constant<field_traits<Field>::nullable> {};
template <class Field, class... Models>
struct nullable_operand<computed<Field, Models...>> : std::bool_constant<field_traits<Field>::nullable> {};
template <class Scalar, bool Nullable, class... Models>
struct nullable_operand<case_expr<Scalar, Nullable, Models...>> : std::true_type {
};  // no ELSE: NULL where no WHEN holds
template <class X>
inline constexpr bool nullable_operand_v = nullable_operand<std::remove_cvref_t<X>>::value;

template <class X>
inline constexpr bool is_aggregated_v = []<class... Ms>(type_list<Ms...>) {
  return (std::is_same_v<Ms, aggregated> || ...);
}(typename models_of<X>::type{});

// A query's row of one column: std::tuple<T> (select(Model::c.column)).
template <class Row>
struct single_column {};
template <class T>
struct single_column<std::tuple<T>> {
  using type = T;
};
template <class Row>
inline constexpr bool is_single_column_v = requires { typename single_column<Row>::type; };

// What SUM of a column of this scalar gives: the 64-bit integer of any integer, a double of a double.
template <class Scalar>
using sum_type_t = std::conditional_t<std::is_floating_point_v<Scalar>, double, std::int64_t>;

[[noreturn]] AR_API void throw_out_of_range(long double v, std::string_view type);
[[noreturn]] AR_API void throw_unstorable(const char* why);

// A value of a mapped type as the parameter its column is compared with: to_stored's result (a
// refusal is an ar::value_error).
template <class T>
auto mapped_parameter(const T& v) {
  try {
    return type_mapping<T>::to_stored(v);
  } catch (const std::exception& e) {
    throw_unstorable(e.what());
  }
}

// A plain value compared with an expression of scalar type Scalar: bound as that type, never
// silently changed (a fraction for an integer column does not compile; an integer out of the
// column's range throws ar::error). The scalar to bind (a text as a std::string_view), or as a
// parameter value (as_parameter).
template <class Scalar, class V>
auto parameter_scalar(const V& v) {
  using D = std::remove_cvref_t<V>;
  if constexpr (is_decimal_v<Scalar>) {
    // Bound as the decimal it is: a value outside a column's NUMERIC(P, S) compares as it is.
    return static_cast<const decimal&>(v);
  } else if constexpr (field_traits<Scalar>::mapped && std::is_arithmetic_v<Scalar>) {
    // float, an unsigned integer: a number of the column's own type first, then stored.
    static_assert(!std::is_integral_v<Scalar> || std::is_integral_v<D>,
                  "ar: an integer column is compared with a floating-point value, whose fraction would be lost: "
                  "compare it with an integer");
    if constexpr (std::is_integral_v<Scalar> && std::is_integral_v<D>) {
      if (!std::in_range<Scalar>(v)) throw_out_of_range(static_cast<long double>(v), "its unsigned column type");
    }
    return mapped_parameter<Scalar>(static_cast<Scalar>(v));
  } else if constexpr (field_traits<Scalar>::mapped) {
    return mapped_parameter<Scalar>(v);
  } else if constexpr (std::is_same_v<Scalar, date>) {
    if (!storable_date(v)) throw_unstorable("the date is not a day of the calendar from 0001-01-01 to 9999-12-31");
    return v;
  } else if constexpr (std::is_same_v<Scalar, std::string>) {
    return std::string_view(v);
  } else if constexpr (std::is_integral_v<Scalar> && !std::is_same_v<Scalar, bool> && std::is_arithmetic_v<D>) {
    static_assert(std::is_integral_v<D>,
                  "ar: an integer column is compared with a floating-point value, whose fraction would be lost: "
                  "compare it with an integer");
    if constexpr (std::is_integral_v<D>) {
      if (!std::in_range<Scalar>(v))
        throw_out_of_range(static_cast<long double>(v), sizeof(Scalar) == 4 ? "std::int32_t" : "std::int64_t");
    }
    return static_cast<Scalar>(v);
  } else {
    return static_cast<Scalar>(v);
  }
}

template <class Scalar, class V>
value as_parameter(const V& v) {
  if constexpr (std::is_same_v<Scalar, std::string>)
    return value{std::string(parameter_scalar<Scalar>(v))};
  else
    return value{parameter_scalar<Scalar>(v)};
}

template <class Scalar, class X>
std::uint32_t lower_operand(expr_tree& tree, const X& x) {
  if constexpr (is_expression_v<X>) {
    return lower(tree, x);
  } else {
    const auto p = parameter_scalar<Scalar>(x);
    if constexpr (std::is_same_v<decltype(p), const std::string>)
      return tree.add_param(std::string_view(p));  // a text-stored mapped type
    else
      return tree.add_param(p);
  }
}

// Whether column <op> value of this scalar type has its one-call add_compare: every stored type but
// a date and bytes.
template <class Scalar, bool = field_traits<Scalar>::mapped>
struct stored_scalar {
  using type = Scalar;
};
template <class Scalar>
struct stored_scalar<Scalar, true> {
  using type = typename type_mapping<Scalar>::stored;
};
template <class Scalar>
inline constexpr bool compares_in_one_call_v = !std::is_same_v<typename stored_scalar<Scalar>::type, date> &&
                                               !std::is_same_v<typename stored_scalar<Scalar>::type, bytes> &&
                                               !std::is_same_v<typename stored_scalar<Scalar>::type, uuid> &&
                                               !std::is_same_v<typename stored_scalar<Scalar>::type, decimal>;

// One static_assert, the one that says what is wrong.
template <class L, class R>
constexpr void check_comparable() {
  constexpr category l = category_of<L>(), r = category_of<R>();
  if constexpr (l == category::null || r == category::null) {
    static_assert(always_false<L, R>,
                  "ar: a comparison with std::nullopt is never true in SQL: use .is_null() or .is_not_null()");
  } else if constexpr (l == category::json || r == category::json) {
    static_assert(always_false<L, R>,
                  "ar: a JSON column is not compared in filters (PostgreSQL compares jsonb values, MariaDB and "
                  "SQLite the texts): test it with .is_null() / .is_not_null(), or compare in C++ after reading");
  } else if constexpr (l == category::optional_value || r == category::optional_value) {
    static_assert(always_false<L, R>,
                  "ar: compare a column with a plain value, not a std::optional: test for NULL with .is_null(), or "
                  "compare with *value when it is there");
  } else if constexpr (l == category::unsupported || r == category::unsupported) {
    static_assert(
        always_false<L, R>,
        "ar: this value has a type a column cannot hold: use a number, a string, a bool or an ar::time_point");
  } else if constexpr (l == category::mapped && r == category::mapped &&
                       !std::is_same_v<operand_scalar_t<L>, operand_scalar_t<R>>) {
    static_assert(always_false<L, R>,
                  "ar: a column of a type with an ar::type_mapping is compared with a value of another type: "
                  "compare it with a value of the column's own type");
  } else if constexpr (l != r) {
    static_assert(always_false<L, R>,
                  "ar: the two sides of this comparison have different kinds of values: compare a text column with a "
                  "string, a number column with a number, a bool column with a bool, a time column with an "
                  "ar::time_point, a decimal column with an ar::decimal (never a double)");
  }
}

template <class L, class R>
constexpr bool comparable() {
  constexpr category l = category_of<L>(), r = category_of<R>();
  return l == r && l != category::null && l != category::optional_value && l != category::unsupported &&
         l != category::json && (l != category::mapped || std::is_same_v<operand_scalar_t<L>, operand_scalar_t<R>>);
}

template <class L, class R>
auto make_compare(compare_op op, const L& l, const R& r) {
  check_comparable<L, R>();
  if constexpr (!comparable<L, R>()) {
    return binary_result_t<bool, L, R>{};  // the static_assert above has said what is wrong
  } else {
    using scalar =
        typename expression_traits<std::remove_cvref_t<std::conditional_t<is_expression_v<L>, L, R>>>::scalar;
    binary_result_t<bool, L, R> out;
    if constexpr (is_column_v<L> && !is_expression_v<R> && compares_in_one_call_v<scalar>) {
      // The common case, column <op> value: one call (a date or bytes value takes the general path).
      out.tree.add_compare(op, &table_meta_v<typename L::model_type>, column_position_v<L>,
                           parameter_scalar<scalar>(r));
    } else {
      const auto a = lower_operand<scalar>(out.tree, l);
      const auto b = lower_operand<scalar>(out.tree, r);
      out.tree.add(node{node_kind::compare, op, a, b});
    }
    return out;
  }
}

// A condition: an expression of type bool (a comparison, in, like, between, is_null, a bool column).
template <class X>
constexpr bool is_condition() {
  if constexpr (is_expression_v<X>)
    return std::is_same_v<typename expression_traits<std::remove_cvref_t<X>>::scalar, bool>;
  else
    return false;
}

template <class L, class R>
auto make_logical(node_kind kind, const L& l, const R& r) {
  static_assert(is_condition<L>() && is_condition<R>(),
                "ar: && and || combine conditions (comparisons, in, like, between, is_null), not bare "
                "columns or values");
  binary_result_t<bool, L, R> out;
  if constexpr (!is_column_v<L> && !is_column_v<R>) {
    out.tree.add_logical(kind, l.tree, r.tree);
  } else {
    const auto a = lower(out.tree, l);
    const auto b = lower(out.tree, r);
    out.tree.add(node{kind, compare_op::eq, a, b});
  }
  return out;
}

// Methods shared by column handles and expressions.
template <class Derived>
struct expression_methods {
  // IN (values...). An empty list matches nothing.
  template <std::ranges::input_range R>
  auto in(const R& values) const {
    return make_in(node_kind::in, values);
  }
  template <class V>
  auto in(std::initializer_list<V> values) const {
    return make_in(node_kind::in, values);
  }
  // NOT IN (values...). An empty list matches everything.
  template <std::ranges::input_range R>
  auto not_in(const R& values) const {
    return make_in(node_kind::not_in, values);
  }
  template <class V>
  auto not_in(std::initializer_list<V> values) const {
    return make_in(node_kind::not_in, values);
  }
  // IN / NOT IN (SELECT ...): a query of one column (select(Model::c.column)) of this column's kind,
  // on the same database, run inside this query's statement.
  template <class Q>
    requires requires { typename Q::row_type; } && (!std::ranges::input_range<Q>)
  auto in(const Q& q) const {
    return make_in_query(node_kind::in_query, q);
  }
  template <class Q>
    requires requires { typename Q::row_type; } && (!std::ranges::input_range<Q>)
  auto not_in(const Q& q) const {
    return make_in_query(node_kind::not_in_query, q);
  }
  // LIKE pattern (% and _ are the wildcards). Only for text. Whether case counts is the
  // database's rule (SQLite ignores the case of ASCII letters); ilike ignores case on every one.
  auto like(std::string_view pattern) const { return make_like(node_kind::like, pattern); }
  auto not_like(std::string_view pattern) const { return make_like(node_kind::not_like, pattern); }
  auto ilike(std::string_view pattern) const { return make_like(node_kind::ilike, pattern); }
  auto not_ilike(std::string_view pattern) const { return make_like(node_kind::not_ilike, pattern); }
  // The text taken as it is, not as a pattern (% and _ find themselves), case counting on every
  // database; the i-forms ignore case. Only for text.
  auto contains(std::string_view text) const { return make_text_match(match_anywhere, text); }
  auto starts_with(std::string_view text) const { return make_text_match(match_start, text); }
  auto ends_with(std::string_view text) const { return make_text_match(match_end, text); }
  auto icontains(std::string_view text) const { return make_text_match(match_anywhere | match_ignore_case, text); }
  auto istarts_with(std::string_view text) const { return make_text_match(match_start | match_ignore_case, text); }
  auto iends_with(std::string_view text) const { return make_text_match(match_end | match_ignore_case, text); }
  auto is_null() const { return make_unary(node_kind::is_null); }
  auto is_not_null() const { return make_unary(node_kind::is_not_null); }
  // BETWEEN low AND high, both ends included.
  template <class Low, class High>
  auto between(const Low& low, const High& high) const {
    check_comparable<Derived, Low>();
    check_comparable<Derived, High>();
    if constexpr (!comparable<Derived, Low>() || !comparable<Derived, High>()) {
      return typename make_expr<bool, typename models_of<Derived>::type>::type{};
    } else {
      using scalar = typename expression_traits<Derived>::scalar;
      typename make_expr<bool, typename models_of<Derived>::type>::type out;
      const auto a = lower(out.tree, self());
      const auto lo = lower_operand<scalar>(out.tree, low);
      const auto hi = lower_operand<scalar>(out.tree, high);
      out.tree.add(node{node_kind::between, compare_op::eq, a, lo, hi});
      return out;
    }
  }
  auto asc() const;
  auto desc() const;

  // Aggregates, for select, having and order_by of a grouped query (group_by) or of a whole table:
  // COUNT(x) (its non-NULL values), COUNT(DISTINCT x), SUM (0 over no rows: COALESCE(SUM(x), 0);
  // std::int64_t of integers, double of doubles), AVG (a std::optional<double>), MIN and MAX (a
  // std::optional of the column's type: empty over no rows). ar::count_all() is COUNT(*).
  auto count() const { return make_aggregate<std::int64_t>(agg_count); }
  auto count_distinct() const { return make_aggregate<std::int64_t>(agg_count_distinct); }
  auto sum() const {
    using scalar = typename expression_traits<Derived>::scalar;
    constexpr bool exact = category_of_value<scalar>() == category::decimal;
    static_assert((std::is_arithmetic_v<scalar> && !std::is_same_v<scalar, bool>) || exact,
                  "ar: sum() adds numbers: use it on an integer, floating-point or decimal column");
    // Of a decimal column, an ar::decimal, exact (SQLite adds an ar::numeric<P, S> in whole units of
    // 10^-S: dialect::decimal_sum).
    return make_aggregate<std::conditional_t<exact, decimal, sum_type_t<scalar>>>(agg_sum);
  }
  auto avg() const {
    using scalar = typename expression_traits<Derived>::scalar;
    static_assert(std::is_arithmetic_v<scalar> && !std::is_same_v<scalar, bool>,
                  "ar: avg() averages numbers: use it on an integer or floating-point column");
    return make_aggregate<std::optional<double>>(agg_avg);
  }
  auto min() const { return make_aggregate<std::optional<typename expression_traits<Derived>::scalar>>(agg_min); }
  auto max() const { return make_aggregate<std::optional<typename expression_traits<Derived>::scalar>>(agg_max); }

 private:
  template <class Field>
  auto make_aggregate(std::uint32_t fn) const {
    static_assert(!is_aggregated_v<Derived>, "ar: aggregates do not nest: sum(), count(), ... of an aggregate");
    return [&]<class... Ms>(type_list<Ms...>) {
      aggregate<Field, Ms...> out;
      const auto a = lower(out.tree, self());
      out.tree.add(node{node_kind::aggregate, compare_op::eq, a, 0, fn});
      return out;
    }(typename models_of<Derived>::type{});
  }

  const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }

  template <class R>
  auto make_in(node_kind kind, const R& values) const {
    using scalar = typename expression_traits<Derived>::scalar;
    using element = std::ranges::range_value_t<R>;
    check_comparable<Derived, element>();
    if constexpr (!comparable<Derived, element>()) {
      return typename make_expr<bool, typename models_of<Derived>::type>::type{};
    } else {
      typename make_expr<bool, typename models_of<Derived>::type>::type out;
      const auto operand = lower(out.tree, self());
      const auto first = static_cast<std::uint32_t>(out.tree.params.size());
      std::uint32_t count = 0;
      for (const auto& v : values) {
        out.tree.params.push_back(as_parameter<scalar>(v));
        ++count;
      }
      out.tree.add(node{kind, compare_op::eq, operand, first, count});
      return out;
    }
  }

  auto make_like(node_kind kind, std::string_view pattern) const {
    static_assert(std::is_same_v<typename expression_traits<Derived>::scalar, std::string>,
                  "ar: like() and ilike() match text: use them on a std::string column");
    typename make_expr<bool, typename models_of<Derived>::type>::type out;
    if constexpr (is_column_v<Derived>) {
      out.tree.add_like(kind, &table_meta_v<typename Derived::model_type>, column_position_v<Derived>, pattern);
    } else {
      const auto operand = lower(out.tree, self());
      const auto p = out.tree.add_param(pattern);
      out.tree.add(node{kind, compare_op::eq, operand, p});
    }
    return out;
  }

  template <class Q>
  auto make_in_query(node_kind kind, const Q& q) const {
    using row = typename Q::row_type;
    static_assert(is_single_column_v<row>,
                  "ar: in(query) takes a query of one column: select(Model::c.column) it before in(...)");
    using element = typename strip_optional<typename single_column<row>::type>::type;
    check_comparable<Derived, element>();
    typename make_expr<bool, typename concat_lists<typename models_of<Derived>::type, outer_models_t<Q>>::type>::type
        out;
    if constexpr (is_single_column_v<row> && comparable<Derived, element>()) {
      const auto operand = lower(out.tree, self());
      const auto index = static_cast<std::uint32_t>(out.tree.queries.size());
      out.tree.queries.push_back(std::make_shared<const query_subquery>(subquery_of(q)));
      out.tree.add(node{kind, compare_op::eq, operand, index});
    }
    return out;
  }

  auto make_text_match(std::uint32_t flags, std::string_view text) const {
    static_assert(std::is_same_v<typename expression_traits<Derived>::scalar, std::string>,
                  "ar: contains(), starts_with() and ends_with() find text: use them on a std::string column");
    typename make_expr<bool, typename models_of<Derived>::type>::type out;
    if constexpr (is_column_v<Derived>) {
      out.tree.add_text_match(flags, &table_meta_v<typename Derived::model_type>, column_position_v<Derived>, text);
    } else {
      const auto operand = lower(out.tree, self());
      const auto p = out.tree.add_param(text);
      out.tree.add(node{node_kind::text_match, compare_op::eq, operand, p, flags});
    }
    return out;
  }

  auto make_unary(node_kind kind) const {
    typename make_expr<bool, typename models_of<Derived>::type>::type out;
    if constexpr (is_column_v<Derived>) {
      out.tree.add_unary(kind, &table_meta_v<typename Derived::model_type>, column_position_v<Derived>);
    } else {
      const auto operand = lower(out.tree, self());
      out.tree.add(node{kind, compare_op::eq, operand});
    }
    return out;
  }
};

}  // namespace detail

// A column handle: a member of Model::c, one per field. Empty; the model is looked up only when
// it is used, so the handles can be declared inside the model itself.
template <class M, int I>
struct column : detail::expression_methods<column<M, I>> {
  // The model the column belongs to.
  using model_type = M;
  // The field's position in AR_FIELDS.
  static constexpr int index = I;
};

// A typed expression: T is the C++ type of its SQL value (bool for conditions).
template <class T, class... Models>
struct expr : detail::expression_methods<expr<T, Models...>> {
  // The expression, lowered to the tree the SQL renderer reads.
  detail::expr_tree tree;
};

// An aggregate of a query's rows (count, sum, ...): Field is what a row holds of it (a
// std::optional where it may be NULL).
template <class Field, class... Models>
struct aggregate : detail::expression_methods<aggregate<Field, Models...>> {
  // What a row holds of it.
  using field_type = Field;
  // The expression, lowered to the tree the SQL renderer reads.
  detail::expr_tree tree;
};

// A value computed from columns (arithmetic, coalesce, lower, upper): Field is what a row holds of
// it (a std::optional where it may be NULL).
template <class Field, class... Models>
struct computed : detail::expression_methods<computed<Field, Models...>> {
  // What a row holds of it.
  using field_type = Field;
  // The expression, lowered to the tree the SQL renderer reads.
  detail::expr_tree tree;
};

// COUNT(*): the number of rows (of each group).
inline aggregate<std::int64_t> count_all() {
  aggregate<std::int64_t> out;
  out.tree.add(detail::node{detail::node_kind::aggregate, detail::compare_op::eq, 0, 0, detail::agg_count_all});
  return out;
}

// A column of the copy of a table a query joins along the relation path Path, under its own name
// (an alias) when the table is in the query already: a self-referential relation, two paths to one
// model.
//   from<Employee>() | left_joins<"manager">
//       | select(Employee::c.last_name, ar::joined<"manager">(Employee::c.last_name))
// Employee::c.last_name alone stays the query's own row's (or, for a model the query only joins, the
// first join of it). The query must join Path (joins<"manager">, left_joins<"manager">, or a longer
// path through it), and the column be of the model Path leads to: both are checked, at compile
// time, where the expression is used (filter, order_by, select, group_by, having); a query whose
// type does not know the join (none here) throws ar::error naming the path when it is rendered. In
// select, a column of a path reached only by LEFT JOINs is a std::optional.
template <fixed_string Path, class M, int I>
auto joined(const column<M, I>&) {
  static_assert(detail::joined_path_is_a_relation_path<Path, detail::well_formed_path<Path>()>,
                "ar::joined<\"path\">(column): the path is not a dot-separated list of relation names (the note "
                "spells it)");
  static_assert(detail::column_lookup<M, I>::found, "ar: this column handle does not belong to its model");
  computed<typename detail::column_lookup<M, I>::def::type, detail::joined_column_of<Path, M, I>> out;
  static const std::uint32_t id = detail::join_path_id(Path.view());
  out.tree.add(detail::node{detail::node_kind::column, detail::compare_op::eq,
                            static_cast<std::uint32_t>(detail::column_lookup<M, I>::position), id, 0,
                            &table_meta_v<M>});
  return out;
}

// One ORDER BY key.
template <class... Models>
struct order_term {
  // The key's expression, lowered to the tree the SQL renderer reads.
  detail::expr_tree tree;
  // DESC when true, else ASC.
  bool descending = false;
};

// ORDER BY x ASC (x.asc() says the same).
template <class X>
  requires detail::is_expression_v<X>
auto asc(const X& x) {
  typename detail::make_expr<bool, typename detail::models_of<X>::type>::type lowered;
  detail::lower(lowered.tree, x);
  return [&]<class... Ms>(detail::type_list<Ms...>) {
    return order_term<Ms...>{std::move(lowered.tree), false};
  }(typename detail::models_of<X>::type{});
}

// ORDER BY x DESC (x.desc() says the same).
template <class X>
  requires detail::is_expression_v<X>
auto desc(const X& x) {
  auto term = asc(x);
  term.descending = true;
  return term;
}

template <class Derived>
auto detail::expression_methods<Derived>::asc() const {
  return ar::asc(self());
}
template <class Derived>
auto detail::expression_methods<Derived>::desc() const {
  return ar::desc(self());
}

// --- operators (found by argument-dependent lookup on column and expr) --------------------------

namespace detail {
template <class L, class R>
concept comparison_operands = (is_expression_v<L> || is_expression_v<R>);
}  // namespace detail

// The condition l = r; comparing types that do not compare is a compile error.
template <class L, class R>
  requires detail::comparison_operands<L, R>
auto operator==(const L& l, const R& r) {
  return detail::make_compare(detail::compare_op::eq, l, r);
}
// The condition l <> r; comparing types that do not compare is a compile error.
template <class L, class R>
  requires detail::comparison_operands<L, R>
auto operator!=(const L& l, const R& r) {
  return detail::make_compare(detail::compare_op::ne, l, r);
}
// The condition l < r; comparing types that do not compare is a compile error.
template <class L, class R>
  requires detail::comparison_operands<L, R>
auto operator<(const L& l, const R& r) {
  return detail::make_compare(detail::compare_op::lt, l, r);
}
// The condition l <= r; comparing types that do not compare is a compile error.
template <class L, class R>
  requires detail::comparison_operands<L, R>
auto operator<=(const L& l, const R& r) {
  return detail::make_compare(detail::compare_op::le, l, r);
}
// The condition l > r; comparing types that do not compare is a compile error.
template <class L, class R>
  requires detail::comparison_operands<L, R>
auto operator>(const L& l, const R& r) {
  return detail::make_compare(detail::compare_op::gt, l, r);
}
// The condition l >= r; comparing types that do not compare is a compile error.
template <class L, class R>
  requires detail::comparison_operands<L, R>
auto operator>=(const L& l, const R& r) {
  return detail::make_compare(detail::compare_op::ge, l, r);
}

// The condition l AND r; an operand that is not a condition is a compile error.
template <class L, class R>
  requires detail::comparison_operands<L, R>
auto operator&&(const L& l, const R& r) {
  return detail::make_logical(detail::node_kind::logical_and, l, r);
}
// The condition l OR r; an operand that is not a condition is a compile error.
template <class L, class R>
  requires detail::comparison_operands<L, R>
auto operator||(const L& l, const R& r) {
  return detail::make_logical(detail::node_kind::logical_or, l, r);
}
// The condition NOT x; x that is not a condition is a compile error.
template <class X>
  requires detail::is_expression_v<X>
auto operator!(const X& x) {
  static_assert(detail::is_condition<X>(), "ar: ! negates a condition (a comparison, in, like, between, is_null)");
  typename detail::make_expr<bool, typename detail::models_of<X>::type>::type out;
  const auto a = detail::lower(out.tree, x);
  out.tree.add(detail::node{detail::node_kind::logical_not, detail::compare_op::eq, a});
  return out;
}

// --- values computed from columns ---------------------------------------------------------------

namespace detail {
template <class T>
inline constexpr bool is_number_v = std::is_arithmetic_v<T> && !std::is_same_v<T, bool>;

template <class L, class R>
concept arithmetic_operands = (is_expression_v<L> || is_expression_v<R>);

template <class Field, class List>
struct computed_of;
template <class Field, class... Ms>
struct computed_of<Field, type_list<Ms...>> {
  using type = computed<Field, Ms...>;
};
template <class Field, class L, class R>
using computed_result_t =
    typename computed_of<Field,
                         typename concat_lists<typename models_of<L>::type, typename models_of<R>::type>::type>::type;

// One operand of arithmetic: an expression, or a number bound as a parameter of its own kind.
template <class X>
std::uint32_t lower_number(expr_tree& tree, const X& x) {
  if constexpr (is_expression_v<X>)
    return lower(tree, x);
  else if constexpr (category_of_value<X>() == category::decimal)
    return tree.add_param(to_value(x));  // exact, at its scale
  else if constexpr (std::is_floating_point_v<X>)
    return tree.add_param(static_cast<double>(x));
  else
    return tree.add_param(static_cast<std::int64_t>(x));
}

// a <op> b: a std::int64_t of two integers, a double where one is a double; / always a double
// (SQL's integer division differs between databases) that is NULL where b is 0 (SQLite and MariaDB
// give NULL; PostgreSQL refuses the statement); a std::optional where an operand may be NULL.
//
// With an exact decimal (an ar::decimal or ar::numeric<P, S> column or value) on either side, +, -
// and * give an exact ar::decimal (the other side a decimal or an integer; a double would make it
// inexact); / of a decimal does not compile (its result has no exact scale).
template <arith_op Op, class L, class R>
auto make_arith(const L& l, const R& r) {
  using left = operand_scalar_t<L>;
  using right = operand_scalar_t<R>;
  constexpr bool left_exact = category_of_value<left>() == category::decimal;
  constexpr bool right_exact = category_of_value<right>() == category::decimal;
  constexpr bool exact = left_exact || right_exact;
  static_assert((is_number_v<left> || left_exact) && (is_number_v<right> || right_exact),
                "ar: +, -, * and / compute with numbers: both sides must be number columns, numbers or "
                "expressions of numbers");
  static_assert(!exact || (!std::is_floating_point_v<left> && !std::is_floating_point_v<right>),
                "ar: an exact decimal computes with decimals and integers: a double beside it would make the result "
                "inexact (make the double an ar::decimal, or the decimal column a double)");
  static_assert(!exact || Op != arith_div,
                "ar: / of an exact decimal has no exact result: divide in C++ (ar::decimal), or multiply instead");
  using scalar = std::conditional_t<
      exact, decimal,
      std::conditional_t<Op == arith_div || std::is_floating_point_v<left> || std::is_floating_point_v<right>, double,
                         std::int64_t>>;
  using field = std::conditional_t<Op == arith_div || nullable_operand_v<L> || nullable_operand_v<R>,
                                   std::optional<scalar>, scalar>;
  computed_result_t<field, L, R> out;
  if constexpr ((is_number_v<left> || left_exact) && (is_number_v<right> || right_exact)) {
    const auto a = lower_number(out.tree, l);
    const auto b = lower_number(out.tree, r);
    out.tree.add(node{node_kind::arith, compare_op::eq, a, b, Op});
  }
  return out;
}
}  // namespace detail

// l + r of two numbers (columns, expressions or values).
template <class L, class R>
  requires detail::arithmetic_operands<L, R>
auto operator+(const L& l, const R& r) {
  return detail::make_arith<detail::arith_add>(l, r);
}
// l - r of two numbers (columns, expressions or values).
template <class L, class R>
  requires detail::arithmetic_operands<L, R>
auto operator-(const L& l, const R& r) {
  return detail::make_arith<detail::arith_sub>(l, r);
}
// l * r of two numbers (columns, expressions or values).
template <class L, class R>
  requires detail::arithmetic_operands<L, R>
auto operator*(const L& l, const R& r) {
  return detail::make_arith<detail::arith_mul>(l, r);
}
// l / r of two numbers (columns, expressions or values): always a double.
template <class L, class R>
  requires detail::arithmetic_operands<L, R>
auto operator/(const L& l, const R& r) {
  return detail::make_arith<detail::arith_div>(l, r);
}

// COALESCE(x, fallback): x, or the fallback where x is NULL (a value, or an expression of the same
// kind as x). A row holds x's type, a std::optional only if the fallback may be NULL too.
template <class X, class F>
  requires detail::is_expression_v<X>
auto coalesce(const X& x, const F& fallback) {
  detail::check_comparable<X, F>();
  using scalar = typename detail::expression_traits<std::remove_cvref_t<X>>::scalar;
  using field = std::conditional_t<detail::nullable_operand_v<F>, std::optional<scalar>, scalar>;
  detail::computed_result_t<field, X, F> out;
  if constexpr (detail::comparable<X, F>()) {
    const auto a = detail::lower(out.tree, x);
    const auto b = detail::lower_operand<scalar>(out.tree, fallback);
    out.tree.add(detail::node{detail::node_kind::function, detail::compare_op::eq, a, b, detail::fn_coalesce});
  }
  return out;
}

namespace detail {
template <function_call Fn, class X>
auto make_case_change(const X& x) {
  static_assert(std::is_same_v<typename expression_traits<std::remove_cvref_t<X>>::scalar, std::string>,
                "ar: lower() and upper() change the case of text: use them on a std::string column");
  using field = std::conditional_t<nullable_operand_v<X>, std::optional<std::string>, std::string>;
  computed_result_t<field, X, int> out;
  const auto a = lower(out.tree, x);
  out.tree.add(node{node_kind::function, compare_op::eq, a, 0, Fn});
  return out;
}
}  // namespace detail

// LOWER(x) and UPPER(x) of a text: ASCII letters on every backend; beyond ASCII as the database
// folds case (docs/querying.md, "LIKE and case").
template <class X>
  requires detail::is_expression_v<X>
auto lower(const X& x) {
  return detail::make_case_change<detail::fn_lower>(x);
}
// UPPER(x) of a text, as lower().
template <class X>
  requires detail::is_expression_v<X>
auto upper(const X& x) {
  return detail::make_case_change<detail::fn_upper>(x);
}

// --- CASE WHEN ... THEN ... ELSE ... END ---------------------------------------------------------

namespace detail {
// The scalar type of one value of a CASE: an expression's own; a plain value's as it is bound (an
// integer of 4 bytes or fewer as std::int32_t, a longer one as std::int64_t, a floating-point
// number as a double, a text as a std::string).
template <class V, bool = is_expression_v<V>>
struct case_value_scalar {
  using type = typename expression_traits<std::remove_cvref_t<V>>::scalar;
};
template <class V>
struct case_value_scalar<V, false> {
  using D = std::remove_cvref_t<V>;
  using type = std::conditional_t<
      std::is_same_v<D, bool> || !std::is_arithmetic_v<D>,
      std::conditional_t<category_of_value<D>() == category::text, std::string, D>,
      std::conditional_t<std::is_floating_point_v<D>, double,
                         std::conditional_t<(sizeof(D) <= 4 && std::is_signed_v<D>), std::int32_t, std::int64_t>>>;
};
template <class V>
using case_value_scalar_t = typename case_value_scalar<V>::type;

// The values of a CASE, one by one, give its type: the same type throughout; integers of two widths
// make a std::int64_t; two decimals (ar::decimal, ar::numeric<P, S>) an ar::decimal.
template <class A, class B>
constexpr bool case_values_agree() {
  constexpr category a = category_of_value<A>(), b = category_of_value<B>();
  if constexpr (std::is_same_v<A, B>)
    return a != category::json && a != category::null && a != category::optional_value && a != category::unsupported;
  else if constexpr (is_number_v<A> && is_number_v<B>)
    return std::is_integral_v<A> && std::is_integral_v<B> && !field_traits<A>::mapped && !field_traits<B>::mapped;
  else
    return a == category::decimal && b == category::decimal;
}
template <class A, class B>
using case_common_t =
    std::conditional_t<std::is_same_v<A, B>, A, std::conditional_t<std::is_integral_v<A>, std::int64_t, decimal>>;

template <class A, class B>
constexpr void check_case_values() {
  static_assert(case_values_agree<A, B>(),
                "ar: the values of a case_when differ in type: give every THEN and the otherwise() value the same "
                "kind (integers with integers, doubles with doubles, text with text, ...)");
}

template <class C>
constexpr void check_case_condition() {
  static_assert(is_condition<C>(),
                "ar: case_when() and .when() take a condition first (a comparison, in, like, between, is_null, a "
                "bool column), then the value it gives");
}

// Lowers one value of a CASE: an expression, or a parameter of its own type.
template <class V>
std::uint32_t lower_case_value(expr_tree& tree, const V& v) {
  return lower_operand<case_value_scalar_t<V>>(tree, v);
}

// Whether a value of a CASE may be NULL: a column of a std::optional field, an expression that may.
template <class V>
inline constexpr bool case_value_nullable_v = is_expression_v<V> && nullable_operand_v<V>;
}  // namespace detail

// A CASE being written: ar::case_when(condition, value), then .when(condition, value) as often as
// needed, then .otherwise(value) for the ELSE. Without otherwise() it is a whole CASE without ELSE:
// NULL where no condition holds, so a row holds a std::optional<Scalar>. Every value is bound.
// Nullable: whether one of its values so far may be NULL (then the finished CASE is optional too).
template <class Scalar, bool Nullable, class... Models>
struct case_expr : detail::expression_methods<case_expr<Scalar, Nullable, Models...>> {
  // What a row holds of a CASE without ELSE: NULL where no condition holds.
  using field_type = std::optional<Scalar>;
  detail::expr_tree tree;  // its root is the last case_when node

  // WHEN condition THEN value.
  template <class C, class V>
  auto when(const C& condition, const V& value) const& {
    auto copy = *this;
    return std::move(copy).when(condition, value);
  }
  // when(condition, value) on a temporary.
  template <class C, class V>
  auto when(const C& condition, const V& value) && {
    detail::check_case_condition<C>();
    using next = detail::case_value_scalar_t<V>;
    detail::check_case_values<Scalar, next>();
    using models =
        typename detail::concat_lists<detail::type_list<Models...>,
                                      typename detail::concat_lists<typename detail::models_of<C>::type,
                                                                    typename detail::models_of<V>::type>::type>::type;
    return [&]<class... Ms>(detail::type_list<Ms...>) {
      case_expr<detail::case_common_t<Scalar, next>, Nullable || detail::case_value_nullable_v<V>, Ms...> out;
      out.tree = std::move(tree);
      if constexpr (detail::is_condition<C>() && detail::case_values_agree<Scalar, next>()) {
        const auto previous = out.tree.root();
        const auto c = detail::lower(out.tree, condition);
        const auto v = detail::lower_case_value(out.tree, value);
        out.tree.add(detail::node{detail::node_kind::case_when, detail::compare_op::eq, c, v, previous});
      }
      return out;
    }(models{});
  }

  // ELSE value: the finished CASE, a computed value of its values' type; a std::optional only if
  // one of its values may be NULL.
  template <class V>
  auto otherwise(const V& value) const& {
    auto copy = *this;
    return std::move(copy).otherwise(value);
  }
  // otherwise(value) on a temporary.
  template <class V>
  auto otherwise(const V& value) && {
    using last = detail::case_value_scalar_t<V>;
    detail::check_case_values<Scalar, last>();
    using scalar = detail::case_common_t<Scalar, last>;
    using field = std::conditional_t<Nullable || detail::case_value_nullable_v<V>, std::optional<scalar>, scalar>;
    using models =
        typename detail::concat_lists<detail::type_list<Models...>, typename detail::models_of<V>::type>::type;
    return [&]<class... Ms>(detail::type_list<Ms...>) {
      computed<field, Ms...> out;
      out.tree = std::move(tree);
      if constexpr (detail::case_values_agree<Scalar, last>()) {
        const auto previous = out.tree.root();
        const auto v = detail::lower_case_value(out.tree, value);
        out.tree.add(detail::node{detail::node_kind::case_else, detail::compare_op::eq, previous, v});
      }
      return out;
    }(models{});
  }
};

// CASE WHEN condition THEN value: the start of a CASE (see case_expr). The value is an expression
// or a plain value (bound); the condition is a condition of the query's model (or of aggregates, in
// a grouped select).
template <class C, class V>
auto case_when(const C& condition, const V& value) {
  detail::check_case_condition<C>();
  using scalar = detail::case_value_scalar_t<V>;
  static_assert(detail::case_values_agree<scalar, scalar>(),
                "ar: case_when gives a value a column cannot hold: use a number, a string, a bool, an "
                "ar::time_point, ... (a CASE without otherwise() is already NULL where no condition holds)");
  using models =
      typename detail::concat_lists<typename detail::models_of<C>::type, typename detail::models_of<V>::type>::type;
  return [&]<class... Ms>(detail::type_list<Ms...>) {
    case_expr<scalar, detail::case_value_nullable_v<V>, Ms...> out;
    if constexpr (detail::is_condition<C>() && detail::case_values_agree<scalar, scalar>()) {
      const auto c = detail::lower(out.tree, condition);
      const auto v = detail::lower_case_value(out.tree, value);
      out.tree.add(detail::node{detail::node_kind::case_when, detail::compare_op::eq, c, v, detail::no_node});
    }
    return out;
  }(models{});
}

// EXISTS (SELECT ...): whether a query (of any model, on the same database) has a row; run inside
// the enclosing query's statement. ! negates it.
template <class Q>
  requires requires {
    typename Q::row_type;
    typename Q::model_type;
  }
auto exists_in(const Q& q) {
  typename detail::make_expr<bool, detail::outer_models_t<Q>>::type out;
  out.tree.queries.push_back(std::make_shared<const detail::query_subquery>(subquery_of(q)));
  out.tree.add(detail::node{detail::node_kind::exists_query, detail::compare_op::eq, 0});
  return out;
}

// (SELECT ...) as one value: a query of one column whose first row is the value (NULL without a
// row: a row holds a std::optional), for select, filter and order_by. A query of more than one row is
// refused by the database.
template <class Q>
  requires requires {
    typename Q::row_type;
    typename Q::model_type;
  }
auto scalar(const Q& q) {
  using row = typename Q::row_type;
  static_assert(detail::is_single_column_v<row>,
                "ar::scalar(query) takes a query of one column: select(Model::c.column) or one aggregate");
  using element = typename detail::strip_optional<typename detail::single_column<row>::type>::type;
  typename detail::computed_of<std::optional<element>, detail::outer_models_t<Q>>::type out;
  out.tree.queries.push_back(std::make_shared<const detail::query_subquery>(subquery_of(q)));
  out.tree.add(detail::node{detail::node_kind::scalar_query, detail::compare_op::eq, 0});
  return out;
}

}  // namespace ar

#endif  // AR_EXPR_HPP
