// expect: ar::update_all: the query joins other models
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

void f() {
  (void)(ar::from<user>() | ar::joins<"posts"> | ar::filter(post::c.title == "x") |
         ar::update_all(ar::set(user::c.name, "y")));
}
