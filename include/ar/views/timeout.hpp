#ifndef AR_VIEWS_TIMEOUT_HPP
#define AR_VIEWS_TIMEOUT_HPP

// timeout(limit): each statement the query sends, its eager loads' included, stops after `limit`
// with ar::timeout_error (0: no limit), whatever the database's open_options::statement_timeout or
// a statement_timeout_scope around it say. A later timeout replaces an earlier one.
//
//   auto recent = from<Event>() | filter(Event::c.day >= today) | timeout(200ms) | to_vector;

#include <ar/error.hpp>
#include <ar/query.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace ar {

namespace detail {
struct timeout_fn {
  auto operator()(std::chrono::milliseconds limit) const {
    if (limit.count() < 0)
      throw configuration_error("ar::timeout(" + std::to_string(limit.count()) +
                                " ms): a timeout cannot be negative (0: no limit)");
    return closure{[ms = std::int64_t(limit.count())]<class Q>(Q&& q) {
      return std::forward<Q>(q).transformed([&](detail::query_state& s) { s.timeout_ms = ms; });
    }};
  }
};
}  // namespace detail

inline namespace views {
// query | timeout(limit): each statement of the query stops after `limit` (ar::timeout_error).
inline constexpr detail::timeout_fn timeout{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_TIMEOUT_HPP
