// expect: ar::with\(path, modifier\): the modifier must return a query of whole records
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
  std::string title;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id, title));
};

// A projection would drop the key columns eager loading groups by.
auto q = ar::from<user>() | ar::with("posts", [](ar::query<post> p) { return p | ar::select(post::c.title); });
