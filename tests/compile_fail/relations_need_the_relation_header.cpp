// expect: a model that declares relations needs <ar/relation.hpp>
// CRUD and the query views no longer bring the relations in: a model that declares one must be
// defined where <ar/relation.hpp> is visible, so that what its relations need is defined.
#include <ar/crud.hpp>
#include <ar/views/to_vector.hpp>

#include <cstdint>

namespace {
struct post;
struct author {
  std::int64_t id = 0;
  AR_MODEL(author, "authors", AR_FIELDS(id), AR_HAS_MANY(posts, post, author_id));
};
struct post {
  std::int64_t id = 0;
  std::int64_t author_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, author_id), AR_BELONGS_TO(author, struct author, author_id));
};
}  // namespace

int main() { return static_cast<int>((ar::from<author>() | ar::to_vector).size()); }
