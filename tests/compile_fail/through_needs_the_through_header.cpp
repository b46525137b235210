// expect: AR_HAS_MANY_THROUGH / AR_MORPH_MANY_THROUGH: include <ar/through.hpp>
// <ar/loading.hpp> holds the direct relations; a through relation is implemented in <ar/through.hpp>.
#include <ar/loading.hpp>

#include <cstdint>

namespace {
struct tag;
struct post_tag;
struct post {
  std::int64_t id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id), AR_HAS_MANY_THROUGH(tags, tag, post_tag, post_id, tag_id));
};
struct tag {
  std::int64_t id = 0;
  AR_MODEL(tag, "tags", AR_FIELDS(id));
};
struct post_tag {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  std::int64_t tag_id = 0;
  AR_MODEL(post_tag, "post_tags", AR_FIELDS(id, post_id, tag_id));
};
}  // namespace

int main() { return static_cast<int>((ar::from<post>() | ar::with("tags") | ar::to_vector).size()); }
