// expect: AR_HAS_MANY\(posts, post, usr_id\) of user: the foreign key 'usr_id' is not a field of 'post'
#include <ar/ar.hpp>

#include <cstdint>

struct post;
struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id), AR_HAS_MANY(posts, post, usr_id));
};
struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id));
};
void read(const user& u) { (void)u.posts(); }
