// expect: AR_HAS_ONE / AR_HAS_MANY: the foreign key is not a field of the target model
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct post;
struct user {
  std::int64_t id = 0;
  std::int64_t post_id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id, post_id), AR_HAS_MANY(posts, post, post_id));
};
struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id));
};
void read(const user& u) { (void)u.posts(); }
