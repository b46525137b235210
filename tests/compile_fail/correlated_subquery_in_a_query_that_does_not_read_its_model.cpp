// expect: ar::select: a column belongs to another model than the query's
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

// The subquery names the row of a user: it belongs in a query of users, not of comments.
const auto titles =
    ar::from<post>() | ar::correlate<user> | ar::filter(post::c.user_id == user::c.id) | ar::select(post::c.title);
auto q = ar::from<comment>() | ar::select(ar::scalar(titles));
