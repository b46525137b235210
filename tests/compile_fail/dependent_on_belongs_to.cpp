// expect: AR_DEPENDENT applies to has_one and has_many, not to belongs_to
#include <ar/ar.hpp>

#include <cstdint>
#include <optional>
#include <string>

struct user {
  std::int64_t id = 0;
  AR_MODEL(user, "users", AR_FIELDS(id));
};
struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id), AR_BELONGS_TO(author, user, user_id, AR_DEPENDENT(destroy)));
};
void read(const post& p) { (void)p.author(); }
