#ifndef AR_VIEWS_SELECT_HPP
#define AR_VIEWS_SELECT_HPP

// select(columns...): rows of a std::tuple of those columns, instead of whole records; a column may
// be an aggregate (User::c.karma.sum(), ar::count_all()), of each group of a group_by.
// select_as<S>(columns...): rows of S, built as S{column1, column2, ...}.
//   for (auto [id, name] : from<User>() | select(User::c.id, User::c.name) | to_vector) ...

#include <ar/query.hpp>

#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ar {

namespace detail {
template <class X>
struct column_field_type;
template <class M, int I>
struct column_field_type<column<M, I>> {
  using type = typename column_lookup<M, I>::def::type;
};
// An aggregate: what its Field says (a std::optional where it may be NULL).
template <class Field, class... Models>
struct column_field_type<aggregate<Field, Models...>> {
  using type = Field;
};
// A computed value (arithmetic, coalesce, lower, upper): likewise.
template <class Field, class... Models>
struct column_field_type<computed<Field, Models...>> {
  using type = Field;
};
// A CASE without ELSE (ar::case_when(...) with no otherwise()): NULL where no condition holds.
template <class Scalar, bool Nullable, class... Models>
struct column_field_type<case_expr<Scalar, Nullable, Models...>> {
  using type = std::optional<Scalar>;
};

// What a selected expression reads in a query of M with joins J: its field type, or a std::optional
// of it when the expression uses a column of a model (other than M) or of a path (ar::joined) every
// join of which is a LEFT JOIN (a row may have no such model, and its columns are NULL then).
// Aggregates say for themselves.
template <class M, class J, class X>
struct selected_type {
  using field = typename column_field_type<X>::type;
  static constexpr bool may_be_missing = !is_aggregated_v<X> && []<class... Ms>(type_list<Ms...>) {
    return (detail::may_be_missing<M, J, Ms>() || ...);
  }(typename models_of<X>::type{});
  using type = std::conditional_t<may_be_missing && !is_optional_v<field>, std::optional<field>, field>;
};

template <class X>
inline constexpr bool is_model_column_v = false;
template <class M, int I>
inline constexpr bool is_model_column_v<column<M, I>> = true;

// The trees of a select: of plain columns, made once per list of columns and shared by every query
// that selects them; of anything else (values, paths), made by each select.
template <class... Columns>
shared_trees select_trees(const Columns&... columns) {
  if constexpr ((is_model_column_v<Columns> && ...)) {
    static const auto trees = std::make_shared<const std::vector<expr_tree>>(to_trees(columns...));
    return shared_trees(trees, shared_trees::lasting_t{});
  } else {
    return shared_trees(to_trees(columns...));
  }
}

template <class Row, class... Columns>
struct select_closure {
  shared_trees trees;

  // The query by value: a temporary one (a pipeline being built) is changed in place.
  template <class M, class R, class S, class J>
  auto operator()(query<M, R, S, J> q) const {
    return apply(std::move(q), trees);
  }

  template <class M, class R, class S, class J>
  static auto apply(query<M, R, S, J>&& q, const shared_trees& columns) {
    static_assert((belongs_to_query<query<M, R, S, J>, Columns>() && ...),
                  "ar::select: a column belongs to another model than the query's (or one it joins)");
    using staging = std::tuple<typename selected_type<M, J, Columns>::type...>;
    using row = std::conditional_t<std::is_void_v<Row>, staging, Row>;
    if constexpr (!std::is_void_v<Row>) {
      static_assert(
          requires(typename selected_type<M, J, Columns>::type... v) { Row{std::move(v)...}; },
          "ar::select_as<S>: S cannot be built from the selected columns: give S one member per "
          "column, in the same order, of the same types (a column of a left-joined model is a "
          "std::optional)");
    }
    return std::move(q).template with_rows<row, staging>([&](query_state& s) { s.selected = columns; });
  }
};

template <class Row, class... Columns>
auto make_select(const Columns&... columns) {
  static_assert(sizeof...(Columns) > 0, "ar::select needs at least one column");
  static_assert(((is_column_v<Columns> || is_aggregated_v<Columns> || is_computed_v<Columns>) && ...),
                "ar::select takes column handles (Model::c.field), aggregates (Model::c.field.sum(), "
                "ar::count_all(), ...) and values computed from them (a * b, ar::coalesce(a, 0), ar::lower(a), "
                "ar::case_when(...))");
  return closure<select_closure<Row, Columns...>>{{select_trees(columns...)}};
}
}  // namespace detail

namespace detail {
struct select_fn {
  template <class... Columns>
  auto operator()(const Columns&... columns) const {
    return detail::make_select<void>(columns...);
  }
};
}  // namespace detail
inline namespace views {
// query | select(columns...): rows of a std::tuple of these columns.
inline constexpr detail::select_fn select{};
}  // namespace views

namespace detail {
template <class Row>
struct select_as_fn {
  template <class... Columns>
  auto operator()(const Columns&... columns) const {
    return detail::make_select<Row>(columns...);
  }
};
}  // namespace detail

inline namespace views {
// query | select_as<S>(columns...): rows of S, built as S{column1, column2, ...}.
template <class Row>
inline constexpr detail::select_as_fn<Row> select_as{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_SELECT_HPP
