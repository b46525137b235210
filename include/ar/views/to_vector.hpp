#ifndef AR_VIEWS_TO_VECTOR_HPP
#define AR_VIEWS_TO_VECTOR_HPP

// to_vector: runs the query and returns every row (terminal).

#include <ar/query.hpp>

#include <memory>
#include <vector>

namespace ar {

namespace detail {
// Every row of a query. A function of its own, not the body of to_vector_fn's call operator:
// compilers inline what a class body defines into each call, and a program reads a model's
// records at many places.
template <class M, class R, class S, class J>
std::vector<R> read_all(const query<M, R, S, J>& q) {
  static_assert(std::is_default_constructible_v<S>, "ar fills rows in place: the model needs a default constructor");
  if constexpr (std::is_same_v<R, M>) {
    const auto read = std::make_shared<record_buffer>(record_ops_v<M>);
    each_record(q, q.state(), &record_buffer::sink, read.get());
    std::vector<M> rows = vector_keeping<M>(read);  // the buffer stays, as the rows as read
    finish_records(q.state(), rows.data(), rows.size());
    return rows;
  } else {
    std::vector<R> rows;
    S staging{};
    for_each_row(q, q.state(), staging, [&] { rows.push_back(make_row<R>(std::move(staging))); });
    return rows;
  }
}

struct to_vector_fn {
  template <class M, class R, class S, class J>
  std::vector<R> operator()(const query<M, R, S, J>& q) const {
    return read_all(q);
  }
};
}  // namespace detail

inline namespace views {
// query | to_vector: runs the query and returns every row in a std::vector (terminal).
inline constexpr closure<detail::to_vector_fn> to_vector{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_TO_VECTOR_HPP
