// expect: AR_HAS_MANY_THROUGH: both foreign keys must be fields of the join model
#include <ar/ar.hpp>

#include <cstdint>

struct tag;
struct post_tag;
struct post {
  std::int64_t id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id), AR_HAS_MANY_THROUGH(tags, tag, post_tag, post_id, tg_id));
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

void read(const post& p) { (void)p.tags(); }
