// expect: ar::with: a generic modifier needs the one model its path leads to, and a path through a morph_to
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct post;
struct comment;

struct user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(user, "users", AR_FIELDS(id, name), AR_HAS_MANY(posts, post, user_id));
};

struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string title;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id, title));
};

struct comment {
  std::int64_t id = 0;
  std::string commentable_type;
  std::int64_t commentable_id = 0;
  std::string body;
  AR_MODEL(comment, "comments", AR_FIELDS(id, commentable_type, commentable_id, body),
           AR_MORPH_TO(commentable, commentable_type, commentable_id));
};

// A comment's commentable is a post or something else, per row: no one query type to give.
auto q = ar::from<comment>() | ar::with(ar::path<"commentable">, [](auto c) { return c; });
