#ifndef AR_VIEWS_FILTER_HPP
#define AR_VIEWS_FILTER_HPP

// filter(condition): WHERE. Several filters are ANDed.
//   from<User>() | filter(User::c.age >= 18 && User::c.name.like("A%"))

#include <ar/query.hpp>

namespace ar {

struct filter_fn {
  template <class Condition>
  auto operator()(const Condition& condition) const {
    static_assert(detail::is_condition<Condition>(),
                  "ar::filter takes a condition: a comparison, in, like, between, is_null, or a bool column");
    return closure{[tree = detail::to_tree(condition)]<class M, class R, class S>(const query<M, R, S>& q) {
      static_assert(detail::belongs_to_model<M, Condition>(),
                    "ar::filter: the condition uses a column of another model than the query's: filter a "
                    "query of that model instead");
      return q.transformed([&](detail::query_state& s) {
        if (!s.where) {
          s.where = tree;
          return;
        }
        detail::expr_tree both;
        const auto a = both.append(*s.where);
        const auto b = both.append(tree);
        both.add(detail::node{detail::node_kind::logical_and, detail::compare_op::eq, a, b});
        s.where = std::move(both);
      });
    }};
  }
};

inline constexpr filter_fn filter{};

}  // namespace ar

#endif  // AR_VIEWS_FILTER_HPP
