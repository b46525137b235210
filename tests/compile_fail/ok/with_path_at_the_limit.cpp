// A path of exactly 64 names (ar::detail::max_relation_path_names) compiles: the limit refuses
// only what ar::with would refuse at run time (compile_fail/with_path_too_long.cpp).
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>

struct node {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  AR_MODEL(node, "nodes", AR_FIELDS(id, parent_id), AR_HAS_MANY(children, node, parent_id, AR_INVERSE(parent)),
           AR_BELONGS_TO(parent, node, parent_id, AR_INVERSE(children)));
};

auto q = ar::from<node>() |
         ar::with_path<
             "children.children.children.children.children.children.children.children.children.children.children."
             "children.children.children.children.children.children.children.children.children.children.children."
             "children.children.children.children.children.children.children.children.children.children.children."
             "children.children.children.children.children.children.children.children.children.children.children."
             "children.children.children.children.children.children.children.children.children.children.children."
             "children.children.children.children.children.children.children.children.children">;
