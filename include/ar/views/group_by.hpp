#ifndef AR_VIEWS_GROUP_BY_HPP
#define AR_VIEWS_GROUP_BY_HPP

// group_by(keys...): GROUP BY columns or values computed from them (a CASE, arithmetic, lower(...));
// having(condition): HAVING, a condition on the groups (aggregates may be in it). With select, one
// row per group:
//   from<Invoice>() | group_by(Invoice::c.country) | having(count_all() >= 5)
//                   | select(Invoice::c.country, count_all(), Invoice::c.total.sum()) | to_vector
// A computed key that is also selected is written as the select's position (GROUP BY 1): its bound
// values then appear once, which PostgreSQL needs to see the two as the same expression.

#include <ar/query.hpp>

#include <type_traits>
#include <vector>

namespace ar {

namespace detail {
struct group_by_fn {
  template <class... Columns>
  auto operator()(const Columns&... columns) const {
    static_assert(sizeof...(Columns) > 0, "ar::group_by needs at least one column");
    static_assert(((is_column_v<Columns> || (is_computed_v<Columns> && !is_aggregated_v<Columns>)) && ...),
                  "ar::group_by takes column handles (Model::c.field) and values computed from them (a * b, "
                  "ar::coalesce(a, 0), ar::lower(a), ar::case_when(...)), not aggregates");
    return closure{[trees = to_trees(columns...)]<class Q>(Q&& q) {
      static_assert((belongs_to_query<Q, Columns>() && ...),
                    "ar::group_by: a column belongs to another model than the query's (or one it joins)");
      return std::forward<Q>(q).transformed(
          [&](query_state& s) { s.group_by.insert(s.group_by.end(), trees.begin(), trees.end()); });
    }};
  }
};

struct having_fn {
  template <class Condition>
  auto operator()(const Condition& condition) const {
    static_assert(is_condition<Condition>(),
                  "ar::having takes a condition: a comparison of aggregates or grouped columns (count_all() > 2)");
    return closure{[tree = to_tree(condition)]<class Q>(Q&& q) {
      static_assert(belongs_to_query<Q, Condition>(),
                    "ar::having: the condition uses a column of another model than the query's (or one it joins)");
      return std::forward<Q>(q).transformed([&](query_state& s) {
        if (!s.having) {
          s.having = tree;
          return;
        }
        expr_tree& h = *s.having;
        const auto a = h.root();
        const auto b = h.append(tree);
        h.add(node{node_kind::logical_and, compare_op::eq, a, b});
      });
    }};
  }
};
}  // namespace detail

inline namespace views {
// query | group_by(keys...): GROUP BY these columns or expressions.
inline constexpr detail::group_by_fn group_by{};
// query | having(condition): HAVING, a condition on the groups.
inline constexpr detail::having_fn having{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_GROUP_BY_HPP
