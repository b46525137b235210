// expect: ar::order_by: a key is a column of another model than the query's
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id));
};

struct post {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(post, "posts", AR_FIELDS(id, title));
};

auto q = ar::from<user>() | ar::order_by(ar::desc(post::c.title));
