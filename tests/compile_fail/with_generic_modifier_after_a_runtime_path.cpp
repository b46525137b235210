// expect: ar::with: a generic modifier \(\[\]\(auto q\) or a scope\) follows a path known at compile time
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

// "posts" is a run-time string: nothing says which query the generic lambda gets.
auto q = ar::from<user>() | ar::with("posts", [](auto p) { return p | ar::filter(post::c.title == "a"); });
