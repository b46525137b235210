#ifndef AR_VIEWS_DELETE_ALL_HPP
#define AR_VIEWS_DELETE_ALL_HPP

// delete_all: DELETE the rows a query's filters select, in one statement (terminal); returns the
// number of rows deleted. It deletes rows, not records: no AR_DEPENDENT handling, no callbacks.
//   from<Post>() | filter(Post::c.title.like("draft%")) | delete_all;

#include <ar/error.hpp>
#include <ar/export.hpp>
#include <ar/query.hpp>

#include <cstdint>
#include <type_traits>

namespace ar {

namespace detail {

AR_API void render_delete(std::string& sql, std::vector<value>& params, const dialect& d, const query_state& state);
AR_API void render_nullify(std::string& sql, std::vector<value>& params, const dialect& d, const query_state& state,
                           std::size_t column);

// delete_all of a sharded model's query given no database (ar::shard): on each shard its filter
// names (every shard, else), concurrently; the rows deleted, added (src/query/sharded.cpp).
AR_API std::uint64_t delete_sharded(const query_state& state);

inline void require_plain_filter(const query_state& s, const char* what) {
  if (!s.order.empty() || s.limit || s.offset || s.distinct || !s.selected.empty())
    throw error(std::string("ar::") + what +
                " applies to what filter selects: order_by, take, drop, distinct and "
                "select do not apply to it");
}

struct delete_all_fn {
  template <class M, class R, class S, class J>
  std::uint64_t operator()(const query<M, R, S, J>& q) const {
    static_assert(std::is_same_v<J, type_list<>>,
                  "ar::delete_all: the query joins other models, and a DELETE removes rows of one table: select the "
                  "rows with where_has(...) or in(query) instead of joins<...>");
    require_plain_filter(q.state(), "delete_all");
    if (sharded_query(q.given_database(), q.state())) return delete_sharded(q.state());
    const ar::database db = q.database();
    std::string sql;
    std::vector<value> params;
    render_for(db, q.state(), sql, params, [&](std::string& out, std::vector<value>& values, const dialect& d) {
      render_delete(out, values, d, q.state());
    });
    const query_timeout_scope timeout(q.state().timeout_ms);
    return run(detail::state_of(db), sql, params).rows_affected;
  }
};

// UPDATE ... SET column = NULL for the rows a query's filters select.
template <class M, class R, class S, class J, int I>
std::uint64_t nullify_all(const query<M, R, S, J>& q, column<M, I>) {
  require_plain_filter(q.state(), "nullify");
  const ar::database db = q.database();
  std::string sql;
  std::vector<value> params;
  render_for(db, q.state(), sql, params, [&](std::string& out, std::vector<value>& values, const dialect& d) {
    render_nullify(out, values, d, q.state(), column_lookup<M, I>::position);
  });
  const query_timeout_scope timeout(q.state().timeout_ms);
  return run(detail::state_of(db), sql, params).rows_affected;
}

}  // namespace detail

inline namespace views {
// query | delete_all: DELETE the rows the query's filters select; returns how many (terminal).
inline constexpr closure<detail::delete_all_fn> delete_all{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_DELETE_ALL_HPP
