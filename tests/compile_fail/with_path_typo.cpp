// expect: ar::with_path: a path names a relation the model does not declare
#include <ar/ar.hpp>

#include <cstdint>
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

auto q = ar::from<user>() | ar::with_path<"psots">;
