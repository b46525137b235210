// expect: AR_INVERSE names a relation that does not point back to this model through the same foreign key
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct post;
struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id), AR_HAS_MANY(edited, post, editor_id));
};
struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::int64_t editor_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id, editor_id), AR_BELONGS_TO(author, user, user_id, AR_INVERSE(edited)));
};
void read(const post& p) { (void)p.author(); }
