#ifndef AR_VIEWS_FIRST_HPP
#define AR_VIEWS_FIRST_HPP

// first: the first row, or nothing (terminal). Without order_by, "first" is by primary key.

#include <ar/query.hpp>

#include <optional>

namespace ar {

namespace detail {
struct first_fn {
  template <class M, class R, class S, class J>
  std::optional<R> operator()(const query<M, R, S, J>& q) const {
    query_state state = q.state();
    state.limit = state.limit ? std::min<std::int64_t>(*state.limit, 1) : 1;
    // Without order_by, "first" is by primary key; of groups, by the grouped columns; of
    // aggregates over the whole table (one row), by nothing.
    bool aggregated = false;
    for (const expr_tree& t : state.selected)
      for (const node& n : t.nodes) aggregated = aggregated || n.kind == node_kind::aggregate;
    if (state.order.empty() && !state.group_by.empty()) {
      for (const expr_tree& t : state.group_by) state.order.push_back(order_key{t, false});
    } else if (state.order.empty() && !aggregated) {
      for (const std::size_t column : model_of<M>::key_indices) {
        expr_tree key;
        key.add(node{node_kind::column, compare_op::eq, static_cast<std::uint32_t>(column), 0, 0, &table_meta_v<M>});
        state.order.push_back(order_key{std::move(key), false});
      }
    }
    std::optional<R> result;
    if constexpr (std::is_same_v<R, M>) {
      record_buffer one(record_ops_v<M>);
      each_record(q, state, &record_buffer::sink, &one);
      if (one.size() > 0) {
        M& record = *static_cast<M*>(one.chunks().front().data);
        finish_records(state, &record, 1);
        result.emplace(std::move(record));
        remember_row(*result);
      }
    } else {
      S staging{};
      for_each_row(q, state, staging, [&] { result.emplace(make_row<R>(std::move(staging))); });
    }
    return result;
  }
};
}  // namespace detail

inline namespace views {
// query | first: the first row, a std::optional (terminal).
inline constexpr closure<detail::first_fn> first{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_FIRST_HPP
