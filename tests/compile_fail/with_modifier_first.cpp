// expect: ar::with: a modifier refines the path written just before it, so it cannot come first
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

// A modifier has no path before it to refine.
auto titled = [](ar::query<post> q) { return q | ar::filter(post::c.title == "a"); };
auto q = ar::from<user>() | ar::with(titled, "posts");
