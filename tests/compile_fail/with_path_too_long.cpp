// expect: ar::with_path: a path names more than 64 relations
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>

// A tree: "children.children..." may go as deep as the data, but a path of more than 64 names is
// refused when the program compiles, as ar::with refuses it when it runs.
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
             "children.children.children.children.children.children.children.children.children.children">;
