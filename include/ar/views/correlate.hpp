#ifndef AR_VIEWS_CORRELATE_HPP
#define AR_VIEWS_CORRELATE_HPP

// correlate<Model>: a query that is a subquery of a query of Model, and whose conditions name the
// enclosing row's columns (a correlated subquery). The expression made of it (in(query),
// exists_in(query), scalar(query)) uses Model, so it compiles only in a query that reads Model; run
// alone, the query is refused with an ar::error.
//   auto latest = ar::from<Post>() | ar::correlate<User> | ar::filter(Post::c.user_id == User::c.id)
//               | ar::select(Post::c.views.max());
//   ar::from<User>() | ar::select(User::c.name, ar::scalar(latest)) | ar::to_vector;

#include <ar/query.hpp>

#include <type_traits>

namespace ar {

namespace detail {
template <class Outer>
struct correlate_fn {
  template <class M, class R, class S, class J>
  auto operator()(const query<M, R, S, J>& q) const {
    static_assert(!std::is_same_v<M, Outer>,
                  "ar::correlate<Model>: the query reads Model's own table, so Model's columns would name its own "
                  "rows, not the enclosing query's: correlate a query of another model");
    using next = typename concat_lists<J, type_list<correlated<Outer>>>::type;
    return q.template with_joins<next>([](query_state& s) { s.correlated.push_back(&table_meta_v<Outer>); });
  }
};
}  // namespace detail

inline namespace views {
// query | correlate<Outer>: the query as a correlated subquery of a query of Outer.
template <class Outer>
inline constexpr closure<detail::correlate_fn<Outer>> correlate{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_CORRELATE_HPP
