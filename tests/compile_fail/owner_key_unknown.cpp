// expect: AR_OWNER_KEY names a field that the referenced model does not list in AR_FIELDS
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
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id), AR_BELONGS_TO(author, user, user_id, AR_OWNER_KEY(uid)));
};
void read(const post& p) { (void)p.author(); }
