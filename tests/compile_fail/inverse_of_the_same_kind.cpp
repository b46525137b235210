// expect: AR_INVERSE must name a relation of the complementary kind on the target
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct post;
struct user {
  std::int64_t id = 0;
  std::int64_t favourite_id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id, favourite_id), AR_BELONGS_TO(favourite, post, favourite_id));
};
struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id), AR_BELONGS_TO(author, user, user_id, AR_INVERSE(favourite)));
};
void read(const post& p) { (void)p.author(); }
