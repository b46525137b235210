#ifndef AR_VIEWS_DROP_HPP
#define AR_VIEWS_DROP_HPP

// drop(n): skip the first n rows (OFFSET). Like ranges::views::drop: take(10) | drop(2) is the
// 3rd to 10th rows.

#include <ar/error.hpp>
#include <ar/query.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

namespace ar {

namespace detail {
struct drop_fn {
  auto operator()(std::int64_t n) const {
    if (n < 0) detail::throw_negative_count("drop", n);
    return closure{[n]<class M, class R, class S, class J>(const query<M, R, S, J>& q) {
      return q.transformed([&](detail::query_state& s) {
        // Rows skipped past INT64_MAX are INT64_MAX rows (no table has more), never an overflow.
        const std::int64_t skipped = s.offset.value_or(0);
        s.offset = n > std::numeric_limits<std::int64_t>::max() - skipped ? std::numeric_limits<std::int64_t>::max()
                                                                          : skipped + n;
        if (s.limit) s.limit = std::max<std::int64_t>(*s.limit - n, 0);
      });
    }};
  }
};
}  // namespace detail

inline namespace views {
// query | drop(n): skip the first n rows (OFFSET).
inline constexpr detail::drop_fn drop{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_DROP_HPP
