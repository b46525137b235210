#ifndef AR_LOAD_PATHS_HPP
#define AR_LOAD_PATHS_HPP

// Relation paths ("posts.comments"): split and checked against the models' relation tables at run
// time, into the path tree a query's with(...) keeps (eager_node); and checked at compile time for
// ar::with_path (fixed_string, path_exists).

#include <ar/detail/erased_tables.hpp>
#include <ar/detail/model_def.hpp>
#include <ar/detail/relation_def.hpp>
#include <ar/export.hpp>
#include <ar/model_traits.hpp>

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ar {

namespace detail {

// The most names one relation path may have (a path tree of that depth loads level by level).
inline constexpr std::size_t max_relation_path_names = 64;

// Splits "posts.comments" into its names; throws ar::invalid_relation_path (also past
// max_relation_path_names names).
AR_API std::vector<std::string_view> split_relation_path(std::string_view path);

// Adds a path to a tree, checking every name against the models it passes through. Returns the
// node of the last name.
inline eager_node& add_path(std::vector<eager_node>& tree, const relation_table& root, std::string_view path) {
  const relation_table* table = &root;
  std::vector<eager_node>* level = &tree;
  eager_node* node = nullptr;
  for (std::string_view name : split_relation_path(path)) {
    const relation_entry& entry = table->find(name);
    node = nullptr;
    for (auto& n : *level)
      if (n.name == name) node = &n;
    if (!node) {
      level->push_back(eager_node{std::string(name), nullptr, {}});
      node = &level->back();
    }
    level = &node->children;
    table = &entry.target_table();
  }
  return *node;
}

// A query's path tree (or none) with more paths added, every name checked against the models they
// pass through (compiled once, in src/load/eager.cpp).
AR_API std::shared_ptr<const std::vector<eager_node>> with_paths(const std::vector<eager_node>* tree,
                                                                 const relation_table& root,
                                                                 const std::vector<std::string>& paths);
// The paths of a with(...), kept (compiled once, in src/load/eager.cpp).
AR_API std::vector<std::string> path_list(std::initializer_list<std::string_view> paths);

template <class M>
void apply_paths(std::vector<eager_node>& tree, std::string_view path) {
  add_path(tree, relation_table_of<M>(), path);
}

}  // namespace detail

// --- paths checked at compile time ----------------------------------------------------------------

// ar::fixed_string (a string literal as a template argument) is in <ar/model_traits.hpp>.

namespace detail {

template <class M, fixed_string Path>
constexpr std::size_t relation_position(std::size_t begin, std::size_t end) {
  return []<class... R>(type_list<R...>, std::size_t b, std::size_t e) {
    std::size_t i = 0, found = static_cast<std::size_t>(-1);
    ((Path.same(b, e, to_string_view(typename R::name_type{})) && found == static_cast<std::size_t>(-1)
          ? (found = i, ++i)
          : ++i),
     ...);
    return found;
  }(typename model_of<M>::relations{}, begin, end);
}

template <std::size_t I, class List>
struct nth;
template <std::size_t I, class T, class... Rest>
struct nth<I, type_list<T, Rest...>> : nth<I - 1, type_list<Rest...>> {};
template <class T, class... Rest>
struct nth<0, type_list<T, Rest...>> {
  using type = T;
};

// Whether `path`, from `begin` on, names relations that exist, starting at model M.
template <class M, fixed_string Path, std::size_t Begin>
constexpr bool path_exists() {
  constexpr std::size_t end = Path.dot_from(Begin);
  constexpr std::size_t length = Path.view().size();
  if constexpr (end == Begin) {
    return false;
  } else {
    constexpr std::size_t position = relation_position<M, Path>(Begin, end);
    if constexpr (position == static_cast<std::size_t>(-1)) {
      return false;
    } else if constexpr (end == length) {
      return true;
    } else if constexpr (nth<position, typename model_of<M>::relations>::type::kind == relation_kind::morph_to) {
      return true;  // past a morph_to the model depends on each row: the rest is checked when it loads
    } else {
      using next = typename nth<position, typename model_of<M>::relations>::type::target;
      return path_exists<next, Path, end + 1>();
    }
  }
}

// The model at which `path` stops naming relations that exist (M itself when its first name is
// not a relation of M); the model the path leads to when it exists.
template <class M, fixed_string Path, std::size_t Begin>
struct path_stop {
  using type = M;
};
template <class M, fixed_string Path, std::size_t Begin>
  requires(Path.dot_from(Begin) != Begin && Path.dot_from(Begin) != Path.view().size() &&
           relation_position<M, Path>(Begin, Path.dot_from(Begin)) != static_cast<std::size_t>(-1))
struct path_stop<M, Path, Begin> {
  using relation =
      typename nth<relation_position<M, Path>(Begin, Path.dot_from(Begin)), typename model_of<M>::relations>::type;
  using type = typename std::conditional_t<relation::kind == relation_kind::morph_to, std::type_identity<M>,
                                           path_stop<typename relation::target, Path, Path.dot_from(Begin) + 1>>::type;
};

// The relations model M declares, as one string ("posts, drafts"): a template argument of the
// check that refuses a path, so that the compiler's note lists them.
template <class M>
constexpr auto relation_names_of() {
  return []<class... R>(type_list<R...>) {
    constexpr std::size_t size = (std::size_t{0} + ... + (to_string_view(typename R::name_type{}).size() + 2));
    constexpr std::size_t length = size == 0 ? 0 : size - 2;
    char text[length + 1]{};
    std::size_t at = 0;
    (
        [&](std::string_view name) {
          if (at != 0) {
            text[at++] = ',';
            text[at++] = ' ';
          }
          for (char c : name) text[at++] = c;
        }(to_string_view(typename R::name_type{})),
        ...);
    return fixed_string<length + 1>(text);
  }(typename model_of<M>::relations{});
}

// true when the path exists; written with the path and the relations of the model where it stops,
// which the compiler's "evaluates to false" note then spells.
template <fixed_string Path, fixed_string RelationsWhereItStops, bool Exists>
inline constexpr bool path_names_declared_relations = Exists;

// The model a checked path leads to.
template <class M, fixed_string Path, std::size_t Begin>
struct path_target {
  static constexpr std::size_t end = Path.dot_from(Begin);
  using next = typename nth<relation_position<M, Path>(Begin, end), typename model_of<M>::relations>::type::target;
  using type = typename std::conditional_t<end == Path.view().size(), std::type_identity<next>,
                                           path_target<next, Path, end + 1>>::type;
};

}  // namespace detail

}  // namespace ar

#endif  // AR_LOAD_PATHS_HPP
