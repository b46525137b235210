// expect: ar::filter: the condition uses a column of another model than the query's
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(user, "users", AR_FIELDS(id, name));
};

struct post {
  std::int64_t id = 0;
  std::string title;
  AR_MODEL(post, "posts", AR_FIELDS(id, title));
};

auto q = ar::from<user>() | ar::filter(post::c.title == "hello");
