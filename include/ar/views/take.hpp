#ifndef AR_VIEWS_TAKE_HPP
#define AR_VIEWS_TAKE_HPP

// take(n): at most n rows (LIMIT). Like ranges::views::take: take(10) | take(5) is 5 rows, and
// drop(2) | take(3) is the 3rd to 5th rows.

#include <ar/error.hpp>
#include <ar/query.hpp>

#include <algorithm>
#include <cstdint>
#include <string>

namespace ar {

namespace detail {
struct take_fn {
  auto operator()(std::int64_t n) const {
    if (n < 0) detail::throw_negative_count("take", n);
    // A temporary query (a pipeline being built) is changed in place.
    return closure{[n]<class Q>(Q&& q) {
      return std::forward<Q>(q).transformed(
          [&](detail::query_state& s) { s.limit = s.limit ? std::min(*s.limit, n) : n; });
    }};
  }
};
}  // namespace detail

inline namespace views {
// query | take(n): at most n rows (LIMIT).
inline constexpr detail::take_fn take{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_TAKE_HPP
