#ifndef AR_VIEWS_PAGE_HPP
#define AR_VIEWS_PAGE_HPP

// page(n): at most n rows, and whether more follow, in one statement (terminal): it reads n + 1
// rows and keeps n. With drop(k) before it, the page after k rows; with after(record), the page
// after that record (keyset pagination, ar/views/after.hpp). Eager loads (with) run for the n kept.

#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/query.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace ar {

// One page of a query's rows.
template <class R>
struct page_of {
  // The page's rows, at most n.
  std::vector<R> records;
  bool has_more = false;  // at least one row follows the last of `records`
};

namespace detail {
[[noreturn]] AR_API void throw_page_with_limit();

template <class M, class R, class S, class J>
page_of<R> read_page(const query<M, R, S, J>& q, std::int64_t n) {
  query_state state = q.state();
  if (state.limit) throw_page_with_limit();
  state.limit = n == std::numeric_limits<std::int64_t>::max() ? n : n + 1;
  page_of<R> page;
  if constexpr (std::is_same_v<R, M>) {
    const auto read = std::make_shared<record_buffer>(record_ops_v<M>);
    each_record(q, state, &record_buffer::sink, read.get());
    page.records = vector_keeping<M>(read);  // the buffer stays, as the rows as read
  } else {
    S staging{};
    for_each_row(q, state, staging, [&] { page.records.push_back(make_row<R>(std::move(staging))); });
  }
  if (page.records.size() > static_cast<std::uint64_t>(n)) {
    page.has_more = true;
    page.records.pop_back();
  }
  if constexpr (std::is_same_v<R, M>) finish_records(state, page.records.data(), page.records.size());
  return page;
}

struct page_fn {
  auto operator()(std::int64_t n) const {
    if (n < 0) detail::throw_negative_count("page", n);
    return closure{[n]<class M, class R, class S, class J>(const query<M, R, S, J>& q) { return read_page(q, n); }};
  }
};
}  // namespace detail

inline namespace views {
// query | page(n): at most n rows and whether more follow (terminal).
inline constexpr detail::page_fn page{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_PAGE_HPP
