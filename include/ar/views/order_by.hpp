#ifndef AR_VIEWS_ORDER_BY_HPP
#define AR_VIEWS_ORDER_BY_HPP

// order_by(keys...): ORDER BY, ascending unless a key is wrapped in desc(). Later order_by keys
// come after earlier ones.
//   from<User>() | order_by(ar::desc(User::c.age), User::c.name)

#include <ar/query.hpp>

namespace ar {

namespace detail {
template <class Key>
order_key to_order_key(const Key& key) {
  if constexpr (is_expression_v<Key>)
    return order_key{to_tree(key), false};
  else
    return order_key{key.tree, key.descending};
}

template <class Key>
struct order_key_models {
  using type = typename models_of<Key>::type;
};
template <class... Ms>
struct order_key_models<order_term<Ms...>> {
  using type = type_list<Ms...>;
};

template <class Root, class Key>
constexpr bool order_key_belongs() {
  return []<class... Ms>(type_list<Ms...>) {
    return (model_in_query<Root, Ms>() && ...);
  }(typename order_key_models<Key>::type{});
}

template <class Key>
inline constexpr bool is_order_term_v = false;
template <class... Ms>
inline constexpr bool is_order_term_v<order_term<Ms...>> = true;
}  // namespace detail

namespace detail {
struct order_by_fn {
  template <class... Keys>
  auto operator()(const Keys&... keys) const {
    static_assert(sizeof...(Keys) > 0, "ar::order_by needs at least one key");
    static_assert(((detail::is_expression_v<Keys> || detail::is_order_term_v<Keys>) && ...),
                  "ar::order_by takes columns (Model::c.field), or asc(column) / desc(column)");
    std::vector<detail::order_key> keys_in_order;
    keys_in_order.reserve(sizeof...(Keys));
    (detail::push_order_key(keys_in_order, detail::to_order_key(keys)), ...);
    // A temporary query (a pipeline being built) is changed in place.
    return closure{[terms = std::move(keys_in_order)]<class Q>(Q&& q) {
      static_assert((detail::order_key_belongs<Q, Keys>() && ...),
                    "ar::order_by: a key is a column of another model than the query's (or one it joins)");
      return std::forward<Q>(q).transformed([&](detail::query_state& s) { detail::append_order(s, terms); });
    }};
  }
};
}  // namespace detail

inline namespace views {
// query | order_by(keys...): ORDER BY, after the query's earlier keys.
inline constexpr detail::order_by_fn order_by{};
}  // namespace views

}  // namespace ar

#endif  // AR_VIEWS_ORDER_BY_HPP
