// expect: AR_NO_INDEX is an option of AR_BELONGS_TO
#include <ar/ar.hpp>

#include <cstdint>

struct post;
struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id), AR_HAS_MANY(posts, post, user_id, AR_NO_INDEX));
};
struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id));
};
void read(const user& u) { (void)u.posts(); }
