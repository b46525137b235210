// expect: note: 'ar::detail::path_names_declared_relations<ar::fixed_string<12>{"posts.autor"}, ar::fixed_string<7>{"author"}, false>' evaluates to false
#include <ar/ar.hpp>

#include <cstdint>

// The path stops at post, whose only relation is author: the note spells the path and "author".
struct post;
struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id), AR_HAS_MANY(posts, post, user_id), AR_HAS_MANY(drafts, post, user_id));
};
struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id), AR_BELONGS_TO(author, user, user_id));
};
auto q = ar::from<user>() | ar::with_path<"posts.autor">;
