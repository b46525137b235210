#ifndef AR_TREE_HPP
#define AR_TREE_HPP

// Self-referential relations are ordinary relations whose target is the model itself:
//
//   struct Category { ... AR_MODEL(Category, "categories", AR_FIELDS(id, parent_id, name),
//                                  AR_BELONGS_TO(parent, Category, parent_id, AR_INVERSE(children)),
//                                  AR_HAS_MANY(children, Category, parent_id, AR_INVERSE(parent))); };
//
// On top of them, through the self-referential belongs_to named `relation`:
//   ar::ancestors(c, "parent")    the parent, its parent, ... nearest first   (one statement)
//   ar::descendants(c, "parent")  children, grandchildren, ... by depth       (one statement)
// Both are recursive common table expressions, bounded by `max_tree_depth` levels so that a cycle
// already in the data cannot make them run forever. ar::update and ar::save refuse to store a
// record that would become its own ancestor (that check, the walk and max_tree_depth are in
// ar/relation.hpp, which a tree model is defined with).

#include <ar/error.hpp>
#include <ar/relation.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace ar {

namespace detail {

template <class M, class F>
void with_self_relation(std::string_view relation, F&& f) {
  with_relation_named<M>(relation, [&]<class R>() {
    if constexpr (is_self_belongs_to_v<R>)
      f.template operator()<R>();
    else
      throw error("ar: '" + std::string(relation) + "' of '" + std::string(model_of<M>::table) +
                  "' is not a self-referential belongs_to (a parent relation)");
  });
}

}  // namespace detail

// The ancestors of a record along a self-referential belongs_to: its parent first.
template <model M>
std::vector<M> ancestors(const M& record, std::string_view relation) {
  std::vector<M> out;
  detail::with_self_relation<M>(relation, [&]<class R>() { out = detail::tree_walk<M, R>(record, true); });
  return out;
}

// The descendants of a record along a self-referential belongs_to: children first, then theirs.
template <model M>
std::vector<M> descendants(const M& record, std::string_view relation) {
  std::vector<M> out;
  detail::with_self_relation<M>(relation, [&]<class R>() { out = detail::tree_walk<M, R>(record, false); });
  return out;
}

}  // namespace ar

#endif  // AR_TREE_HPP
