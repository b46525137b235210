#ifndef AR_VIEWS_DISTINCT_HPP
#define AR_VIEWS_DISTINCT_HPP

// distinct: SELECT DISTINCT (most useful after select()).

#include <ar/query.hpp>

namespace ar {

namespace detail {
struct distinct_fn {
  template <class M, class R, class S, class J>
  query<M, R, S, J> operator()(const query<M, R, S, J>& q) const {
    return q.transformed([](query_state& s) { s.distinct = true; });
  }
};
}  // namespace detail

inline namespace views {
// query | distinct: SELECT DISTINCT.
inline constexpr closure<detail::distinct_fn> distinct{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_DISTINCT_HPP
