// expect: ar relation: the foreign key and the key it refers to have different types
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
  std::string user_id;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id), AR_BELONGS_TO(author, user, user_id));
};
void read(const post& p) { (void)p.author(); }
