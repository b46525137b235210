// expect: note: 'ar::detail::path_names_declared_relations<ar::fixed_string<7>{"draftz"}, ar::fixed_string<14>{"posts, drafts"}, false>' evaluates to false
#include <ar/ar.hpp>

#include <cstdint>
#include <string>

struct post;
struct comment;

struct user {
  std::int64_t id = 0;
  std::string name;
  AR_MODEL(user, "users", AR_FIELDS(id, name), AR_HAS_MANY(posts, post, user_id), AR_HAS_MANY(drafts, post, user_id));
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

// The compiler's note spells the path and the relations of the model where it stops.
auto q = ar::from<user>() | ar::joins<"posts", "draftz">;
