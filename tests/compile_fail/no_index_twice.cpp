// expect: AR_NO_FOREIGN_KEY and AR_NO_INDEX, each at most once
#include <ar/ar.hpp>

#include <cstdint>

struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id));
};
struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id), AR_BELONGS_TO(author, user, user_id, AR_NO_INDEX, AR_NO_INDEX));
};
void read(const post& p) { (void)p.author(); }
