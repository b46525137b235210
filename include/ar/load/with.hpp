#ifndef AR_LOAD_WITH_HPP
#define AR_LOAD_WITH_HPP

// The adaptors that ask a query for eager loads and loading modes: with(paths...), with(path,
// modifier), with_path<...>, with_path_modified<...>(modifier), strict_loading, no_auto_batching;
// and ar::load(records, paths...) for records in hand.

#include <ar/error.hpp>
#include <ar/load/paths.hpp>
#include <ar/load/registry.hpp>
#include <ar/query.hpp>

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ar {

namespace detail {

template <class M>
std::pair<ar::database, std::shared_ptr<const query_state>> rows_modified(const void* modifier) {
  query<M> q = (*static_cast<const std::function<query<M>(query<M>)>*>(modifier))(from<M>());
  return {q.database(), q.shared_state()};
}

// The model a modifier takes: from its parameter, query<T> (or const query<T>&).
template <class F, class = void>
struct modifier_parameter {
  using type = void;
};
template <class Call>
struct modifier_parameter_of_call {
  using type = void;
};
template <class R, class C, class A>
struct modifier_parameter_of_call<R (C::*)(A) const> {
  using type = std::remove_cvref_t<A>;
};
template <class R, class C, class A>
struct modifier_parameter_of_call<R (C::*)(A)> {
  using type = std::remove_cvref_t<A>;
};
template <class F>
struct modifier_parameter<F, std::void_t<decltype(&F::operator())>> {
  using type = typename modifier_parameter_of_call<decltype(&F::operator())>::type;
};

template <class Modifier>
void attach_modifier(eager_node& node, const std::vector<eager_node>&, const relation_table& root, std::string_view path,
                     Modifier modifier) {
  using parameter = typename modifier_parameter<Modifier>::type;
  static_assert(!std::is_void_v<parameter> && is_query_v<parameter>,
                "ar::with(path, modifier): the modifier takes the relation's query by type, e.g. "
                "[](ar::query<Post> q) { return q | ar::filter(...); }");
  if constexpr (!std::is_void_v<parameter> && is_query_v<parameter>) {
    using target = typename parameter::model_type;
    using result = std::invoke_result_t<Modifier, parameter>;
    static_assert(std::is_same_v<std::remove_cvref_t<result>, query<target>>,
                  "ar::with(path, modifier): the modifier must return a query of whole records of the same model "
                  "(filter, order_by, take, drop; no select): eager loading needs every column, keys included");
    if constexpr (std::is_same_v<std::remove_cvref_t<result>, query<target>>) {
    // The path's last relation must lead to the modifier's model.
    const relation_table* table = &root;
    const relation_entry* entry = nullptr;
    for (std::string_view name : split_relation_path(path)) {
      entry = &table->find(name);
      table = &entry->target_table();
    }
    if (entry->kind == relation_kind::morph_to)
      throw error("ar::with: '" + std::string(entry->name) +
                  "' is a morph_to, whose rows point at several models: it takes no modifier");
    if (*entry->target != typeid(target))
      throw error("ar::with: the modifier of '" + std::string(path) + "' takes a query of another model than the one '" +
                  std::string(entry->name) + "' leads to");
    if (entry->kind == relation_kind::has_many_through) {
      // Checked now, before anything runs: a through relation's modifier may only filter.
      const query<target> refined = modifier(from<target>());
      const query_state& s = refined.state();
      if (!s.order.empty() || s.limit || s.offset || s.distinct)
        throw error("ar::with: a modifier of the has_many_through relation '" + std::string(entry->name) +
                    "' may only filter");
    }
    auto previous = std::static_pointer_cast<const std::function<query<target>(query<target>)>>(node.modifier);
    std::function<query<target>(query<target>)> fn = [previous, modifier](query<target> q) {
      if (previous) q = (*previous)(std::move(q));
      return query<target>(modifier(std::move(q)));
    };
    node.modifier = std::make_shared<const std::function<query<target>(query<target>)>>(std::move(fn));
    node.modified = &rows_modified<target>;
    }
  }
}

}  // namespace detail

// with(paths...): eager-load the relations the dotted paths name. Every path is checked against
// the models before anything runs; a wrong one throws ar::invalid_relation_path or
// ar::relation_not_found and changes nothing.
namespace detail {
struct with_fn {
  template <class... Paths>
    requires(std::is_convertible_v<const Paths&, std::string_view> && ...)
  auto operator()(const Paths&... paths) const {
    return closure{[list = detail::path_list({std::string_view(paths)...})]<class M, class R, class S, class J>(
                       const query<M, R, S, J>& q) {
      static_assert(std::is_same_v<R, M>, "ar::with loads relations of whole records: use it before select");
      auto shared = detail::with_paths(q.state().eager.get(), detail::relation_table_of<M>(), list);
      return q.transformed([&](detail::query_state& s) { s.eager = std::move(shared); });
    }};
  }

  // with(path, modifier): the modifier refines the query of the path's last relation; its
  // parameter names the target model: [](ar::query<Post> q) { return q | ar::filter(...); }.
  template <class Modifier>
    requires(!std::is_convertible_v<const Modifier&, std::string_view>)
  auto operator()(std::string_view path, Modifier modifier) const {
    return closure{[path = std::string(path), modifier = std::move(modifier)]<class M, class R, class S, class J>(
                       const query<M, R, S, J>& q) {
      static_assert(std::is_same_v<R, M>, "ar::with loads relations of whole records: use it before select");
      auto tree = q.state().eager ? *q.state().eager : std::vector<detail::eager_node>{};
      detail::eager_node& node = detail::add_path(tree, detail::relation_table_of<M>(), path);
      detail::attach_modifier(node, tree, detail::relation_table_of<M>(), path, modifier);
      auto shared = std::make_shared<const std::vector<detail::eager_node>>(std::move(tree));
      return q.transformed([&](detail::query_state& s) { s.eager = shared; });
    }};
  }
};
}  // namespace detail

inline namespace views {
inline constexpr detail::with_fn with{};
}  // namespace views


namespace detail {

template <fixed_string... Paths>
struct with_path_fn {
  template <class M, class R, class S, class J>
  query<M, R, S, J> operator()(const query<M, R, S, J>& q) const {
    static_assert(((Paths.names() <= max_relation_path_names) && ...),
                  "ar::with_path: a path names more than 64 relations (ar::detail::max_relation_path_names)");
    static_assert((path_names_declared_relations<Paths, relation_names_of<typename path_stop<M, Paths, 0>::type>(),
                                                 path_exists<M, Paths, 0>()> &&
                   ...),
                  "ar::with_path: a path names a relation the model does not declare (the note spells the path "
                  "and the relations of the model where it stops), or is not a dot-separated list of relation "
                  "names");
    return q | ar::with(Paths.view()...);
  }
};

}  // namespace detail

// with_path<"posts.comments", "profile">: with(...) whose paths are checked at compile time, so a
// typo does not compile.
inline namespace views {
template <fixed_string... Paths>
inline constexpr closure<detail::with_path_fn<Paths...>> with_path{};
}  // namespace views

// with_path_modified<"posts">(modifier): with(path, modifier) with the path checked at compile
// time; the modifier may be generic ([](auto q) { return q | ar::filter(...); }).
namespace detail {
template <fixed_string Path>
struct with_path_modified_fn {
  template <class Modifier>
  auto operator()(Modifier modifier) const {
    return closure{[modifier = std::move(modifier)]<class M, class R, class S, class J>(const query<M, R, S, J>& q) {
      static_assert(Path.names() <= detail::max_relation_path_names,
                    "ar::with_path_modified: the path names more than 64 relations (ar::detail::max_relation_path_names)");
      static_assert(detail::path_exists<M, Path, 0>(),
                    "ar::with_path_modified: the path names a relation the model does not declare, or is not a "
                    "dot-separated list of relation names");
      if constexpr (detail::path_exists<M, Path, 0>()) {
        using target = typename detail::path_target<M, Path, 0>::type;
        using result = std::remove_cvref_t<std::invoke_result_t<const Modifier&, query<target>>>;
        static_assert(std::is_same_v<result, query<target>>,
                      "ar::with(path, modifier): the modifier must return a query of whole records of the same model "
                      "(filter, order_by, take, drop; no select): eager loading needs every column, keys included");
        if constexpr (std::is_same_v<result, query<target>>)
          return q | ar::with(Path.view(), [modifier](query<target> t) { return modifier(std::move(t)); });
        else
          return q;
      } else {
        return q;
      }
    }};
  }
};
}  // namespace detail

inline namespace views {
template <fixed_string Path>
inline constexpr detail::with_path_modified_fn<Path> with_path_modified{};
}  // namespace views

namespace detail {
struct strict_loading_fn {
  template <class M, class R, class S, class J>
  query<M, R, S, J> operator()(const query<M, R, S, J>& q) const {
    return q.transformed([](query_state& s) { s.strict = true; });
  }
};
struct no_auto_batching_fn {
  template <class M, class R, class S, class J>
  query<M, R, S, J> operator()(const query<M, R, S, J>& q) const {
    return q.transformed([](query_state& s) { s.auto_batch = false; });
  }
};
}  // namespace detail

// Records of this query load strictly: a relation not eager-loaded throws when read.
inline namespace views {
inline constexpr closure<detail::strict_loading_fn> strict_loading{};
}  // namespace views
// Records of this query load their relations one record at a time (no automatic batching).
inline namespace views {
inline constexpr closure<detail::no_auto_batching_fn> no_auto_batching{};
}  // namespace views

// Eager-loads relations of records already in hand: the same statements as with(...).
template <model M, class... Paths>
void load(const std::vector<M>& records, const Paths&... paths) {
  std::vector<detail::eager_node> tree;
  (detail::apply_paths<M>(tree, std::string_view(paths)), ...);
  std::vector<const void*> pointers;
  pointers.reserve(records.size());
  for (const M& r : records) pointers.push_back(&r);
  detail::eager_load_all<M>(pointers, tree);
}
template <model M, class... Paths>
void load(const M& record, const Paths&... paths) {
  std::vector<detail::eager_node> tree;
  (detail::apply_paths<M>(tree, std::string_view(paths)), ...);
  const std::vector<const void*> pointers{&record};
  detail::eager_load_all<M>(pointers, tree);
}

}  // namespace ar

#endif  // AR_LOAD_WITH_HPP
