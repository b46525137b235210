#ifndef AR_VIEWS_FILTER_HPP
#define AR_VIEWS_FILTER_HPP

// filter(condition): WHERE. Several filters are ANDed.
//   from<User>() | filter(User::c.age >= 18 && User::c.name.like("A%"))

#include <ar/export.hpp>
#include <ar/query.hpp>

#include <optional>
#include <type_traits>
#include <utility>

namespace ar {

namespace detail {

// ANDs "column = value" (or, without a value, a condition no row meets: "column IN ()") into a
// query's WHERE, and `condition` when given: a relation's rows, without an expression type.
AR_API void where_related(query_state& s, const table_meta* table, std::uint32_t position,
                          const std::optional<value>& v, const expr_tree* condition);

template <class Condition>
struct filter_closure {
  expr_tree tree;

  template <class Q>
  static void check() {
    static_assert(!is_aggregated_v<Condition>,
                  "ar::filter: the condition uses an aggregate (count, sum, avg, min, max), which WHERE cannot: a "
                  "condition on groups goes in ar::having(...)");
    static_assert(belongs_to_query<Q, Condition>(),
                  "ar::filter: the condition uses a column of another model than the query's: filter a "
                  "query of that model instead, or join it (ar::joins<\"relation\">)");
  }
  // A filter kept for reuse copies its condition into each query it is applied to...
  template <class Q>
  std::remove_cvref_t<Q> operator()(Q&& q) const& {
    check<Q>();
    return std::forward<Q>(q).transformed([&](query_state& s) { and_where(s, expr_tree(tree)); });
  }
  // ... a temporary one moves it there.
  template <class Q>
  std::remove_cvref_t<Q> operator()(Q&& q) && {
    check<Q>();
    return std::forward<Q>(q).transformed([&](query_state& s) { and_where(s, std::move(tree)); });
  }
};

}  // namespace detail

namespace detail {
struct filter_fn {
  template <class Condition>
  auto operator()(const Condition& condition) const {
    static_assert(detail::is_condition<Condition>(),
                  "ar::filter takes a condition: a comparison, in, like, between, is_null, or a bool column");
    return closure<detail::filter_closure<Condition>>{{detail::to_tree(condition)}};
  }
  // A condition written in place gives up its tree (no copy).
  template <class T, class... Models>
  auto operator()(expr<T, Models...>&& condition) const {
    static_assert(detail::is_condition<expr<T, Models...>>(),
                  "ar::filter takes a condition: a comparison, in, like, between, is_null, or a bool column");
    return closure<detail::filter_closure<expr<T, Models...>>>{{std::move(condition.tree)}};
  }
};
}  // namespace detail

inline namespace views {
// query | filter(condition): WHERE condition, ANDed with the query's others.
inline constexpr detail::filter_fn filter{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_FILTER_HPP
