#ifndef AR_LOAD_WITH_HPP
#define AR_LOAD_WITH_HPP

// The adaptors that ask a query for eager loads and loading modes: with(paths and modifiers...),
// ar::path<...>, with_path<...>, with_path_modified<...>(modifier), strict_loading, no_auto_batching;
// and ar::load / ar::load_missing(records, paths...) for records in hand.

#include <ar/error.hpp>
#include <ar/load/paths.hpp>
#include <ar/load/registry.hpp>
#include <ar/query.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ar {

namespace detail {

template <class M>
std::pair<ar::database, std::shared_ptr<const query_state>> rows_modified(const void* modifier) {
  query<M> q = (*static_cast<const std::function<query<M>(query<M>)>*>(modifier))(from<M>());
  return {q.given_database(), q.shared_state()};  // none given: base_query asks the model's (or its shards)
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
template <class R, class A>
struct modifier_parameter<R (*)(A)> {
  using type = std::remove_cvref_t<A>;
};

template <class Modifier>
void attach_modifier(eager_node& node, const std::vector<eager_node>&, const relation_table& root,
                     std::string_view path, Modifier modifier) {
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
        throw error("ar::with: the modifier of '" + std::string(path) +
                    "' takes a query of another model than the one '" + std::string(entry->name) + "' leads to");
      if (entry->kind == relation_kind::has_many_through || entry->kind == relation_kind::chain) {
        // Checked now, before anything runs: a through relation's or a chain's modifier may only filter.
        const query<target> refined = modifier(from<target>());
        const query_state& s = refined.state();
        if (!s.order.empty() || s.limit || s.offset || s.distinct)
          throw error("ar::with: a modifier of the " +
                      std::string(entry->kind == relation_kind::chain ? "chain" : "has_many_through relation") + " '" +
                      std::string(entry->name) + "' may only filter");
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

// A relation path known at compile time, as an argument of with(...): ar::path<"posts.comments">
// (or "posts.comments"_path, with using namespace ar::literals). It is checked against the model
// when with(...) is applied, and tells a generic modifier after it which query it gets.
template <fixed_string Path>
struct relation_path {
  static constexpr fixed_string value = Path;
};
template <fixed_string Path>
inline constexpr relation_path<Path> path{};
inline namespace literals {
template <fixed_string Path>
constexpr relation_path<Path> operator""_path() {
  return {};
}
}  // namespace literals

namespace detail {

template <class T>
inline constexpr bool is_static_path_v = false;
template <fixed_string Path>
inline constexpr bool is_static_path_v<relation_path<Path>> = true;

// What an argument of with(...) is: a path (a string, or one known at compile time) or a modifier
// (any other callable), typed (its parameter names the query) or generic.
enum class with_arg : std::uint8_t { runtime_path, static_path, typed_modifier, generic_modifier };
template <class A>
constexpr with_arg with_arg_of() {
  if constexpr (is_static_path_v<A>)
    return with_arg::static_path;
  else if constexpr (std::is_convertible_v<const A&, std::string_view>)
    return with_arg::runtime_path;
  else if constexpr (is_query_v<typename modifier_parameter<A>::type>)
    return with_arg::typed_modifier;
  else
    return with_arg::generic_modifier;
}
constexpr bool is_path(with_arg a) { return a == with_arg::runtime_path || a == with_arg::static_path; }
// What a with(...) keeps of an argument: a path held in a string is copied (the closure may
// outlive a std::string_view's text).
template <class A>
using with_stored = std::conditional_t<with_arg_of<A>() == with_arg::runtime_path, std::string, A>;

// The first mistake in how the arguments of a with(...) mix, if any.
enum class with_mix : std::uint8_t { ok, modifier_first, modifiers_in_a_row, generic_after_runtime_path };
template <class... Args>
constexpr with_mix check_with_mix() {
  constexpr with_arg kinds[] = {with_arg_of<Args>()...};
  for (std::size_t i = 0; i < sizeof...(Args); ++i) {
    if (is_path(kinds[i])) continue;
    if (i == 0) return with_mix::modifier_first;
    if (!is_path(kinds[i - 1])) return with_mix::modifiers_in_a_row;
    if (kinds[i] == with_arg::generic_modifier && kinds[i - 1] == with_arg::runtime_path)
      return with_mix::generic_after_runtime_path;
  }
  return with_mix::ok;
}

// Whether a checked path passes through or ends at a morph_to (whose model is known per row).
template <class M, fixed_string Path, std::size_t Begin>
constexpr bool path_meets_morph_to() {
  constexpr std::size_t end = Path.dot_from(Begin);
  using rel = typename nth<relation_position<M, Path>(Begin, end), typename model_of<M>::relations>::type;
  if constexpr (rel::kind == relation_kind::morph_to)
    return true;
  else if constexpr (end == Path.view().size())
    return false;
  else
    return path_meets_morph_to<typename rel::target, Path, end + 1>();
}

template <class M, fixed_string Path>
constexpr void check_static_path() {
  static_assert(Path.names() <= max_relation_path_names,
                "ar::with: a path names more than 64 relations (ar::detail::max_relation_path_names)");
  static_assert(path_exists<M, Path, 0>(),
                "ar::with: a path names a relation the model does not declare, or is not a dot-separated list of "
                "relation names");
}

// A generic modifier of a path known at compile time, made typed: it takes the query of the model
// the path leads to.
template <class M, fixed_string Path, class Modifier>
auto typed_modifier(const Modifier& modifier) {
  using target = typename path_target<M, Path, 0>::type;
  using result = std::remove_cvref_t<std::invoke_result_t<const Modifier&, query<target>>>;
  static_assert(std::is_same_v<result, query<target>>,
                "ar::with(path, modifier): the modifier must return a query of whole records of the same model "
                "(filter, order_by, take, drop; no select): eager loading needs every column, keys included");
  return [modifier](query<target> t) -> query<target> {
    if constexpr (std::is_same_v<result, query<target>>)
      return modifier(std::move(t));
    else
      return t;
  };
}

// Adds the I-th argument of a with(...) to the path tree: a path, or the modifier of the path just
// before it (`last`).
template <class M, std::size_t I, class Tuple>
void add_with_arg(std::vector<eager_node>& tree, const Tuple& args, eager_node*& last, std::string_view& last_path) {
  using A = std::tuple_element_t<I, Tuple>;
  constexpr with_arg kind = with_arg_of<A>();
  const relation_table& root = relation_table_of<M>();
  if constexpr (kind == with_arg::runtime_path) {
    last_path = std::string_view(std::get<I>(args));
    last = &add_path(tree, root, last_path);
  } else if constexpr (kind == with_arg::static_path) {
    check_static_path<M, A::value>();
    last_path = A::value.view();
    last = &add_path(tree, root, last_path);
  } else if constexpr (I > 0) {
    using P = std::tuple_element_t<I - 1, Tuple>;
    if constexpr (kind == with_arg::typed_modifier) {
      attach_modifier(*last, tree, root, last_path, std::get<I>(args));
    } else if constexpr (is_static_path_v<P>) {
      if constexpr (path_exists<M, P::value, 0>()) {
        static_assert(!path_meets_morph_to<M, P::value, 0>(),
                      "ar::with: a generic modifier needs the one model its path leads to, and a path through a "
                      "morph_to leads to a model per row: name the query type in the modifier's parameter");
        if constexpr (!path_meets_morph_to<M, P::value, 0>())
          attach_modifier(*last, tree, root, last_path, typed_modifier<M, P::value>(std::get<I>(args)));
      }
    }
  }
}

template <class M, class Tuple, std::size_t... I>
std::shared_ptr<const std::vector<eager_node>> with_args_tree(const std::vector<eager_node>* tree, const Tuple& args,
                                                              std::index_sequence<I...>) {
  std::vector<eager_node> grown = tree ? *tree : std::vector<eager_node>{};
  eager_node* last = nullptr;
  std::string_view last_path;
  (add_with_arg<M, I>(grown, args, last, last_path), ...);
  return std::make_shared<const std::vector<eager_node>>(std::move(grown));
}

}  // namespace detail

// with(paths...): eager-load the relations the dotted paths name. Every path is checked against
// the models before anything runs; a wrong one throws ar::invalid_relation_path or
// ar::relation_not_found and changes nothing.
//
// with(path, modifier, path, ...): paths and modifiers in one call; a modifier refines the query of
// the last relation of the path just before it, as Eloquent's with(['posts' => fn ($q) => ...]).
// A modifier that names its query type ([](ar::query<Post> q) { ... }) may follow any path; a
// generic one ([](auto q) { ... }, or a scope such as ar::filter(...)) follows a path known at
// compile time, ar::path<"posts"> or "posts"_path, which says what it is given.
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

  template <class... Args>
    requires(sizeof...(Args) > 0 && !(std::is_convertible_v<const Args&, std::string_view> && ...))
  auto operator()(Args... args) const {
    constexpr with_mix mix = check_with_mix<Args...>();
    static_assert(mix != with_mix::modifier_first,
                  "ar::with: a modifier refines the path written just before it, so it cannot come first: write "
                  "with(\"posts\", modifier)");
    static_assert(mix != with_mix::modifiers_in_a_row,
                  "ar::with: two modifiers in a row: a modifier refines the one path written just before it, so "
                  "write the path again before the second (with(\"posts\", a, \"posts\", b))");
    static_assert(mix != with_mix::generic_after_runtime_path,
                  "ar::with: a generic modifier ([](auto q) or a scope) follows a path known at compile time, "
                  "ar::path<\"posts\"> or \"posts\"_path, or names its query type ([](ar::query<Post> q))");
    return closure{[args = std::tuple<with_stored<Args>...>(std::move(args)...)]<class M, class R, class S, class J>(
                       const query<M, R, S, J>& q) {
      static_assert(std::is_same_v<R, M>, "ar::with loads relations of whole records: use it before select");
      if constexpr (check_with_mix<Args...>() == with_mix::ok) {
        auto shared = detail::with_args_tree<M>(q.state().eager.get(), args, std::index_sequence_for<Args...>{});
        return q.transformed([&](detail::query_state& s) { s.eager = std::move(shared); });
      } else {
        return q;
      }
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
      static_assert(
          Path.names() <= detail::max_relation_path_names,
          "ar::with_path_modified: the path names more than 64 relations (ar::detail::max_relation_path_names)");
      static_assert(detail::path_exists<M, Path, 0>(),
                    "ar::with_path_modified: the path names a relation the model does not declare, or is not a "
                    "dot-separated list of relation names");
      if constexpr (detail::path_exists<M, Path, 0>()) {
        return q | ar::with(ar::path<Path>, modifier);
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

// Eager-loads, as ar::load, only what is not loaded yet, at every level: a record whose posts are
// loaded but whose posts' comments are not gets only the comments (Eloquent's loadMissing, Rails'
// preload on loaded relations). No statement when everything is loaded; a relation loaded with a
// modifier counts as loaded.
template <model M, class... Paths>
void load_missing(const std::vector<M>& records, const Paths&... paths) {
  std::vector<detail::eager_node> tree;
  (detail::apply_paths<M>(tree, std::string_view(paths)), ...);
  std::vector<const void*> pointers;
  pointers.reserve(records.size());
  for (const M& r : records) pointers.push_back(&r);
  detail::eager_load_missing<M>(pointers, tree);
}
template <model M, class... Paths>
void load_missing(const M& record, const Paths&... paths) {
  std::vector<detail::eager_node> tree;
  (detail::apply_paths<M>(tree, std::string_view(paths)), ...);
  const std::vector<const void*> pointers{&record};
  detail::eager_load_missing<M>(pointers, tree);
}

}  // namespace ar

#endif  // AR_LOAD_WITH_HPP
