#ifndef AR_VIEWS_AFTER_HPP
#define AR_VIEWS_AFTER_HPP

// after(record): keyset pagination. The rows that come after `record` in the query's order, found
// by a condition on the ordered columns rather than by an OFFSET: the next page costs the same
// however deep it is, and rows inserted or deleted before it shift nothing.
//
//   auto first = ar::from<User>() | ar::order_by(User::c.karma.desc(), User::c.id) | ar::page(20);
//   auto next  = ar::from<User>() | ar::order_by(User::c.karma.desc(), User::c.id)
//              | ar::after(first.records.back()) | ar::page(20);
//
// The order must be of columns that are never NULL and hold every primary key column (so that no
// two rows tie): else ar::error, when the query is built.

#include <ar/detail/execute.hpp>
#include <ar/query.hpp>

#include <type_traits>
#include <utility>
#include <vector>

namespace ar {

namespace detail {
struct after_fn {
  template <model C>
  auto operator()(const C& cursor) const {
    std::vector<value> values;  // the cursor's columns, copied: the closure outlives the record
    append_values(cursor, values, true);
    return closure{[values = std::move(values)]<class M, class R, class S, class J>(const query<M, R, S, J>& q) {
      static_assert(std::is_same_v<M, C>,
                    "ar::after takes a record of the query's own model: the cursor is the last record of the "
                    "previous page of this query");
      return q.transformed([&](query_state& s) { keyset_after(s, values); });
    }};
  }
};
}  // namespace detail

inline namespace views {
// query | after(record): the rows after `record` in the query's order (keyset pagination).
inline constexpr detail::after_fn after{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_AFTER_HPP
