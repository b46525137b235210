// expect: AR_BELONGS_TO\(author, user, \.\.\.\) of post: 'user' is not a model where the relation is used
#include <ar/ar.hpp>

#include <cstdint>

struct user {
  std::int64_t id = 0;
};
struct post {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  AR_MODEL(post, "posts", AR_FIELDS(id, user_id), AR_BELONGS_TO(author, user, user_id));
};
void read(const post& p) { (void)p.author(); }
