// expect: ar: add / set / create take a record of the relation.s target model
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct post;
struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id), AR_HAS_MANY(posts, post, user_id));
};
struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id));
};
void add(user& u, user& other) { u.posts_add(other); }
