// expect: ar::with: two modifiers in a row: a modifier refines the one path written just before it
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

// The second modifier has no path of its own.
auto titled = [](ar::query<post> q) { return q | ar::filter(post::c.title == "a"); };
auto newest = [](ar::query<post> q) { return q | ar::order_by(ar::desc(post::c.id)); };
auto q = ar::from<user>() | ar::with("posts", titled, newest);
